package format

import (
	"fmt"
	"testing"

	"github.com/gtrace/gtrace/lang/types"
)

func BenchmarkPrinter(b *testing.B) {
	tup := tuple(sval("bash"), ival(types.Uint32, 1234), i64(-42), i64(4096))
	p := NewPrinter("%-16s pid=%d ret=%ld %p\n", tup.t.Elems)
	b.ReportAllocs()
	for b.Loop() {
		p.Format(nil, tup.b)
	}
}

// benchMap is a per-CPU count map of n string keys over 2 CPUs.
func benchMap(kind types.Kind, n int) *Map {
	m := aggMap("@m", types.NewString(16), kind)
	for i := range n {
		k := sval(fmt.Sprintf("key%d", i))
		k.b = k.b[:16]
		e := histEntry(k, int64(i), int64(i*7))
		if kind == types.Count {
			e = countEntry(k, uint64(i*31%97+1))
		}
		m.Entries = append(m.Entries, e)
	}
	return m
}

func BenchmarkMapStringCount(b *testing.B) {
	m := benchMap(types.Count, 4096)
	b.ReportAllocs()
	for b.Loop() {
		MapString(nil, m, 0, 0)
	}
}

func BenchmarkMapStringHist(b *testing.B) {
	m := benchMap(types.Hist, 256)
	b.ReportAllocs()
	for b.Loop() {
		MapString(nil, m, 0, 0)
	}
}

func BenchmarkPrinterAppend(b *testing.B) {
	tup := tuple(sval("bash"), ival(types.Uint32, 1234), i64(-42), i64(4096))
	p := NewPrinter("%-16s pid=%d ret=%ld %p\n", tup.t.Elems)
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = p.Append(buf[:0], nil, tup.b)
	}
}

// BenchmarkMapStringCount1M prints a count() map of a million int keys.
func BenchmarkMapStringCount1M(b *testing.B) {
	m := aggMap("@m", types.Int64, types.Count)
	for i := range 1000000 {
		k := i64(int64(i) * 7919 % 1000003)
		m.Entries = append(m.Entries, countEntry(k, uint64(i*31%97+1)))
	}
	b.ReportAllocs()
	for b.Loop() {
		MapString(nil, m, 0, 0)
	}
}
