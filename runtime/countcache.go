// This file reads the count caches of count() maps (codegen/countcache.go):
// the counts still pending in every CPU's slots are added to the values
// read from the map, and clear() and zero() empty the slots.

package runtime

import (
	"encoding/binary"
	"fmt"

	"github.com/cilium/ebpf"

	"github.com/gtrace/gtrace/codegen"
	"github.com/gtrace/gtrace/runtime/format"
)

// pendingCounts reads m's count cache: for each key in a slot with counts
// pending, the counts of each CPU. It returns nil when m has no cache or
// nothing is pending.
func (s *Session) pendingCounts(m *codegen.Map) (map[string][]uint64, error) {
	if m.Cache == "" {
		return nil, nil
	}
	km := s.coll.Maps[m.Cache]
	if km == nil {
		return nil, fmt.Errorf("map %s: its count cache is not loaded", m.Name)
	}
	var vals [][]byte
	if err := km.Lookup(uint32(0), &vals); err != nil {
		return nil, fmt.Errorf("read the count cache of %s: %w", m.Name, err)
	}
	ks := int(m.Key.Size)
	slot := ks + 8
	var pending map[string][]uint64
	for c, v := range vals {
		for off := 0; off+slot <= len(v); off += slot {
			n := binary.NativeEndian.Uint64(v[off+ks:])
			if n <= 1 {
				continue
			}
			if pending == nil {
				pending = map[string][]uint64{}
			}
			key := string(v[off : off+ks])
			if pending[key] == nil {
				pending[key] = make([]uint64, len(vals))
			}
			pending[key][c] += n - 1
		}
	}
	return pending, nil
}

// addPending adds the pending counts to the entries of fm with their key
// (every key in a slot is in the map, unless a clear() removed it just
// now: its counts then go with it).
func addPending(fm *format.Map, pending map[string][]uint64) {
	if len(pending) == 0 {
		return
	}
	add := func(v []byte, n uint64) {
		if len(v) >= 8 {
			binary.NativeEndian.PutUint64(v, binary.NativeEndian.Uint64(v)+n)
		}
	}
	if t := fm.Table; t != nil {
		for i := range t.N {
			if p, ok := pending[string(t.Key(i))]; ok {
				for c := range min(t.NCPU, len(p)) {
					add(t.Value(i, c), p[c])
				}
			}
		}
	}
	for _, e := range fm.Entries {
		if p, ok := pending[string(e.Key)]; ok {
			for c := range min(len(e.Values), len(p)) {
				add(e.Values[c], p[c])
			}
		}
	}
}

// emptyCache empties m's count cache on every CPU (the counts pending go
// with the keys clear() deletes or the values zero() zeroes).
func (s *Session) emptyCache(m *codegen.Map) error {
	if m == nil || m.Cache == "" {
		return nil
	}
	km := s.coll.Maps[m.Cache]
	if km == nil {
		return nil
	}
	zero, err := zeroValue(km)
	if err != nil {
		return err
	}
	return km.Update(uint32(0), zero, ebpf.UpdateAny)
}
