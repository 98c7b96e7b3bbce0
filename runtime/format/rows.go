// This file holds a map's entries in flat buffers for printing: per-CPU
// values reduced into one arena, and the print order found by sorting
// small pointer-free records, so that a map of a million keys prints
// without an allocation per key and without work for the garbage
// collector.

package format

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"io"
	"slices"
	"strconv"

	"github.com/gtrace/gtrace/lang/types"
)

// Table is a map's entries as batch lookups return them: N keys of KeySize
// bytes one after the other, and for each key NCPU values (one unless the
// map is per-CPU), Stride bytes apart, of which the first ValSize bytes
// hold the value.
type Table struct {
	N       int
	KeySize int
	Keys    []byte // N × KeySize bytes
	ValSize int
	Stride  int
	NCPU    int
	Vals    []byte // N × NCPU × Stride bytes
}

// Key returns the key of entry i.
func (t *Table) Key(i int) []byte {
	return t.Keys[i*t.KeySize : (i+1)*t.KeySize : (i+1)*t.KeySize]
}

// Value returns entry i's value on CPU c.
func (t *Table) Value(i, c int) []byte {
	off := (i*t.NCPU + c) * t.Stride
	return t.Vals[off : off+t.ValSize : off+t.ValSize]
}

// Entries returns the table as Entries (slices of the table's buffers).
func (t *Table) Entries() []Entry {
	es := make([]Entry, t.N)
	arena := make([][]byte, t.N*t.NCPU)
	for i := range es {
		vs := arena[i*t.NCPU : (i+1)*t.NCPU : (i+1)*t.NCPU]
		for c := range vs {
			vs[c] = t.Value(i, c)
		}
		es[i] = Entry{Key: t.Key(i), Values: vs}
	}
	return es
}

// Len returns the number of entries of m.
func (m *Map) Len() int {
	if m.Table != nil {
		return m.Table.N
	}
	return len(m.Entries)
}

// Expand moves a Table into Entries, for code that reads Entries.
func (m *Map) Expand() {
	if m.Table != nil {
		m.Entries = append(m.Entries, m.Table.Entries()...)
		m.Table = nil
	}
}

// rows is a map's entries with their values reduced: n keys of ksize bytes
// and n values of vsize bytes, each in one buffer.
type rows struct {
	n            int
	ksize, vsize int
	keys, vals   []byte
}

func (r *rows) key(i int) []byte {
	return r.keys[i*r.ksize : (i+1)*r.ksize : (i+1)*r.ksize]
}

func (r *rows) val(i int) []byte {
	return r.vals[i*r.vsize : (i+1)*r.vsize : (i+1)*r.vsize]
}

// reduceRows reduces the per-CPU values of every entry of m (aggregations
// always, as a non-per-CPU aggregation still has its layout) into rows.
func reduceRows(m *Map) *rows {
	if m.Table != nil {
		return reduceTable(m, m.Table)
	}
	size := AggSize(m.Value)
	reduce := m.PerCPU || m.Value.Kind.IsAgg()
	r := &rows{n: len(m.Entries), vsize: size}
	for _, e := range m.Entries {
		r.ksize = max(r.ksize, len(e.Key))
		if !reduce && len(e.Values) > 0 {
			r.vsize = max(r.vsize, len(e.Values[0]))
		}
	}
	r.keys = make([]byte, r.n*r.ksize)
	r.vals = make([]byte, r.n*r.vsize)
	for i, e := range m.Entries {
		copy(r.key(i), e.Key)
		switch {
		case reduce:
			reduceInto(r.val(i), m.Value, e.Values)
		case len(e.Values) > 0:
			copy(r.val(i), e.Values[0])
		}
	}
	return r
}

// reduceTable reduces a Table into rows; the keys stay in the table's
// buffer. count() and sum() values, the common case of big maps, are
// added up straight from the table.
func reduceTable(m *Map, t *Table) *rows {
	size := AggSize(m.Value)
	reduce := m.PerCPU || m.Value.Kind.IsAgg()
	r := &rows{n: t.N, ksize: t.KeySize, vsize: size, keys: t.Keys}
	if !reduce {
		r.vsize = max(size, t.ValSize)
	}
	r.vals = make([]byte, r.n*r.vsize)
	if (m.Value.Kind == types.Count || m.Value.Kind == types.Sum) && t.ValSize >= 8 && t.Stride >= 8 {
		for i := range t.N {
			var s uint64
			off := i * t.NCPU * t.Stride
			for range t.NCPU {
				s += binary.LittleEndian.Uint64(t.Vals[off:])
				off += t.Stride
			}
			binary.LittleEndian.PutUint64(r.vals[i*r.vsize:], s)
		}
		return r
	}
	vals := make([][]byte, t.NCPU)
	for i := range t.N {
		for c := range vals {
			vals[c] = t.Value(i, c)
		}
		if reduce {
			reduceInto(r.val(i), m.Value, vals)
		} else {
			copy(r.val(i), vals[0])
		}
	}
	return r
}

// sortKey is what one entry sorts by: its value's number (rank, made to
// compare unsigned), the first 8 bytes of its key's order (pre), and its
// position, the last tie-break (which also finds the rest of the key when
// the first 8 bytes tie).
type sortKey struct {
	rank, pre uint64
	i         uint32
}

// sortRows returns the entries' sort keys in print order, as bpftrace
// orders them: count, sum, int, min and max maps by value; avg and stats by
// average and hist and lhist by total count (ties in key byte order, as
// bpftrace's std::map leaves them); everything else by key (in the order
// appendKeyOrder gives). Ties of the other kinds keep key order.
func sortRows(m *Map, r *rows) []sortKey {
	byValue, byRaw := true, false
	switch m.Value.Kind {
	case types.Avg, types.Stats, types.Hist, types.Lhist:
		byRaw = true
	case types.Count, types.Sum, types.Min, types.Max, types.Int, types.TSeries:
	default:
		byValue = false
	}
	ord := keyOrders(m, r, byRaw)
	ks := make([]sortKey, r.n)
	for i := range ks {
		k := &ks[i]
		k.i = uint32(i)
		if ord.intSize > 0 {
			k.pre = intOrder(r.key(i), ord.intSize)
		} else {
			k.pre = prefix8(ord.of(r, i))
		}
		if byValue {
			k.rank = rankOf(m.Value, r.val(i))
		}
	}
	if ord.exact {
		radixSort(ks)
	} else {
		slices.SortFunc(ks, func(a, b sortKey) int {
			if c := cmp.Compare(a.rank, b.rank); c != 0 {
				return c
			}
			if c := cmp.Compare(a.pre, b.pre); c != 0 {
				return c
			}
			if c := bytes.Compare(ord.of(r, int(a.i)), ord.of(r, int(b.i))); c != 0 {
				return c
			}
			return cmp.Compare(a.i, b.i)
		})
	}
	return ks
}

// rankOf returns the number a reduced value sorts by, mapped so that
// unsigned comparison orders it (signed numbers have their sign bit
// flipped).
func rankOf(t *types.Type, b []byte) uint64 {
	var v int64
	signed := false
	switch t.Kind {
	case types.Avg, types.Stats:
		v, signed = average(b), true
	case types.Hist, types.Lhist:
		v = int64(total(t, b))
	case types.TSeries:
		v = int64(tsNewest(t, b))
	default:
		v, signed = scalar(t, b)
	}
	if signed {
		return uint64(v) ^ 1<<63
	}
	return uint64(v)
}

// prefix8 returns the first 8 bytes of b as a big-endian number, b padded
// with zeros: numbers that order as b does, up to ties.
func prefix8(b []byte) uint64 {
	if len(b) >= 8 {
		return binary.BigEndian.Uint64(b)
	}
	var p [8]byte
	copy(p[:], b)
	return binary.BigEndian.Uint64(p[:])
}

// orders gives each entry's key in the form whose bytes sort as the map
// prints: the raw key (raw), or appendKeyOrder's form kept in an arena.
type orders struct {
	raw   bool
	arena []byte
	offs  []uint32 // entry i's order is arena[offs[i]:offs[i+1]]
	// exact: every order is at most 8 bytes, so prefix8 decides.
	exact bool
	// intSize, for a key of one integer, is its size: the order is then
	// intOrder's, and there is no arena.
	intSize int
}

// intOrder is prefix8 of appendKeyOrder's form of a key of one integer of
// size bytes: its value, unsigned, in the top bytes.
func intOrder(b []byte, size int) uint64 {
	var u uint64
	if len(b) >= 8 {
		u = binary.LittleEndian.Uint64(b)
	} else {
		for j := min(size, len(b)) - 1; j >= 0; j-- {
			u = u<<8 | uint64(b[j])
		}
	}
	shift := uint(64 - 8*size)
	return u << shift
}

func (o *orders) of(r *rows, i int) []byte {
	if o.raw {
		return r.key(i)
	}
	return o.arena[o.offs[i]:o.offs[i+1]:o.offs[i+1]]
}

// keyOrders computes the orders of r's keys (raw: the key bytes).
func keyOrders(m *Map, r *rows, raw bool) *orders {
	if raw || m.Key == nil {
		return &orders{raw: true, exact: r.ksize <= 8}
	}
	elems, offs := keyElems(m.Key)
	if len(elems) == 1 && elems[0].Kind == types.Int && offs[0] == 0 {
		return &orders{exact: true, intSize: min(max(elems[0].Size, 1), 8)}
	}
	o := &orders{offs: make([]uint32, r.n+1), exact: true}
	for i := range r.n {
		o.arena = appendKeyOrder(o.arena, elems, offs, r.key(i))
		o.offs[i+1] = uint32(len(o.arena))
		if o.offs[i+1]-o.offs[i] > 8 {
			o.exact = false
		}
	}
	return o
}

// radixSort sorts ks by rank, then pre, then position, which is the order
// they come in: a stable least-significant-digit radix sort by bytes,
// skipping the bytes in which every key is the same.
func radixSort(ks []sortKey) {
	if len(ks) < 256 {
		slices.SortFunc(ks, func(a, b sortKey) int {
			if c := cmp.Compare(a.rank, b.rank); c != 0 {
				return c
			}
			if c := cmp.Compare(a.pre, b.pre); c != 0 {
				return c
			}
			return cmp.Compare(a.i, b.i)
		})
		return
	}
	var counts [16][256]int
	for _, k := range ks {
		for b := range 8 {
			counts[b][byte(k.pre>>(8*b))]++
			counts[8+b][byte(k.rank>>(8*b))]++
		}
	}
	tmp := make([]sortKey, len(ks))
	src, dst := ks, tmp
	for d := range 16 {
		c := &counts[d]
		if c[digit(src[0], d)] == len(src) {
			continue // every key has the same byte here
		}
		pos := 0
		for v := range c {
			c[v], pos = pos, pos+c[v]
		}
		for _, k := range src {
			v := digit(k, d)
			dst[c[v]] = k
			c[v]++
		}
		src, dst = dst, src
	}
	if &src[0] != &ks[0] {
		copy(ks, src)
	}
}

// digit is byte d of a key's (rank, pre), least significant first: bytes
// 0-7 of pre, then 0-7 of rank.
func digit(k sortKey, d int) byte {
	if d < 8 {
		return byte(k.pre >> (8 * d))
	}
	return byte(k.rank >> (8 * (d - 8)))
}

// fastText reports whether appendFastText can print m: a map of integer
// values (count, sum, min, max or a plain integer) keyed by one integer,
// whose sort keys then hold both the key and the value.
func fastText(m *Map) bool {
	k, v := m.Key, m.Value
	if k == nil || k.Kind != types.Int || k.Enum != nil || k.IsBool() || k.Size < 1 || k.Size > 8 {
		return false
	}
	switch v.Kind {
	case types.Count, types.Sum, types.Min, types.Max:
		return true
	case types.Int:
		return v.Enum == nil && !v.IsBool() && v.Size >= 1 && v.Size <= 8
	}
	return false
}

// writeFastText writes the text of a map that fastText accepts, from its
// sorted keys alone (the entries' buffers are not read again), in chunks
// of 64 KiB.
func writeFastText(w io.Writer, m *Map, ks []sortKey, div int64) error {
	buf := make([]byte, 0, 64<<10)
	for len(ks) > 0 {
		n := min(len(ks), 1024)
		buf = appendFastText(buf[:0], m, ks[:n], div)
		if _, err := w.Write(buf); err != nil {
			return err
		}
		ks = ks[n:]
	}
	return nil
}

// appendFastText appends the text of the entries ks of a map that fastText
// accepts.
func appendFastText(dst []byte, m *Map, ks []sortKey, div int64) []byte {
	dst = slices.Grow(dst, len(ks)*(len(m.Name)+28))
	size := m.Key.Size
	// Keys print signed when their type is, and when they are 8 bytes
	// (see keyParts).
	keySigned := m.Key.Signed || size == 8
	_, valSigned := scalar(m.Value, nil)
	if div == 0 {
		div = 1
	}
	shift := uint(64 - 8*size)
	for _, k := range ks {
		dst = append(dst, m.Name...)
		dst = append(dst, '[')
		u := k.pre >> shift
		if keySigned {
			dst = strconv.AppendInt(dst, int64(u<<shift)>>shift, 10)
		} else {
			dst = strconv.AppendUint(dst, u, 10)
		}
		dst = append(dst, "]: "...)
		if valSigned {
			dst = strconv.AppendInt(dst, int64(k.rank^1<<63)/div, 10)
		} else {
			dst = strconv.AppendUint(dst, k.rank/uint64(div), 10)
		}
		dst = append(dst, '\n')
	}
	return dst
}
