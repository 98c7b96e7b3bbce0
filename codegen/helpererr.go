package codegen

// This file implements -k and -kk: after a helper call that failed, an
// EvHelperError record names the helper, the script text of the call and
// the return code, as bpftrace's helper error warnings do.

import (
	"strings"

	"github.com/cilium/ebpf/asm"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/types"
)

// Helper check levels: -k reports the failures that are not expected,
// -kk also the lookups of missing keys and the reads of bad addresses.
const (
	checkUnexpected = 1
	checkAll        = 2
)

// helperErr reports a failed helper call, whose return code is in R0 (< 0
// is a failure), when the -k level is at least level. R0 is kept.
func (g *gen) helperErr(n lang.Node, helper string, level int) {
	if n == nil || g.cfg.helperCheck() < level {
		return
	}
	g.outOfLine(func(l string) asm.Instruction { return asm.JSLT.Imm(asm.R0, 0, l) }, func(string) {
		m := g.mark()
		saved := g.alloc(8)
		g.storeInt(saved, asm.R0, 8)
		g.helperRecord(n, helper, saved)
		g.loadInt(asm.R0, saved, types.Int64)
		g.release(m)
	})
}

// lookupErr reports a map lookup that found nothing (R0 is NULL) under -kk,
// with return code 0 as bpftrace does. R0 is kept.
func (g *gen) lookupErr(n lang.Node) {
	if n == nil || g.cfg.helperCheck() < checkAll {
		return
	}
	g.outOfLine(func(l string) asm.Instruction { return asm.JEq.Imm(asm.R0, 0, l) }, func(string) {
		m := g.mark()
		zero := g.alloc(8)
		g.emit(storeImm(zero.base, int16(zero.off), 0, asm.DWord))
		g.helperRecord(n, "map_lookup_elem", zero)
		g.release(m)
		g.emit(asm.Mov.Imm(asm.R0, 0))
	})
}

// helperRecord writes {id, return code at ret} for a failure at n.
func (g *gen) helperRecord(n lang.Node, helper string, ret loc) {
	id := g.addEvent(&Event{Kind: EvHelperError, Helper: helper, Args: []*types.Type{types.Int64}, Site: g.site(n)})
	m := g.mark()
	rec := g.alloc(16)
	g.emit(storeImm(rec.base, int16(rec.off), int64(id), asm.DWord))
	g.loadInt(asm.R1, ret, types.Int64)
	g.storeInt(rec.at(8), asm.R1, 8)
	g.output(rec, 16)
	g.release(m)
}

// site returns the script location of n: in the script, or in the
// stdlib for a node copied from a stdlib macro, with the uses of the
// macros n was expanded from.
func (g *gen) site(n lang.Node) *Site {
	st := siteAt(g.f.SourceOf(n), n.Span())
	for _, note := range g.f.ErrorAt(n, "").Notes {
		st.Expanded = append(st.Expanded, &Site{File: note.File, Span: note.Span, Line: note.Line})
	}
	return st
}

// siteAt returns the location span of f.
func siteAt(f *lang.File, span lang.Span) *Site {
	src := f.Src
	s := withParens(src, span)
	st := &Site{File: f.Name, Span: s}
	if s.Start.IsValid() && s.Start.Offset <= len(src) {
		start := strings.LastIndexByte(src[:s.Start.Offset], '\n') + 1
		end := strings.IndexByte(src[s.Start.Offset:], '\n')
		if end < 0 {
			st.Line = src[start:]
		} else {
			st.Line = src[start : s.Start.Offset+end]
		}
	}
	return st
}

// readName is bpftrace's name of the helper that reads memory in space sp.
func readName(sp addrSpace, str bool) string {
	name := "probe_read"
	if sp == spaceUser {
		name += "_user"
	}
	if str {
		name += "_str"
	}
	return name
}

// withParens extends s to the left over opening parentheses that close
// inside it, as in "((struct foo *)0)->a", whose span starts at the cast:
// bpftrace locates the expression at its first parenthesis.
func withParens(src string, s lang.Span) lang.Span {
	if !s.Start.IsValid() || s.End.Offset > len(src) || s.Start.Offset > s.End.Offset {
		return s
	}
	for {
		i := s.Start.Offset - 1
		for i >= 0 && (src[i] == ' ' || src[i] == '\t') {
			i--
		}
		if i < 0 || src[i] != '(' || !closesWithin(src[i:s.End.Offset]) {
			return s
		}
		s.Start.Col -= s.Start.Offset - i
		s.Start.Offset = i
	}
}

// closesWithin reports whether the '(' at text[0] is closed within text.
func closesWithin(text string) bool {
	depth := 0
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return true
			}
		}
	}
	return false
}
