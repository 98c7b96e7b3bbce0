package codegen

// This file is the harness of the kernel tests: it loads a compiled
// program, runs its BEGIN programs with BPF_PROG_TEST_RUN, and renders the
// ring-buffer records and the maps as text so tables can compare them.
//
// A record renders as "kind(arg, arg)": integers in decimal, strings
// quoted, other values as hex bytes; e.g. `printf(42, "bash")`. A map
// entry renders as "@name[key]: value", per-CPU values reduced: count and
// sum add up, min/max keep the extreme, avg/stats show "count/total",
// hist/lhist list the non-zero slots as "slot:count".

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/ringbuf"

	"github.com/gtrace/gtrace/lang/types"
)

var kindNames = map[EventKind]string{
	EvPrintf: "printf", EvPrint: "print", EvPrintMap: "printmap", EvClear: "clear",
	EvZero: "zero", EvTime: "time", EvCat: "cat", EvJoin: "join", EvSystem: "system",
	EvExit: "exit", EvPrintNonMap: "printnonmap",
}

// loaded is a program loaded into the kernel.
type loaded struct {
	prog *Program
	coll *ebpf.Collection
}

func load(t *testing.T, prog *Program) *loaded {
	t.Helper()
	coll, err := ebpf.NewCollection(prog.Spec)
	if err != nil {
		var ve *ebpf.VerifierError
		if errors.As(err, &ve) {
			t.Fatalf("load: %+v\n%s", ve, prog.Listing())
		}
		t.Fatalf("load: %v", err)
	}
	t.Cleanup(func() { coll.Close() })
	return &loaded{prog, coll}
}

// runProvider runs every program of provider (BEGIN or END) in order.
func (l *loaded) runProvider(t *testing.T, provider string) {
	t.Helper()
	for _, p := range l.prog.Probes {
		if p.Provider != provider {
			continue
		}
		if _, err := l.coll.Programs[p.Program].Run(&ebpf.RunOptions{}); err != nil {
			t.Fatalf("run %s: %v", p.Program, err)
		}
	}
}

// records drains the ring buffer.
func (l *loaded) records(t *testing.T) []string {
	t.Helper()
	rd, err := ringbuf.NewReader(l.coll.Maps[l.prog.RingBuf])
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	var out []string
	for {
		rd.SetDeadline(time.Now().Add(10 * time.Millisecond))
		rec, err := rd.Read()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, l.renderRecord(t, rec.RawSample))
	}
}

func (l *loaded) renderRecord(t *testing.T, b []byte) string {
	id := binary.LittleEndian.Uint64(b)
	if int(id) >= len(l.prog.Events) {
		t.Fatalf("record id %d out of range", id)
	}
	ev := l.prog.Events[id]
	tup := types.NewTuple(ev.Args...)
	offs := tup.Offsets()
	parts := make([]string, len(ev.Args))
	for i, a := range ev.Args {
		parts[i] = renderValue(a, b[8+offs[i]:8+offs[i]+a.Size])
	}
	name := kindNames[ev.Kind]
	if ev.Map != "" {
		parts = append([]string{ev.Map}, parts...)
	}
	return name + "(" + strings.Join(parts, ", ") + ")"
}

func renderValue(t *types.Type, b []byte) string {
	switch t.Kind {
	case types.Int:
		var u uint64
		for i := len(b) - 1; i >= 0; i-- {
			u = u<<8 | uint64(b[i])
		}
		if t.Signed {
			sh := 64 - 8*len(b)
			return fmt.Sprint(int64(u<<sh) >> sh)
		}
		return fmt.Sprint(u)
	case types.String:
		s := string(b)
		if i := strings.IndexByte(s, 0); i >= 0 {
			s = s[:i]
		}
		return fmt.Sprintf("%q", s)
	case types.Tuple:
		offs := t.Offsets()
		parts := make([]string, len(t.Elems))
		for i, e := range t.Elems {
			parts[i] = renderValue(e, b[offs[i]:offs[i]+e.Size])
		}
		return "(" + strings.Join(parts, ", ") + ")"
	case types.Probe, types.Username, types.Ksym, types.Errno, types.Cgroup, types.KStack:
		return renderValue(types.Uint64, b)
	}
	return fmt.Sprintf("%x", b)
}

// maps renders every script map's entries, sorted.
func (l *loaded) maps(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, m := range l.prog.Maps {
		bm := l.coll.Maps[m.SpecName]
		it := bm.Iterate()
		key := make([]byte, bm.KeySize())
		if m.PerCPU {
			var vals [][]byte
			pending := l.pendingCounts(t, m)
			for it.Next(&key, &vals) {
				for c, n := range pending[string(key)] {
					binary.LittleEndian.PutUint64(vals[c], binary.LittleEndian.Uint64(vals[c])+n)
				}
				if v := reduce(m.Value, vals); v != "" {
					out = append(out, renderEntry(m, key)+v)
				}
			}
		} else {
			val := make([]byte, bm.ValueSize())
			for it.Next(&key, &val) {
				out = append(out, renderEntry(m, key)+renderValue(m.Value, val))
			}
		}
		if err := it.Err(); err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(out)
	return out
}

// pendingCounts reads m's count cache (see countcache.go): the counts
// of each CPU not yet added to the map, by key.
func (l *loaded) pendingCounts(t *testing.T, m *Map) map[string][]uint64 {
	t.Helper()
	if m.Cache == "" {
		return nil
	}
	var vals [][]byte
	if err := l.coll.Maps[m.Cache].Lookup(uint32(0), &vals); err != nil {
		t.Fatal(err)
	}
	ks := m.Key.Size
	out := map[string][]uint64{}
	for c, v := range vals {
		for off := 0; off+ks+8 <= len(v); off += ks + 8 {
			if n := binary.LittleEndian.Uint64(v[off+ks:]); n > 1 {
				k := string(v[off : off+ks])
				if out[k] == nil {
					out[k] = make([]uint64, len(vals))
				}
				out[k][c] += n - 1
			}
		}
	}
	return out
}

func renderEntry(m *Map, key []byte) string {
	if m.Key == nil {
		return m.Name + ": "
	}
	k := renderValue(m.Key, key)
	if m.Key.Kind == types.Tuple {
		k = k[1 : len(k)-1]
	}
	return m.Name + "[" + k + "]: "
}

// reduce combines per-CPU values; "" for an untouched entry.
func reduce(t *types.Type, vals [][]byte) string {
	u := func(b []byte, off int) uint64 { return binary.LittleEndian.Uint64(b[off:]) }
	switch t.Kind {
	case types.Count, types.Sum:
		var s uint64
		for _, v := range vals {
			s += u(v, 0)
		}
		if t.Kind == types.Sum {
			return fmt.Sprint(int64(s))
		}
		return fmt.Sprint(s)
	case types.Min, types.Max:
		set, best := false, int64(0)
		for _, v := range vals {
			if u(v, 8) == 0 {
				continue
			}
			x := int64(u(v, 0))
			if !set || (t.Kind == types.Min && x < best) || (t.Kind == types.Max && x > best) {
				best, set = x, true
			}
		}
		if !set {
			return ""
		}
		return fmt.Sprint(best)
	case types.Avg, types.Stats:
		var c, s uint64
		for _, v := range vals {
			c += u(v, 0)
			s += u(v, 8)
		}
		return fmt.Sprintf("%d/%d", c, int64(s))
	case types.Hist, types.Lhist:
		var parts []string
		for slot := 0; slot*8 < len(vals[0]); slot++ {
			var c uint64
			for _, v := range vals {
				c += u(v, slot*8)
			}
			if c != 0 {
				parts = append(parts, fmt.Sprintf("%d:%d", slot, c))
			}
		}
		return strings.Join(parts, " ")
	}
	return "?"
}
