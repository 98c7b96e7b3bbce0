package lang

import "fmt"

// Pos is a position in a source text. Line and Col are 1-based; Col counts
// bytes. The zero Pos is "no position".
type Pos struct {
	Offset int // byte offset, 0-based
	Line   int // 1-based
	Col    int // 1-based, in bytes
}

// IsValid reports whether p is a real position.
func (p Pos) IsValid() bool { return p.Line > 0 }

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Span is the half-open source range [Start, End) of a node or an error.
type Span struct {
	Start, End Pos
}

// Span returns s itself, so that a Span is a Node-like value in helpers.
func (s Span) Span() Span { return s }

// Join returns the smallest span covering both a and b.
func Join(a, b Span) Span {
	if !a.Start.IsValid() {
		return b
	}
	if !b.Start.IsValid() {
		return a
	}
	r := a
	if b.Start.Offset < r.Start.Offset {
		r.Start = b.Start
	}
	if b.End.Offset > r.End.Offset {
		r.End = b.End
	}
	return r
}
