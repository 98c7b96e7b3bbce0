package runtime

import (
	"encoding/binary"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/cilium/ebpf"
)

// TestReadBatch fills hash maps (per-CPU or not) with more keys than one
// batch holds and checks that readBatch returns every key with its values.
func TestReadBatch(t *testing.T) {
	requireBPF(t)
	n := 3*batchChunk + 17
	if v, err := strconv.Atoi(os.Getenv("GTRACE_TEST_BATCH_KEYS")); err == nil {
		n = v
	}
	ncpu, err := ebpf.PossibleCPU()
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []ebpf.MapType{ebpf.Hash, ebpf.PerCPUHash} {
		perCPU := typ == ebpf.PerCPUHash
		m, err := ebpf.NewMap(&ebpf.MapSpec{Type: typ, KeySize: 8, ValueSize: 12, MaxEntries: uint32(n)})
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		for k := range uint64(n) {
			v := make([]byte, 12)
			binary.NativeEndian.PutUint64(v, k*3)
			if perCPU {
				vs := make([][]byte, ncpu)
				for c := range vs {
					vs[c] = make([]byte, 12)
					binary.NativeEndian.PutUint64(vs[c], k*3+uint64(c))
				}
				err = m.Put(k, vs)
			} else {
				err = m.Put(k, v)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		t0 := time.Now()
		tab, err := readBatch(m, perCPU)
		t.Logf("%v: read %d keys in %v", typ, n, time.Since(t0))
		if err != nil {
			t.Fatalf("%v: %v", typ, err)
		}
		if tab.N != n || len(tab.Keys) != n*8 {
			t.Fatalf("%v: table of %d entries (%d key bytes), want %d", typ, tab.N, len(tab.Keys), n)
		}
		es := tab.Entries()
		seen := map[uint64]bool{}
		for _, e := range es {
			k := binary.NativeEndian.Uint64(e.Key)
			if seen[k] {
				t.Fatalf("%v: key %d twice", typ, k)
			}
			seen[k] = true
			for c, v := range e.Values {
				if got, want := binary.NativeEndian.Uint64(v), k*3+uint64(c); len(v) != 12 || got != want {
					t.Fatalf("%v: key %d cpu %d: value %d (%d bytes), want %d (12)", typ, k, c, got, len(v), want)
				}
			}
			if want := map[bool]int{false: 1, true: ncpu}[perCPU]; len(e.Values) != want {
				t.Fatalf("%v: %d values, want %d", typ, len(e.Values), want)
			}
		}
		if len(seen) != n {
			t.Errorf("%v: got %d keys, want %d", typ, len(seen), n)
		}
	}
}
