// This file implements the printing of whole maps: print(@m, top, div) and
// the dump at exit.

package format

import (
	"bytes"
	"io"
	"slices"
	"strings"

	"github.com/gtrace/gtrace/lang/types"
)

// Map is a script map read from the kernel, ready to print.
type Map struct {
	Name   string      // "@x", "@" for the anonymous map
	Key    *types.Type // nil for a scalar; a Tuple for a multi-key map
	Value  *types.Type // aggregation kind or plain value type
	PerCPU bool        // Entry.Values holds one value per CPU, to Reduce
	// Entries in any order; PrintMap sorts them.
	Entries []Entry
}

// Entry is one key of a map and its value (one per CPU for per-CPU maps).
type Entry struct {
	Key    []byte
	Values [][]byte
}

// entry is a key with its reduced value.
type entry struct {
	key, val []byte
}

// PrintMap writes m as bpftrace prints print(@m, top, div) and the exit
// dump, in text or (env.JSON) JSON. top > 0 keeps the last top entries after
// sorting; div > 1 divides count, sum, min, max, avg, int and hist values
// (stats and lhist ignore both, as bpftrace does). In text an empty map
// prints a single newline; in JSON nothing.
func PrintMap(w io.Writer, env *Env, m *Map, top, div int64) error {
	_, err := io.WriteString(w, MapString(env, m, top, div))
	return err
}

// MapString returns what PrintMap writes.
func MapString(env *Env, m *Map, top, div int64) string {
	if div <= 0 {
		div = 1
	}
	es := sortEntries(m, reduceEntries(m))
	if m.Value.Kind == types.Stats {
		top, div = 0, 1
	}
	if top > 0 && int64(len(es)) > top {
		es = es[int64(len(es))-top:]
	}
	if env.json() {
		return mapJSON(env, m, es, div)
	}
	return mapText(env, m, es, div)
}

func reduceEntries(m *Map) []entry {
	es := make([]entry, 0, len(m.Entries))
	for _, e := range m.Entries {
		var v []byte
		switch {
		case m.PerCPU || m.Value.Kind.IsAgg():
			v = Reduce(m.Value, e.Values)
		case len(e.Values) > 0:
			v = e.Values[0]
		}
		es = append(es, entry{key: e.Key, val: pad(v, AggSize(m.Value))})
	}
	return es
}

// sortEntries orders entries as bpftrace does: count, sum, int, min and max
// maps by value; avg and stats by average and hist and lhist by total count
// (ties in key byte order); everything else by key.
func sortEntries(m *Map, es []entry) []entry {
	sortByKey(m.Key, es)
	switch m.Value.Kind {
	case types.Count, types.Sum, types.Min, types.Max, types.Int:
		_, signed := scalar(m.Value, nil)
		slices.SortStableFunc(es, func(a, b entry) int {
			x, _ := scalar(m.Value, a.val)
			y, _ := scalar(m.Value, b.val)
			return cmpInt(x, y, signed)
		})
	case types.Avg, types.Stats:
		sortRaw(es)
		slices.SortStableFunc(es, func(a, b entry) int {
			return cmpInt(average(a.val), average(b.val), true)
		})
	case types.Hist, types.Lhist:
		sortRaw(es)
		slices.SortStableFunc(es, func(a, b entry) int {
			return cmpInt(int64(total(m.Value, a.val)), int64(total(m.Value, b.val)), true)
		})
	}
	return es
}

func total(t *types.Type, b []byte) uint64 {
	var n uint64
	for _, v := range slots(t, b) {
		n += v
	}
	return n
}

func cmpInt(x, y int64, signed bool) int {
	switch {
	case signed && x < y, !signed && uint64(x) < uint64(y):
		return -1
	case x == y:
		return 0
	}
	return 1
}

func sortRaw(es []entry) {
	slices.SortStableFunc(es, func(a, b entry) int { return bytes.Compare(a.key, b.key) })
}

// sortByKey sorts by each key element in turn: integers as unsigned numbers
// of their size, strings as C strings, other types by their bytes.
func sortByKey(key *types.Type, es []entry) {
	if key == nil {
		return
	}
	elems, offs := keyElems(key)
	slices.SortStableFunc(es, func(a, b entry) int {
		for i, t := range elems {
			x, y := field(a.key, offs[i], t.Size), field(b.key, offs[i], t.Size)
			if c := cmpKeyElem(t, x, y); c != 0 {
				return c
			}
		}
		return 0
	})
}

func cmpKeyElem(t *types.Type, x, y []byte) int {
	switch t.Kind {
	case types.Int:
		u := &types.Type{Kind: types.Int, Size: t.Size}
		return cmpInt(intVal(u, x), intVal(u, y), false)
	case types.String:
		return strings.Compare(cString(x, t.Size), cString(y, t.Size))
	}
	return bytes.Compare(x, y)
}

// keyElems returns the elements of a map key and their offsets: a tuple's
// elements for a multi-key map, or the key itself.
func keyElems(key *types.Type) ([]*types.Type, []int) {
	if key.Kind == types.Tuple {
		return key.Elems, key.Offsets()
	}
	return []*types.Type{key}, []int{0}
}

// keyParts returns the text of each key element; stacks as keys are
// indented 4 spaces.
func keyParts(env *Env, key *types.Type, b []byte) []string {
	elems, offs := keyElems(key)
	parts := make([]string, len(elems))
	for i, t := range elems {
		parts[i] = valueText(env, t, pad(field(b, offs[i], t.Size), t.Size), false, 4)
	}
	return parts
}

// KeyText returns a map key as text prints it after the map name: "" for a
// scalar, "[a]" or "[a, 2]".
func KeyText(env *Env, key *types.Type, b []byte) string {
	if key == nil {
		return ""
	}
	return "[" + strings.Join(keyParts(env, key, b), ", ") + "]"
}

// isHist reports whether values of t print as histograms.
func isHist(t *types.Type) bool { return t.Kind == types.Hist || t.Kind == types.Lhist }

func mapText(env *Env, m *Map, es []entry, div int64) string {
	parts := make([]string, len(es))
	for i, e := range es {
		s := m.Name + KeyText(env, m.Key, e.key) + ": "
		if isHist(m.Value) {
			s += "\n" + histText(m.Value, e.val, div)
		} else {
			s += mapValueText(env, m.Value, e.val, div)
		}
		parts[i] = s
	}
	sep := "\n"
	switch m.Value.Kind {
	case types.KStack, types.UStack, types.Ksym, types.Usym, types.Inet:
		// bpftrace joins these with nothing: stacks end in a newline, and
		// symbols and addresses run together on one line.
		sep = ""
	}
	out := strings.Join(parts, sep) + "\n"
	if m.Value.Kind == types.Avg || m.Value.Kind == types.Stats {
		out += "\n"
	}
	return out
}

func mapValueText(env *Env, t *types.Type, b []byte, div int64) string {
	switch t.Kind {
	case types.Int:
		v := intVal(t, b)
		return divide(v, t.Signed, div)
	case types.Count, types.Sum, types.Min, types.Max, types.Avg, types.Stats:
		return aggText(t, b, div)
	}
	return valueText(env, t, b, false, 8)
}

func mapJSON(env *Env, m *Map, es []entry, div int64) string {
	if len(es) == 0 {
		return ""
	}
	kind := "map"
	switch m.Value.Kind {
	case types.Hist, types.Lhist:
		kind = "hist"
	case types.Avg, types.Stats:
		kind = "stats"
	}
	parts := make([]string, len(es))
	for i, e := range es {
		v := mapValueJSON(env, m.Value, e.val, div)
		if m.Key != nil {
			v = `"` + Escape(strings.Join(keyParts(env, m.Key, e.key), ",")) + `": ` + v
		}
		parts[i] = v
	}
	body := strings.Join(parts, ", ")
	if m.Key != nil {
		body = "{" + body + "}"
	}
	return `{"type": "` + kind + `", "data": {"` + Escape(m.Name) + `": ` + body + "}}\n"
}

func mapValueJSON(env *Env, t *types.Type, b []byte, div int64) string {
	switch t.Kind {
	case types.Hist, types.Lhist:
		return histJSON(t, b, div)
	case types.Stats:
		count, total := avgParts(b)
		return `{"count": ` + itoa(count) + `, "average": ` + itoa(average(b)) + `, "total": ` + itoa(total) + "}"
	case types.Int, types.Count, types.Sum, types.Min, types.Max, types.Avg:
		return mapValueText(env, t, b, div)
	}
	return valueStr(env, t, b, true, 8)
}
