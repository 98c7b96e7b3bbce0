// This file implements the printing of whole maps: print(@m, top, div) and
// the dump at exit.

package format

import (
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
	// Table, when not nil, holds the entries instead of Entries, in flat
	// buffers (as batch lookups read them).
	Table *Table
}

// Entry is one key of a map and its value (one per CPU for per-CPU maps).
type Entry struct {
	Key    []byte
	Values [][]byte
}

// PrintMap writes m as bpftrace prints print(@m, top, div) and the exit
// dump, in text or (env.JSON) JSON. top > 0 keeps the last top entries after
// sorting; div > 1 divides count, sum, min, max, avg, int and hist values
// (stats and lhist ignore both, as bpftrace does). In text an empty map
// prints a single newline; in JSON nothing.
func PrintMap(w io.Writer, env *Env, m *Map, top, div int64) error {
	r, es, div := sortedMap(m, top, div)
	if !env.json() && fastText(m) && len(es) > 0 {
		return writeFastText(w, m, es, div)
	}
	var dst []byte
	if env.json() {
		dst = []byte(mapJSON(env, m, r, es, div))
	} else {
		dst = appendMapText(nil, env, m, r, es, div)
	}
	_, err := w.Write(dst)
	return err
}

// MapString returns what PrintMap writes.
func MapString(env *Env, m *Map, top, div int64) string {
	var b strings.Builder
	PrintMap(&b, env, m, top, div)
	return b.String()
}

// sortedMap reduces and sorts m's entries and keeps the last top of them;
// it returns them with the divisor to print with.
func sortedMap(m *Map, top, div int64) (*rows, []sortKey, int64) {
	if div <= 0 {
		div = 1
	}
	r := reduceRows(m)
	es := sortRows(m, r)
	if m.Value.Kind == types.Stats {
		top, div = 0, 1
	}
	if top > 0 && int64(len(es)) > top {
		es = es[int64(len(es))-top:]
	}
	return r, es, div
}

func total(t *types.Type, b []byte) uint64 {
	var n uint64
	for _, v := range slots(t, b) {
		n += v
	}
	return n
}

// appendKeyOrder appends the key b in a form whose byte order is the order
// sort_by_key gives: integers as unsigned big-endian numbers of their size,
// strings as C strings ended by a NUL (so a prefix sorts first), anything
// else as its bytes. Each element has a fixed size or an end, so the
// elements of a tuple compare in turn. elems and offs are the key's
// (keyElems).
func appendKeyOrder(dst []byte, elems []*types.Type, offs []int, b []byte) []byte {
	for i, t := range elems {
		x := field(b, offs[i], t.Size)
		switch t.Kind {
		case types.Int:
			size := min(max(t.Size, 1), 8)
			var v uint64
			for j := size - 1; j >= 0; j-- {
				v = v<<8 | uint64(x[j])
			}
			for j := size - 1; j >= 0; j-- {
				dst = append(dst, byte(v>>(8*j)))
			}
		case types.String:
			dst = append(append(dst, cBytes(x, t.Size)...), 0)
		default:
			dst = append(dst, x...)
		}
	}
	return dst
}

// keyElems returns the elements of a map key and their offsets: a tuple's
// elements for a multi-key map, or the key itself.
func keyElems(key *types.Type) ([]*types.Type, []int) {
	if key.Kind == types.Tuple && !key.IsRecord() {
		// A record key prints as one record, not as several keys.
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

func appendMapText(dst []byte, env *Env, m *Map, r *rows, es []sortKey, div int64) []byte {
	dst = slices.Grow(dst, len(es)*(len(m.Name)+24))
	sep := "\n"
	switch m.Value.Kind {
	case types.KStack, types.UStack, types.Ksym, types.Usym, types.Inet:
		// bpftrace joins these with nothing: stacks end in a newline, and
		// symbols and addresses run together on one line.
		sep = ""
	}
	for i, e := range es {
		if i > 0 {
			dst = append(dst, sep...)
		}
		key, val := r.key(int(e.i)), r.val(int(e.i))
		dst = append(dst, m.Name...)
		dst = appendKey(dst, env, m.Key, key)
		switch {
		case m.Value.Kind == types.TSeries:
			// Every key's chart ends at the map's newest interval.
			dst = append(append(dst, ":\n"...), tseriesText(env, m.Value, val, es[len(es)-1].rank)...)
		case isHist(m.Value):
			dst = append(append(dst, ": \n"...), histText(m.Value, val, div)...)
		default:
			dst = appendMapValue(append(dst, ": "...), env, m.Value, val, div)
		}
	}
	dst = append(dst, '\n')
	if m.Value.Kind == types.Avg || m.Value.Kind == types.Stats || m.Value.Kind == types.TSeries {
		dst = append(dst, '\n')
	}
	return dst
}

// appendKey appends KeyText(env, key, b), without allocating for a key of
// one integer or one string.
func appendKey(dst []byte, env *Env, key *types.Type, b []byte) []byte {
	switch {
	case key == nil:
		return dst
	case key.Kind == types.Int && key.Enum == nil:
		t := key
		if t.Size == 8 && !t.Signed {
			t = types.Int64
		}
		dst = append(dst, '[')
		dst = appendIntText(dst, t, field(b, 0, t.Size))
		return append(dst, ']')
	case key.Kind == types.String:
		dst = append(dst, '[')
		dst = append(dst, cBytes(b, key.Size)...)
		return append(dst, ']')
	}
	return append(dst, KeyText(env, key, b)...)
}

// appendIntText appends the int of type t in b in decimal by its sign (a
// bool as true or false).
func appendIntText(dst []byte, t *types.Type, b []byte) []byte {
	v := intVal(t, b)
	if t.IsBool() {
		return strconv.AppendBool(dst, v != 0)
	}
	if t.Signed {
		return strconv.AppendInt(dst, v, 10)
	}
	return strconv.AppendUint(dst, uint64(v), 10)
}

// appendMapValue appends mapValueText(env, t, b, div), without allocating
// for integers and count, sum, min and max.
func appendMapValue(dst []byte, env *Env, t *types.Type, b []byte, div int64) []byte {
	switch t.Kind {
	case types.Int:
		if t.Enum != nil || t.IsBool() {
			break
		}
		return appendDivided(dst, intVal(t, b), t.Signed, div)
	case types.Count, types.Sum, types.Min, types.Max:
		v, signed := scalar(t, b)
		return appendDivided(dst, v, signed, div)
	}
	return append(dst, mapValueText(env, t, b, div)...)
}

// appendDivided appends divide(v, signed, div).
func appendDivided(dst []byte, v int64, signed bool, div int64) []byte {
	if div == 0 {
		div = 1
	}
	if signed {
		return strconv.AppendInt(dst, v/div, 10)
	}
	return strconv.AppendUint(dst, uint64(v)/uint64(div), 10)
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

func mapJSON(env *Env, m *Map, r *rows, es []sortKey, div int64) string {
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
		var v string
		if m.Value.Kind == types.TSeries {
			// Every key's series ends at the map's newest interval.
			v = tseriesJSON(env, m.Value, r.val(int(e.i)), es[len(es)-1].rank)
		} else {
			v = mapValueJSON(env, m.Value, r.val(int(e.i)), div)
		}
		if m.Key != nil {
			v = `"` + Escape(strings.Join(keyParts(env, m.Key, r.key(int(e.i))), ",")) + `": ` + v
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
		return tseriesJSON(env, t, b, tsNewest(t, b))
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
