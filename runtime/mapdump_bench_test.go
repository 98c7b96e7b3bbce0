package runtime

import (
	"bufio"
	"io"
	"testing"

	"github.com/cilium/ebpf"

	"github.com/gtrace/gtrace/codegen"
	"github.com/gtrace/gtrace/internal/bpftest"
	"github.com/gtrace/gtrace/lang/types"
	"github.com/gtrace/gtrace/runtime/format"
)

// fillCountMap creates a per-CPU count() hash map of n int64 keys (as
// @[nsecs] = count() makes) with values on every CPU, filled in batches.
func fillCountMap(tb testing.TB, n int) *ebpf.Map {
	tb.Helper()
	ncpu, err := ebpf.PossibleCPU()
	if err != nil {
		tb.Fatal(err)
	}
	m, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.PerCPUHash, KeySize: 8, ValueSize: 8, MaxEntries: uint32(n + n/10)})
	if err != nil {
		tb.Fatal(err)
	}
	const chunk = 65536
	keys := make([]uint64, chunk)
	vals := make([]uint64, chunk*ncpu)
	for start := 0; start < n; start += chunk {
		c := min(chunk, n-start)
		for i := range c {
			k := uint64(start + i)
			keys[i] = k*7919%uint64(n*3) + 1
			for cpu := range ncpu {
				vals[i*ncpu+cpu] = (k*31%97 + uint64(cpu)) % 5
			}
		}
		if _, err := m.BatchUpdate(keys[:c], vals[:c*ncpu], nil); err != nil {
			tb.Fatal(err)
		}
	}
	return m
}

// countSession is a Session holding one count() map, km, called @.
func countSession(km *ebpf.Map, w io.Writer) *Session {
	return &Session{
		prog: &codegen.Program{Maps: []*codegen.Map{{
			Name: "@", SpecName: "m", Key: types.Int64, Value: &types.Type{Kind: types.Count, Size: 8}, PerCPU: true,
		}}},
		coll:    &ebpf.Collection{Maps: map[string]*ebpf.Map{"m": km}},
		out:     bufio.NewWriterSize(w, 64<<10),
		env:     &envState{env: format.Env{}},
		cleared: map[string]bool{},
	}
}

// BenchmarkDumpCount1M reads, sorts and prints a per-CPU count() map of a
// million keys, as the dump at exit does.
func BenchmarkDumpCount1M(b *testing.B) {
	bpftest.RequireBPF(b)
	km := fillCountMap(b, 1000000)
	defer km.Close()
	s := countSession(km, io.Discard)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.printAllMaps(s.out); err != nil {
			b.Fatal(err)
		}
		s.out.Flush()
	}
}
