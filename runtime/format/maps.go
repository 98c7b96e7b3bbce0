// This file implements the printing of whole maps: print(@m, top, div) and
// the dump at exit.

package format

import (
	"bytes"
	"encoding/binary"
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
	order    []byte // the key as sort_by_key orders it, compared bytewise (see appendKeyOrder)
	rank     int64  // the value's number, for sorting by value
	pos      int    // position in the map's entries, the last tie-break
}

// PrintMap writes m as bpftrace prints print(@m, top, div) and the exit
// dump, in text or (env.JSON) JSON. top > 0 keeps the last top entries after
// sorting; div > 1 divides count, sum, min, max, avg, int and hist values
// (stats and lhist ignore both, as bpftrace does). In text an empty map
// prints a single newline; in JSON nothing.
func PrintMap(w io.Writer, env *Env, m *Map, top, div int64) error {
	_, err := w.Write(appendMap(nil, env, m, top, div))
	return err
}

// MapString returns what PrintMap writes.
func MapString(env *Env, m *Map, top, div int64) string {
	return string(appendMap(nil, env, m, top, div))
}

// appendMap appends what PrintMap writes to dst.
func appendMap(dst []byte, env *Env, m *Map, top, div int64) []byte {
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
		return append(dst, mapJSON(env, m, es, div)...)
	}
	return appendMapText(dst, env, m, es, div)
}

// reduceEntries reduces each entry's per-CPU values into one arena.
func reduceEntries(m *Map) []entry {
	es := make([]entry, 0, len(m.Entries))
	size := AggSize(m.Value)
	reduce := m.PerCPU || m.Value.Kind.IsAgg()
	var arena []byte
	if reduce {
		arena = make([]byte, len(m.Entries)*size)
	}
	for i, e := range m.Entries {
		var v []byte
		switch {
		case reduce:
			v = reduceInto(arena[i*size:(i+1)*size:(i+1)*size], m.Value, e.Values)
		case len(e.Values) > 0:
			v = pad(e.Values[0], size)
		default:
			v = make([]byte, size)
		}
		es = append(es, entry{key: e.Key, val: v})
	}
	return es
}

// sortEntries orders entries as bpftrace does: count, sum, int, min and max
// maps by value; avg and stats by average and hist and lhist by total count
// (ties in key byte order, as bpftrace's std::map leaves them); everything
// else by key. Ties of the other kinds keep key order.
func sortEntries(m *Map, es []entry) []*entry {
	signed := rankEntries(m, es)
	byValue, byRaw := true, false
	switch m.Value.Kind {
	case types.Avg, types.Stats, types.Hist, types.Lhist:
		byRaw = true
	case types.Count, types.Sum, types.Min, types.Max, types.Int, types.TSeries:
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
			c = cmpBytes(a.order, b.order)
		}
		if c != 0 {
			return c
		}
		return a.pos - b.pos
	})
	return ps
}

// cmpBytes is bytes.Compare, faster for the common 8 bytes of an integer key.
func cmpBytes(a, b []byte) int {
	if len(a) == 8 && len(b) == 8 {
		x, y := binary.BigEndian.Uint64(a), binary.BigEndian.Uint64(b)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	return bytes.Compare(a, b)
}

// rankEntries fills in what each entry sorts by, and reports whether the
// ranks compare as signed numbers.
func rankEntries(m *Map, es []entry) (signed bool) {
	t := m.Value
	_, signed = scalar(t, nil)
	var arena []byte
	var elems []*types.Type
	var offs []int
	if m.Key != nil {
		elems, offs = keyElems(m.Key)
	}
	for i := range es {
		e := &es[i]
		e.pos = i
		n := len(arena)
		arena = appendKeyOrder(arena, elems, offs, e.key)
		e.order = arena[n:len(arena):len(arena)]
		switch t.Kind {
		case types.Avg, types.Stats:
			e.rank, signed = average(e.val), true
		case types.Hist, types.Lhist:
			e.rank, signed = int64(total(t, e.val)), false
		case types.TSeries:
			e.rank, signed = int64(tsNewest(t, e.val)), false
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

func appendMapText(dst []byte, env *Env, m *Map, es []*entry, div int64) []byte {
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
		dst = append(dst, m.Name...)
		dst = appendKey(dst, env, m.Key, e.key)
		switch {
		case m.Value.Kind == types.TSeries:
			// Every key's chart ends at the map's newest interval.
			dst = append(append(dst, ":\n"...), tseriesText(env, m.Value, e.val, uint64(es[len(es)-1].rank))...)
		case isHist(m.Value):
			dst = append(append(dst, ": \n"...), histText(m.Value, e.val, div)...)
		default:
			dst = appendMapValue(append(dst, ": "...), env, m.Value, e.val, div)
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

func mapJSON(env *Env, m *Map, es []*entry, div int64) string {
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
			v = tseriesJSON(env, m.Value, e.val, uint64(es[len(es)-1].rank))
		} else {
			v = mapValueJSON(env, m.Value, e.val, div)
		}
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
