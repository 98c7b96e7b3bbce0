// This file is what exporters (package export: Prometheus metrics, pprof
// profiles, folded stacks) read of a running session: its maps, read while
// the probes run, and the formatting environment (symbols, stacks).

package runtime

import (
	"fmt"

	"github.com/gtrace/gtrace/codegen"
	"github.com/gtrace/gtrace/runtime/format"
)

// Maps returns the descriptors of the script's maps, in name order.
func (s *Session) Maps() []*codegen.Map { return s.prog.Maps }

// Env returns the formatting environment of the session: probe names,
// symbols and the stack reader. Its symbolizer and stack reader are safe
// for concurrent use.
func (s *Session) Env() *format.Env { return &s.env.env }

// ReadMap reads at most limit entries of m (limit <= 0: all of them) from
// the kernel, in the kernel's iteration order, and reports whether the map
// held more. It is safe to call while Run runs, from any goroutine: it
// takes no lock the event reader needs. It must not be called after Close.
func (s *Session) ReadMap(m *codegen.Map, limit int) (fm *format.Map, more bool, err error) {
	km := s.coll.Maps[m.SpecName]
	if km == nil {
		return nil, false, fmt.Errorf("map %s: not loaded", m.Name)
	}
	fm = &format.Map{Name: m.Name, Key: m.Key, Value: m.Value, PerCPU: m.PerCPU}
	it := km.Iterate()
	var key []byte
	var vals [][]byte
	var val []byte
	for {
		var ok bool
		if m.PerCPU {
			ok = it.Next(&key, &vals)
		} else {
			ok = it.Next(&key, &val)
			vals = [][]byte{val}
		}
		if !ok {
			break
		}
		if limit > 0 && len(fm.Entries) == limit {
			more = true
			break
		}
		fm.Entries = append(fm.Entries, format.Entry{Key: key, Values: vals})
		key, vals, val = nil, nil, nil
	}
	if err := it.Err(); err != nil {
		return nil, false, fmt.Errorf("read map %s: %w", m.Name, err)
	}
	pending, err := s.pendingCounts(m)
	if err != nil {
		return nil, false, err
	}
	addPending(fm, pending)
	return fm, more, nil
}
