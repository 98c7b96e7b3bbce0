// This file names the functions inlined at a user address, from the
// DWARF of the mapped file (DW_TAG_inlined_subroutine), for symbolizers
// that do not know them (see InlineSymbolizer): a Go program's inlined
// calls show as frames of their own in profiles and folded stacks.

package export

import (
	"debug/dwarf"
	"debug/elf"
	"sort"
	"sync"
)

// inlines caches the inline ranges of each file for its owner (a
// Collector, a Folded dump, a profile write): each file is read once; a
// file without DWARF costs one open.
type inlines struct {
	mu    sync.Mutex
	files map[string]*inlineIndex
}

// inlineIndex is what one file tells: its function symbols' addresses
// and the address ranges of inlined calls.
type inlineIndex struct {
	funcs  map[string]uint64
	ranges []inlineRange
}

// inlineRange is one range of code inlined from function name, depth
// levels of DWARF nesting deep (deeper is further inlined).
type inlineRange struct {
	lo, hi uint64
	depth  int
	name   string
}

func newInlines() *inlines { return &inlines{files: map[string]*inlineIndex{}} }

// at returns the functions inlined at fn+off in file, innermost first,
// not counting fn itself.
func (in *inlines) at(file, fn string, off uint64) []string {
	if in == nil {
		return nil
	}
	in.mu.Lock()
	idx, ok := in.files[file]
	if !ok {
		idx = readInlines(file)
		in.files[file] = idx
	}
	in.mu.Unlock()
	if idx == nil {
		return nil
	}
	start, ok := idx.funcs[fn]
	if !ok {
		return nil
	}
	return idx.lookup(start + off)
}

func (idx *inlineIndex) lookup(a uint64) []string {
	var hits []inlineRange
	for _, r := range idx.ranges {
		if r.lo > a {
			break
		}
		if a < r.hi {
			hits = append(hits, r)
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].depth > hits[j].depth })
	names := make([]string, len(hits))
	for i, h := range hits {
		names[i] = h.name
	}
	return names
}

// readInlines reads the inline ranges of an ELF file with DWARF; nil when
// it has none.
func readInlines(file string) *inlineIndex {
	f, err := elf.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	d, err := f.DWARF()
	if err != nil {
		return nil
	}
	idx := &inlineIndex{funcs: map[string]uint64{}}
	syms, _ := f.Symbols()
	for _, s := range syms {
		if elf.ST_TYPE(s.Info) == elf.STT_FUNC && s.Value != 0 {
			idx.funcs[s.Name] = s.Value
		}
	}
	idx.ranges = inlineRanges(d)
	sort.SliceStable(idx.ranges, func(i, j int) bool { return idx.ranges[i].lo < idx.ranges[j].lo })
	return idx
}

// inlineRanges walks every DW_TAG_inlined_subroutine of d.
func inlineRanges(d *dwarf.Data) []inlineRange {
	names := map[dwarf.Offset]string{}
	origin := d.Reader()
	nameOf := func(off dwarf.Offset) string {
		if n, ok := names[off]; ok {
			return n
		}
		origin.Seek(off)
		e, err := origin.Next()
		n := ""
		if err == nil && e != nil {
			n, _ = e.Val(dwarf.AttrName).(string)
		}
		names[off] = n
		return n
	}
	var out []inlineRange
	r := d.Reader()
	depth := 0
	for {
		e, err := r.Next()
		if err != nil || e == nil {
			break
		}
		if e.Tag == 0 {
			depth--
			continue
		}
		if e.Tag == dwarf.TagInlinedSubroutine {
			off, _ := e.Val(dwarf.AttrAbstractOrigin).(dwarf.Offset)
			if name := nameOf(off); name != "" {
				rs, _ := d.Ranges(e)
				for _, rg := range rs {
					out = append(out, inlineRange{rg[0], rg[1], depth, name})
				}
			}
		}
		if e.Children {
			depth++
		}
	}
	return out
}
