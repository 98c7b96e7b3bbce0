package lang

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error is a positioned diagnostic reported by the parser, the checker or
// codegen. File and Line (the text of the source line) are filled in by
// NewError so the error prints by itself.
type Error struct {
	File  string // "<cmdline>", "stdin" or a path
	Span  Span
	Msg   string   // lowercase, no final period
	Hints []string // each printed as "hint: ..."
	Line  string   // the source line Span.Start is on, without newline
	Notes []*Error // printed after the error, e.g. where a macro was used
}

// NewError returns an Error at span in f's source.
func NewError(f *File, span Span, msg string, hints ...string) *Error {
	e := &Error{Span: span, Msg: msg, Hints: hints}
	if f != nil {
		e.File = f.Name
		e.Line = lineAt(f.Src, span.Start)
	}
	return e
}

// Errorf is NewError with a format.
func Errorf(f *File, span Span, format string, args ...any) *Error {
	return NewError(f, span, fmt.Sprintf(format, args...))
}

func lineAt(src string, p Pos) string {
	if !p.IsValid() || p.Offset > len(src) {
		return ""
	}
	start := strings.LastIndexByte(src[:p.Offset], '\n') + 1
	end := strings.IndexByte(src[p.Offset:], '\n')
	if end < 0 {
		return src[start:]
	}
	return src[start : p.Offset+end]
}

// Error returns the first line of the display form: "file:line:col: msg".
func (e *Error) Error() string {
	if !e.Span.Start.IsValid() {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Span.Start.Line, e.Span.Start.Col, e.Msg)
}

// Format returns the full display form: the first line, the source line,
// a caret and tildes under the span, and the hints. Tabs in the source line
// are kept in the underline so that columns agree on any terminal.
func (e *Error) Format() string {
	var b strings.Builder
	b.WriteString(e.Error())
	b.WriteByte('\n')
	if e.Span.Start.IsValid() && e.Line != "" {
		b.WriteString(e.Line)
		b.WriteByte('\n')
		b.WriteString(underline(e.Line, e.Span))
		b.WriteByte('\n')
	}
	for _, h := range e.Hints {
		b.WriteString("hint: ")
		b.WriteString(h)
		b.WriteByte('\n')
	}
	for _, n := range e.Notes {
		b.WriteString(n.Format())
	}
	return b.String()
}

// underline builds "   ^~~~" below line for span. Columns are bytes; a tab
// in the prefix is echoed as a tab, a multi-byte rune as one space.
func underline(line string, s Span) string {
	var b strings.Builder
	col := s.Start.Col - 1
	if col > len(line) {
		col = len(line)
	}
	for _, r := range line[:col] {
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	n := 1
	if s.End.Line == s.Start.Line && s.End.Col > s.Start.Col {
		n = len([]rune(line[col:min(len(line), s.End.Col-1)]))
	} else if s.End.Line > s.Start.Line {
		n = len([]rune(line[col:]))
	}
	b.WriteByte('^')
	for i := 1; i < n; i++ {
		b.WriteByte('~')
	}
	return b.String()
}

// MaxErrors is how many errors an ErrorList keeps before it stops adding.
const MaxErrors = 10

// ErrorList is a list of positioned errors. The zero value is ready to use.
type ErrorList []*Error

// Add appends e unless the list is full.
func (l *ErrorList) Add(e *Error) {
	if len(*l) < MaxErrors {
		*l = append(*l, e)
	}
}

// Len returns the number of errors.
func (l ErrorList) Len() int { return len(l) }

// Sort orders the list by position and keeps only the first error of each line.
func (l *ErrorList) Sort() {
	s := *l
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].File != s[j].File {
			return s[i].File < s[j].File
		}
		return s[i].Span.Start.Offset < s[j].Span.Start.Offset
	})
	out := s[:0]
	for i, e := range s {
		if i > 0 && e.File == s[i-1].File && e.Span.Start.Line == s[i-1].Span.Start.Line && e.Span.Start.IsValid() {
			continue
		}
		out = append(out, e)
	}
	*l = out
}

// Error returns the first error's line and a count of the others.
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0].Error(), len(l)-1)
}

// Format returns every error in display form, one after another.
func (l ErrorList) Format() string {
	var b strings.Builder
	for _, e := range l {
		b.WriteString(e.Format())
	}
	return b.String()
}

// Err returns nil for an empty list and the sorted list otherwise.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	l.Sort()
	return l
}

// FormatError renders err for a terminal: an ErrorList or *Error in full
// display form, anything else as its message.
func FormatError(err error) string {
	var l ErrorList
	if errors.As(err, &l) {
		return l.Format()
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Format()
	}
	return err.Error() + "\n"
}
