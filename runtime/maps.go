// This file reads script maps from the kernel for printing, and implements
// clear() and zero().

package runtime

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/cilium/ebpf"

	"github.com/gtrace/gtrace/codegen"
	"github.com/gtrace/gtrace/lang/types"
	"github.com/gtrace/gtrace/runtime/format"
)

// scriptMap returns the codegen descriptor of the map called name.
func (s *Session) scriptMap(name string) *codegen.Map {
	for _, m := range s.prog.Maps {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// readMap reads every entry of m from the kernel, with the counts pending
// in its count cache.
func (s *Session) readMap(m *codegen.Map) (*format.Map, error) {
	fm, err := s.readKernelMap(m)
	if err != nil {
		return nil, err
	}
	// The cache is read after the map: a probe moves pending counts to
	// the map, never back, so no count is seen twice.
	pending, err := s.pendingCounts(m)
	if err != nil {
		return nil, err
	}
	addPending(fm, pending)
	return fm, nil
}

// readKernelMap reads every entry of m's kernel map.
func (s *Session) readKernelMap(m *codegen.Map) (*format.Map, error) {
	km := s.coll.Maps[m.SpecName]
	if km == nil {
		return nil, fmt.Errorf("map %s: not loaded", m.Name)
	}
	fm := &format.Map{Name: m.Name, Key: m.Key, Value: m.Value, PerCPU: m.PerCPU}
	table, err := readBatch(km, m.PerCPU)
	switch {
	case err == nil:
		fm.Table = table
		if s.cleared[m.Name] && allZeroBytes(table.Vals) {
			fm.Table = nil
		}
		return fm, nil
	case !errors.Is(err, errNoBatch):
		return nil, fmt.Errorf("read map %s: %w", m.Name, err)
	}
	it := km.Iterate()
	var key []byte
	if m.PerCPU {
		var vals [][]byte
		for it.Next(&key, &vals) {
			fm.Entries = append(fm.Entries, format.Entry{Key: key, Values: vals})
			key, vals = nil, nil
		}
	} else {
		var val []byte
		for it.Next(&key, &val) {
			fm.Entries = append(fm.Entries, format.Entry{Key: key, Values: [][]byte{val}})
			key, val = nil, nil
		}
	}
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("read map %s: %w", m.Name, err)
	}
	if s.cleared[m.Name] && allZero(fm.Entries) {
		fm.Entries = nil
	}
	return fm, nil
}

// printMap prints one map as print(@m, top, div) does.
func (s *Session) printMap(w io.Writer, name string, top, div int64) error {
	m := s.scriptMap(name)
	if m == nil {
		return fmt.Errorf("print: unknown map %s", name)
	}
	fm, err := s.readMap(m)
	if err != nil {
		return err
	}
	return format.PrintMap(w, &s.env.env, fm, top, div)
}

// printAllMaps is the dump at exit: every map in name order.
func (s *Session) printAllMaps(w io.Writer) error {
	var errs []error
	for _, m := range s.prog.Maps {
		fm, err := s.readMap(m)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := s.dumpMap(w, fm); err != nil {
			return err
		}
	}
	return errors.Join(errs...)
}

// dumpMap prints one map of the dump, through Options.DumpMap when set.
func (s *Session) dumpMap(w io.Writer, fm *format.Map) error {
	if s.opts.DumpMap != nil {
		fm.Expand()
		return s.opts.DumpMap(w, &s.env.env, fm)
	}
	return format.PrintMap(w, &s.env.env, fm, 0, 0)
}

// clearMap deletes every key of a hash map. An array map (a scalar or
// un-keyed aggregation) cannot lose its keys: it is zeroed and remembered
// as cleared, so that it prints as empty, as bpftrace's deleted key does,
// until a probe writes a non-zero value again. (bpftrace 0.17 prints a
// cleared un-keyed count() as 0, so that one is only zeroed.)
func (s *Session) clearMap(name string) error {
	km, err := s.kernelMap(name)
	if err != nil {
		return err
	}
	if isArray(km.Type()) {
		if err := s.zeroMap(name); err != nil {
			return err
		}
		if m := s.scriptMap(name); m.Value.Kind != types.Count {
			s.cleared[name] = true
		}
		return nil
	}
	keys, err := allKeys(km)
	if err != nil {
		return fmt.Errorf("clear %s: %w", name, err)
	}
	for _, k := range keys {
		if err := km.Delete(k); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) {
			return fmt.Errorf("clear %s: %w", name, err)
		}
	}
	return s.emptyCache(s.scriptMap(name))
}

// markUnwritten marks the un-keyed aggregations, which live in one-entry
// arrays that exist before any probe writes them, as cleared: until a probe
// writes a non-zero value they print as empty maps, as bpftrace prints a
// map it never wrote (except count(), which it prints as 0).
func (s *Session) markUnwritten() {
	for _, m := range s.prog.Maps {
		km := s.coll.Maps[m.SpecName]
		if km != nil && isArray(km.Type()) && m.Value.Kind.IsAgg() && m.Value.Kind != types.Count {
			s.cleared[m.Name] = true
		}
	}
}

// zeroMap sets every value of the map to zero (on every CPU).
func (s *Session) zeroMap(name string) error {
	delete(s.cleared, name)
	km, err := s.kernelMap(name)
	if err != nil {
		return err
	}
	keys, err := allKeys(km)
	if err != nil {
		return fmt.Errorf("zero %s: %w", name, err)
	}
	zero, err := zeroValue(km)
	if err != nil {
		return fmt.Errorf("zero %s: %w", name, err)
	}
	for _, k := range keys {
		if err := km.Update(k, zero, ebpf.UpdateExist); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) {
			return fmt.Errorf("zero %s: %w", name, err)
		}
	}
	return s.emptyCache(s.scriptMap(name))
}

func (s *Session) kernelMap(name string) (*ebpf.Map, error) {
	m := s.scriptMap(name)
	if m == nil || s.coll.Maps[m.SpecName] == nil {
		return nil, fmt.Errorf("unknown map %s", name)
	}
	return s.coll.Maps[m.SpecName], nil
}

// zeroValue is a zero value for km: one buffer, or one per possible CPU.
func zeroValue(km *ebpf.Map) (any, error) {
	switch km.Type() {
	case ebpf.PerCPUArray, ebpf.PerCPUHash, ebpf.LRUCPUHash:
	default:
		return make([]byte, km.ValueSize()), nil
	}
	n, err := ebpf.PossibleCPU()
	if err != nil {
		return nil, err
	}
	vals := make([][]byte, n)
	for i := range vals {
		vals[i] = make([]byte, km.ValueSize())
	}
	return vals, nil
}

// allKeys lists the keys of km (at most MaxEntries of them).
func allKeys(km *ebpf.Map) ([][]byte, error) {
	var keys [][]byte
	var cur any // nil asks for the first key
	for range km.MaxEntries() {
		next, err := km.NextKeyBytes(cur)
		if errors.Is(err, ebpf.ErrKeyNotExist) || (err == nil && next == nil) {
			break
		}
		if err != nil {
			return nil, err
		}
		keys = append(keys, next)
		cur = next
	}
	return keys, nil
}

func isArray(t ebpf.MapType) bool {
	return t == ebpf.Array || t == ebpf.PerCPUArray
}

// reportDropped warns, on stderr, about every map that was full when a
// probe tried to add a key (counted per map in the program's errors map),
// and reports lost output records: an errors map with one more entry than
// there are maps counts, in that last entry, ring buffer writes that failed.
func (s *Session) reportDropped() {
	if s.prog.ErrorsMap == "" {
		return
	}
	km := s.coll.Maps[s.prog.ErrorsMap]
	if km == nil {
		return
	}
	var full *codegen.Map
	for i, m := range s.prog.Maps {
		if n := counter(km, uint32(i)); n > 0 {
			fmt.Fprintf(s.errw, "warning: map %s is full: %d updates dropped\n", m.Name, n)
			full = m
		}
	}
	if full != nil {
		s.mapKeysHint(full)
	}
	if int(km.MaxEntries()) > len(s.prog.Maps) {
		if n := counter(km, uint32(len(s.prog.Maps))); n > 0 {
			s.reportLost(n)
			s.ringBufHint()
		}
	}
}

// mapKeysHint says how to raise the key limit that m reached.
func (s *Session) mapKeysHint(m *codegen.Map) {
	var limit uint32
	if km := s.coll.Maps[m.SpecName]; km != nil {
		limit = km.MaxEntries()
	}
	if m.Decl != "" {
		// max_map_keys does not apply to a declared map.
		fmt.Fprintf(s.errw, "hint: %s is declared with %s(%d); declare it with more keys\n", m.Name, m.Decl, limit)
		return
	}
	fmt.Fprintf(s.errw, "hint: maps hold %d keys each; raise max_map_keys with --max-map-keys N, "+
		"BPFTRACE_MAX_MAP_KEYS=N or config = { max_map_keys = N }\n", limit)
}

// ringBufHint says how to raise the size of the output ring buffer, which
// was full when records were lost.
func (s *Session) ringBufHint() {
	m := s.coll.Maps[s.prog.RingBuf]
	if m == nil {
		return
	}
	size := int(m.MaxEntries())
	cpus, err := ebpf.PossibleCPU()
	if err != nil || cpus < 1 {
		cpus = 1
	}
	fmt.Fprintf(s.errw, "hint: the output ring buffer (%d KiB, %d pages per CPU) was full; raise perf_rb_pages "+
		"with --rb-pages N, BPFTRACE_PERF_RB_PAGES=N or config = { perf_rb_pages = N }\n",
		size>>10, size/os.Getpagesize()/cpus)
}

// reportLost prints bpftrace's lost-events line (a JSON record with -f json).
func (s *Session) reportLost(n uint64) {
	if s.opts.JSON {
		s.out.WriteString(format.Lost(&s.env.env, n))
		s.out.Flush()
		return
	}
	io.WriteString(s.errw, format.Lost(&s.env.env, n))
}

// counter reads a u64 counter of an array, summed over CPUs for a per-CPU
// array.
func counter(km *ebpf.Map, i uint32) uint64 {
	if km.Type() != ebpf.PerCPUArray {
		var v uint64
		if km.Lookup(i, &v) != nil {
			return 0
		}
		return v
	}
	var vals []uint64
	if km.Lookup(i, &vals) != nil {
		return 0
	}
	var n uint64
	for _, v := range vals {
		n += v
	}
	return n
}

// allZero reports whether every value of every entry is all zero bytes.
func allZero(es []format.Entry) bool {
	for _, e := range es {
		for _, v := range e.Values {
			if !allZeroBytes(v) {
				return false
			}
		}
	}
	return true
}

func allZeroBytes(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
