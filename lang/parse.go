package lang

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Parse parses the script src, named name in errors ("<cmdline>", "stdin"
// or a path). It returns the AST, or a nil *File and a sorted ErrorList of
// positioned errors. Parse never panics.
func Parse(name, src string) (f *File, err error) {
	return parse(name, src, stdlib())
}

// parse parses src and expands its macro uses with the macros of std
// (nil: none) and its own.
func parse(name, src string, std *File) (f *File, err error) {
	tmp := &File{Name: name, Src: src}
	defer func() {
		if r := recover(); r != nil {
			at := Span{Start: Pos{Line: 1, Col: 1}, End: Pos{Line: 1, Col: 1}}
			f, err = nil, ErrorList{NewError(tmp, at, fmt.Sprintf("internal error in the parser: %v", r),
				"please report this bug with the script that triggers it")}
		}
	}()
	s := newScanner(tmp)
	s.scan()
	if len(s.errs) == 0 {
		s.checkNesting()
	}
	if len(s.errs) > 0 {
		return nil, s.errs.Err()
	}
	pl, err := lexer.Upgrade(&sliceLexer{toks: s.toks})
	if err != nil {
		return nil, err
	}
	g, err := grammar.ParseFromLexer(pl)
	if err != nil {
		var l ErrorList
		l.Add(s.syntaxError(err))
		return nil, l.Err()
	}
	lw := &lowerer{s: s}
	f = lw.file(g)
	if len(lw.errs) > 0 {
		return nil, lw.errs.Err()
	}
	if errs := expandMacros(f, std); len(errs) > 0 {
		return nil, errs.Err()
	}
	return f, nil
}

// endOfFile starts the message of every error caused by input that ends
// too early.
const endOfFile = "unexpected end of file"

// Incomplete reports whether err says only that the source ended too early
// (an unclosed brace, parenthesis or predicate), so that a REPL can read
// another line instead of reporting it.
func Incomplete(err error) bool {
	var l ErrorList
	if !errors.As(err, &l) || len(l) != 1 {
		return false
	}
	return strings.HasPrefix(l[0].Msg, endOfFile)
}

// syntaxError turns participle's error into a positioned message that says
// what was expected, judged from the tokens before the offending one.
func (s *scanner) syntaxError(err error) *Error {
	var ute *participle.UnexpectedTokenError
	var pe participle.Error
	off := len(s.src)
	switch {
	case errors.As(err, &ute):
		off = ute.Unexpected.Pos.Offset
		if ute.Unexpected.EOF() {
			off = len(s.src)
		}
	case errors.As(err, &pe):
		off = pe.Position().Offset
	}
	i := s.tokenIndex(off)
	tok := s.toks[i]
	msg, hints := s.expectation(i)
	e := NewError(s.f, s.tokenSpan(i), "unexpected "+describe(tok)+msg, hints...)
	return e
}

// tokenIndex finds the first token starting at or after off.
func (s *scanner) tokenIndex(off int) int {
	for i, t := range s.toks {
		if t.Pos.Offset >= off {
			return i
		}
	}
	return len(s.toks) - 1
}

// tokenSpan is the span of token i; end of file is shown just after the
// last token.
func (s *scanner) tokenSpan(i int) Span {
	t := s.toks[i]
	if t.EOF() && i > 0 {
		end := s.ends[s.toks[i-1].Pos.Offset]
		return s.span(end, end)
	}
	return s.span(t.Pos.Offset, s.ends[t.Pos.Offset])
}

func describe(t lexer.Token) string {
	switch t.Type {
	case lexer.EOF:
		return strings.TrimPrefix(endOfFile, "unexpected ")
	case tokString:
		return "string " + t.Value
	case tokAttach:
		return "attach point " + strconv.Quote(t.Value)
	}
	return strconv.Quote(t.Value)
}
