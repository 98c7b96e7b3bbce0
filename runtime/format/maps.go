// This file implements the printing of whole maps: print(@m, top, div) and
// the dump at exit.

package format

import (
	"bytes"
	"io"
	"slices"
	"strconv"
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

// entry is a key with its reduced value, and what it sorts by.
type entry struct {
	key, val []byte
	order    []keyPart // the key's elements, for sorting by key
	rank     int64     // the value's number, for sorting by value
	pos      int       // position in the map's entries, the last tie-break
}

// keyPart is one key element as it sorts: integers as unsigned numbers of
// their size, strings as C strings, anything else by its bytes (in s).
type keyPart struct {
	n     uint64
	s     string
	isInt bool
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
// (ties in key byte order, as bpftrace's std::map leaves them); everything
// else by key. Ties of the other kinds keep key order.
func sortEntries(m *Map, es []entry) []entry {
	signed := rankEntries(m, es)
	byValue, byRaw := true, false
	switch m.Value.Kind {
	case types.Avg, types.Stats, types.Hist, types.Lhist:
		byRaw = true
	case types.Count, types.Sum, types.Min, types.Max, types.Int:
	default:
		byValue = false
	}
	// One total order (value, then key, then position) sorted with an
	// unstable sort of pointers: much faster than stable sorts of entries
	// for maps of thousands of keys.
	ps := make([]*entry, len(es))
	for i := range es {
		ps[i] = &es[i]
	}
	slices.SortFunc(ps, func(a, b *entry) int {
		if byValue {
			if c := cmpInt(a.rank, b.rank, signed); c != 0 {
				return c
			}
		}
		c := 0
		if byRaw {
			c = bytes.Compare(a.key, b.key)
		} else {
			c = cmpOrder(a, b)
		}
		if c != 0 {
			return c
		}
		return a.pos - b.pos
	})
	out := make([]entry, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}

// rankEntries fills in what each entry sorts by, and reports whether the
// ranks compare as signed numbers.
func rankEntries(m *Map, es []entry) (signed bool) {
	t := m.Value
	_, signed = scalar(t, nil)
	for i := range es {
		e := &es[i]
		e.pos = i
		e.order = keyOrder(m.Key, e.key)
		switch t.Kind {
		case types.Avg, types.Stats:
			e.rank, signed = average(e.val), true
		case types.Hist, types.Lhist:
			e.rank, signed = int64(total(t, e.val)), false
		default:
			e.rank, _ = scalar(t, e.val)
		}
	}
	return signed
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

// keyOrder returns the parts of a key that sort_by_key compares.
func keyOrder(key *types.Type, b []byte) []keyPart {
	if key == nil {
		return nil
	}
	elems, offs := keyElems(key)
	parts := make([]keyPart, len(elems))
	for i, t := range elems {
		x := field(b, offs[i], t.Size)
		switch t.Kind {
		case types.Int:
			parts[i] = keyPart{n: uint64(intVal(&types.Type{Kind: types.Int, Size: t.Size}, x)), isInt: true}
		case types.String:
			parts[i] = keyPart{s: cString(x, t.Size)}
		default:
			parts[i] = keyPart{s: string(x)}
		}
	}
	return parts
}

func cmpOrder(a, b *entry) int {
	for i := range min(len(a.order), len(b.order)) {
		x, y := a.order[i], b.order[i]
		if x.isInt {
			if c := cmpInt(int64(x.n), int64(y.n), false); c != 0 {
				return c
			}
			continue
		}
		if c := strings.Compare(x.s, y.s); c != 0 {
			return c
		}
	}
	return 0
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
// indented 4 spaces. 8-byte integers print signed whatever their type, as
// bpftrace 0.17 prints keys (@[(uint64)-2] is @[-2]; smaller unsigned
// ones stay unsigned).
func keyParts(env *Env, key *types.Type, b []byte) []string {
	elems, offs := keyElems(key)
	parts := make([]string, len(elems))
	for i, t := range elems {
		if t.Kind == types.Int && t.Size == 8 && !t.Signed {
			t = types.Int64
		}
		parts[i] = keyText(env, t, pad(field(b, offs[i], t.Size), t.Size))
	}
	return parts
}

// keyText is one key element: a struct prints compact in a key,
// "{.m=2,.n=3}", as bpftrace 0.17 prints it (a value is "{ .m = 2, .n = 3 }").
func keyText(env *Env, t *types.Type, b []byte) string {
	if t.Kind != types.Struct {
		return valueText(env, t, b, false, 4)
	}
	parts := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		parts[i] = "." + f.Name + "=" + keyText(env, f.Type, field(b, f.Offset, f.Type.Size))
	}
	return "{" + strings.Join(parts, ",") + "}"
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
		switch {
		case m.Value.Kind == types.TSeries:
			s = s[:len(s)-1] + "\n" + tseriesText(env, m.Value, e.val)
		case isHist(m.Value):
			s += "\n" + histText(m.Value, e.val, div)
		default:
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
	if m.Value.Kind == types.Avg || m.Value.Kind == types.Stats || m.Value.Kind == types.TSeries {
		out += "\n"
	}
	return out
}

func mapValueText(env *Env, t *types.Type, b []byte, div int64) string {
	switch t.Kind {
	case types.Int:
		if t.Enum != nil && div <= 1 {
			return enumText(t, b)
		}
		v := intVal(t, b)
		if t.IsBool() {
			return strconv.FormatBool(v != 0)
		}
		return divide(v, t.Signed, div)
	case types.Count, types.Sum, types.Min, types.Max, types.Avg, types.Stats:
		return aggText(t, b, div)
	case types.Pointer:
		// bpftrace 0.17 prints a pointer map value as a plain number (keys in hex).
		return strconv.FormatUint(u64(b), 10)
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
	case types.TSeries:
		kind = "tseries"
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
	case types.TSeries:
		return tseriesJSON(env, t, b)
	case types.Hist, types.Lhist:
		return histJSON(t, b, div)
	case types.Stats:
		count, total := avgParts(b)
		return `{"count": ` + itoa(count) + `, "average": ` + itoa(average(b)) + `, "total": ` + itoa(total) + "}"
	case types.Int, types.Pointer, types.Count, types.Sum, types.Min, types.Max, types.Avg:
		return mapValueText(env, t, b, div)
	}
	return valueStr(env, t, b, true, 8)
}
