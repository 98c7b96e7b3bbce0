package format

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gtrace/gtrace/lang/types"
)

// refSorted is the print order of m computed the slow, obvious way: every
// entry reduced with Reduce, then a stable sort by the value's number and
// by the key's order (appendKeyOrder), from entries in map order.
func refSorted(m *Map) []Entry {
	type ref struct {
		e     Entry
		val   []byte
		order []byte
	}
	var rs []ref
	for _, e := range m.Entries {
		v := Reduce(m.Value, e.Values)
		if !m.PerCPU && !m.Value.Kind.IsAgg() {
			v = e.Values[0]
		}
		elems, offs := keyElems(m.Key)
		rs = append(rs, ref{e, v, appendKeyOrder(nil, elems, offs, e.Key)})
	}
	_, signed := scalar(m.Value, nil)
	slices.SortStableFunc(rs, func(a, b ref) int {
		x, _ := scalar(m.Value, a.val)
		y, _ := scalar(m.Value, b.val)
		if x != y {
			if signed {
				return cmp.Compare(x, y)
			}
			return cmp.Compare(uint64(x), uint64(y))
		}
		return bytes.Compare(a.order, b.order)
	})
	out := make([]Entry, len(rs))
	for i, r := range rs {
		out[i] = Entry{Key: r.e.Key, Values: [][]byte{r.val}}
	}
	return out
}

// refText prints the entries of m in the order given, one by one, with the
// general per-entry code (appendKey, appendMapValue).
func refText(m *Map, es []Entry, div int64) string {
	var b []byte
	for _, e := range es {
		b = append(b, m.Name...)
		b = appendKey(b, nil, m.Key, e.Key)
		b = appendMapValue(append(b, ": "...), nil, m.Value, e.Values[0], div)
		b = append(b, '\n')
	}
	return string(b)
}

// randIntMap is a map of n random integer keys of type key (with many
// repeated values, so that ties are broken by key) and values of kind.
func randIntMap(rng *rand.Rand, n int, key *types.Type, value *types.Type) *Map {
	m := &Map{Name: "@m", Key: key, Value: value, PerCPU: value.Kind.IsAgg()}
	if key.Size == 1 {
		n = min(n, 200) // of 256 keys
	}
	seen := map[uint64]bool{}
	for len(m.Entries) < n {
		k := rng.Uint64()
		if rng.IntN(4) == 0 {
			k = uint64(rng.IntN(50)) - 25 // small numbers, negative too
		}
		k &= 1<<(8*key.Size) - 1
		if key.Size == 8 {
			k = rng.Uint64()
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		kb := make([]byte, 8)
		binary.LittleEndian.PutUint64(kb, k)
		v := int64(rng.IntN(7)) - 3
		if rng.IntN(8) == 0 {
			v = int64(rng.Uint64())
		}
		e := Entry{Key: kb[:key.Size]}
		switch value.Kind {
		case types.Count, types.Sum:
			a := uint64(rng.IntN(5))
			e.Values = [][]byte{le64(uint64(v) - a), le64(a)}
		case types.Min, types.Max:
			e.Values = [][]byte{le64(uint64(v), 1), le64(uint64(v)+1, 0)}
		default:
			vb := make([]byte, 8)
			binary.LittleEndian.PutUint64(vb, uint64(v))
			e.Values = [][]byte{vb[:value.Size]}
		}
		m.Entries = append(m.Entries, e)
	}
	return m
}

// TestIntMapOrderAndText checks maps of integer keys and integer values,
// printed from their sort keys alone (fastText), against the obvious
// reduce-sort-print, for every key size and sign, value kind and divisor,
// and the same maps given as a Table of per-CPU values.
func TestIntMapOrderAndText(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	keys := []*types.Type{types.Int8, types.Uint8, types.NewInt(2, true), types.NewInt(2, false),
		types.NewInt(4, true), types.Uint32, types.Int64, types.NewInt(8, false)}
	values := []*types.Type{{Kind: types.Count}, {Kind: types.Sum}, {Kind: types.Sum, Signed: true},
		{Kind: types.Min}, {Kind: types.Max}, types.Int64, types.NewInt(8, false), types.NewInt(4, true), types.Uint8}
	for _, k := range keys {
		for _, v := range values {
			for _, n := range []int{1, 100, 3000} {
				m := randIntMap(rng, n, k, v)
				if !fastText(m) {
					t.Fatalf("%v/%v: not printed by fastText", k, v)
				}
				for _, div := range []int64{0, 3} {
					name := fmt.Sprintf("key %v value %v n %d div %d", k, v, n, div)
					want := refText(m, refSorted(m), max(div, 1))
					if got := MapString(nil, m, 0, div); got != want {
						t.Fatalf("%s:\n%s", name, firstDiff(got, want))
					}
					tm := asTable(m)
					if got := MapString(nil, tm, 0, div); got != want {
						t.Fatalf("%s, as a table:\n%s", name, firstDiff(got, want))
					}
				}
				// top keeps the last entries.
				want := refText(m, refSorted(m), 1)
				lines := strings.SplitAfter(want, "\n")
				lines = lines[:len(lines)-1]
				top := min(len(lines), 7)
				if got := MapString(nil, m, int64(top), 0); got != strings.Join(lines[len(lines)-top:], "") {
					t.Fatalf("key %v value %v: top %d:\n%s", k, v, top, got)
				}
			}
		}
	}
}

// asTable is m with its entries moved into a Table (two values per entry,
// padded to 8 bytes, as a per-CPU batch lookup returns them).
func asTable(m *Map) *Map {
	ksize := len(m.Entries[0].Key)
	vsize := len(m.Entries[0].Values[0])
	ncpu := len(m.Entries[0].Values)
	stride := (vsize + 7) &^ 7
	t := &Table{N: len(m.Entries), KeySize: ksize, ValSize: vsize, Stride: stride, NCPU: ncpu}
	t.Keys = make([]byte, t.N*ksize)
	t.Vals = make([]byte, t.N*ncpu*stride)
	for i, e := range m.Entries {
		copy(t.Keys[i*ksize:], e.Key)
		for c, v := range e.Values {
			copy(t.Vals[(i*ncpu+c)*stride:], v)
		}
	}
	c := *m
	c.Entries, c.Table = nil, t
	return &c
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return "line " + strconv.Itoa(i+1) + ": got " + strconv.Quote(g[i]) + ", want " + strconv.Quote(w[i])
		}
	}
	return fmt.Sprintf("got %d lines, want %d", len(g), len(w))
}

// TestTableMatchesEntries prints maps of other kinds (string keys, tuple
// keys, hist, avg, min/max) from Entries and from the same entries as a
// Table: the output is the same.
func TestTableMatchesEntries(t *testing.T) {
	str := types.NewString(8)
	tup := types.NewTuple(types.Int64, str)
	var maps []*Map
	h := aggMap("@h", str, types.Hist)
	a := aggMap("@a", tup, types.Avg)
	c := aggMap("@c", str, types.Count)
	mn := aggMap("@mn", str, types.Min)
	for i := range 300 {
		s := sval(fmt.Sprintf("k%d", i%97))
		s.b = append(s.b, make([]byte, 8)...)[:8]
		if i < 97 {
			h.Entries = append(h.Entries, histEntry(s, int64(i), int64(i*i)))
			c.Entries = append(c.Entries, countEntry(s, uint64(i%5)))
			mn.Entries = append(mn.Entries, minmaxEntry(s, int64(i%7)-3))
		}
		k := tuple(i64(int64(i%3)), s)
		a.Entries = append(a.Entries, avgEntry(k, int64(i), int64(i%4)))
	}
	maps = append(maps, h, a, c, mn)
	for _, m := range maps {
		for _, e := range m.Entries {
			for len(e.Values) < 2 {
				e.Values = append(e.Values, make([]byte, len(e.Values[0])))
			}
		}
		want := MapString(nil, m, 0, 0)
		if got := MapString(nil, asTable(m), 0, 0); got != want {
			t.Errorf("%s:\n%s", m.Name, firstDiff(got, want))
		}
		if strings.Count(want, "\n") < 90 {
			t.Errorf("%s: printed only %q", m.Name, want)
		}
	}
}

// TestRadixSort checks radixSort against a comparison sort on keys with
// many ties in each field.
func TestRadixSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 255, 256, 5000, 100000} {
		ks := make([]sortKey, n)
		for i := range ks {
			ks[i] = sortKey{rank: uint64(rng.IntN(10)) << (8 * rng.IntN(8)), pre: rng.Uint64() >> (8 * rng.IntN(9) % 64), i: uint32(i)}
			if rng.IntN(3) == 0 {
				ks[i].pre = uint64(rng.IntN(4))
			}
		}
		want := slices.Clone(ks)
		slices.SortStableFunc(want, func(a, b sortKey) int {
			return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.pre, b.pre))
		})
		radixSort(ks)
		if !slices.Equal(ks, want) {
			t.Fatalf("n %d: radix sort differs from a stable sort", n)
		}
	}
}
