package lang

// This file implements the scanner: source text to participle tokens.
//
// bpftrace's syntax is context sensitive in two places, and the scanner
// resolves both so that the grammar stays context free:
//
//   - At the top level a probe's attach points are raw text
//     ("uprobe:/bin/bash:readline", "t:syscalls:sys_enter_*") and become one
//     Attach token each; struct declarations and "config = {...}" are
//     scanned as code.
//   - A "/" right after the attach points opens a predicate (PredStart), and
//     inside it a "/" followed only by blanks or comments and then "{" closes
//     it (PredEnd). Every other "/" is division.
//
// The scanner also runs the small C preprocessor bpftrace scripts rely on:
// "#include" lines are recorded, "#define NAME value" is substituted, and
// "#if"/"#ifdef"/"#ifndef"/"#else"/"#endif" select lines (BPFTRACE_HAVE_BTF
// is defined, since gtrace always reads types from BTF).

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// maxExpand bounds nested #define substitution.
const maxExpand = 32

// cond is one open #if of the preprocessor.
type cond struct {
	at     int  // offset of the directive, for "missing #endif"
	active bool // the lines of the current branch are kept
	done   bool // some branch of this #if has been taken
	outer  bool // the enclosing region is active
}

// scanner turns a source into tokens. It owns all state of one scan.
type scanner struct {
	f        *File
	src      string
	off      int
	limit    int   // scanning stops here
	lines    []int // offsets of line starts
	toks     []lexer.Token
	ends     map[int]int // token start offset -> end offset
	errs     ErrorList
	includes []*Include
	macros   map[string][]lexer.Token
	defines  map[string]string
	defined  map[string]bool
	conds    []cond
	noExpand bool // scanning a #define value
}

func newScanner(f *File) *scanner {
	s := &scanner{
		f:       f,
		src:     f.Src,
		limit:   len(f.Src),
		ends:    map[int]int{},
		macros:  map[string][]lexer.Token{},
		defines: map[string]string{},
		defined: map[string]bool{"BPFTRACE_HAVE_BTF": true},
	}
	s.lines = append(s.lines, 0)
	for i := 0; i < len(s.src); i++ {
		if s.src[i] == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
	return s
}

// scan tokenizes the whole source and ends the stream with EOF.
func (s *scanner) scan() {
	for s.skipSpace(); !s.eof(); s.skipSpace() {
		before := s.off
		s.item()
		if s.off == before { // never loop without progress
			s.codeToken()
		}
		if len(s.errs) >= MaxErrors {
			break
		}
	}
	for _, c := range s.conds {
		s.errorf(c.at, c.at+1, "missing #endif for this conditional")
	}
	s.toks = append(s.toks, lexer.Token{Type: lexer.EOF, Pos: s.position(len(s.src))})
	s.ends[len(s.src)] = len(s.src)
}

func (s *scanner) eof() bool { return s.off >= s.limit }

func (s *scanner) peekByte(i int) byte {
	if s.off+i < s.limit {
		return s.src[s.off+i]
	}
	return 0
}

// pos converts a byte offset into a Pos.
func (s *scanner) pos(off int) Pos {
	i := sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return Pos{Offset: off, Line: i + 1, Col: off - s.lines[i] + 1}
}

func (s *scanner) position(off int) lexer.Position {
	p := s.pos(off)
	return lexer.Position{Filename: s.f.Name, Offset: p.Offset, Line: p.Line, Column: p.Col}
}

func (s *scanner) span(start, end int) Span { return Span{Start: s.pos(start), End: s.pos(end)} }

func (s *scanner) errorf(start, end int, format string, args ...any) {
	s.errs.Add(NewError(s.f, s.span(start, end), fmt.Sprintf(format, args...)))
}

// emit appends a token covering src[start:end].
func (s *scanner) emit(kind lexer.TokenType, start, end int) {
	s.toks = append(s.toks, lexer.Token{Type: kind, Value: s.src[start:end], Pos: s.position(start)})
	s.ends[start] = end
}

// item scans one top-level item: a struct declaration, a config block or
// a probe.
func (s *scanner) item() {
	w := s.word(s.off)
	switch {
	case w == "struct" || w == "union" || w == "enum":
		s.codeUntilClosed()
		s.attributes()
	case w == "config" && s.nextNonBlank(s.off+len(w)) == '=':
		s.codeUntilClosed()
	case w == "let" && s.nextNonBlank(s.off+len(w)) == '@':
		s.codeUntilClosed()
	case w == "macro" && isIdentByte(s.nextNonBlank(s.off+len(w)), false):
		s.codeUntilClosed()
	case w == "import" && s.nextNonBlank(s.off+len(w)) == '"':
		s.codeUntilClosed()
	default:
		s.probe()
	}
}

// word returns the identifier starting at off, or "".
func (s *scanner) word(off int) string {
	end := off
	for end < s.limit && isIdentByte(s.src[end], end > off) {
		end++
	}
	return s.src[off:end]
}

func (s *scanner) nextNonBlank(off int) byte {
	for off < s.limit && isBlank(s.src[off]) {
		off++
	}
	if off < s.limit {
		return s.src[off]
	}
	return 0
}

// codeUntilClosed scans code tokens until the first brace that opens in it
// is closed, then an optional ";".
func (s *scanner) codeUntilClosed() {
	depth := 0
	for s.skipSpace(); !s.eof(); s.skipSpace() {
		c := s.src[s.off]
		s.codeToken()
		if c == '{' {
			depth++
		} else if c == '}' {
			depth--
			if depth <= 0 {
				break
			}
		} else if c == ';' && depth == 0 {
			return
		}
	}
	if s.skipSpace(); !s.eof() && s.src[s.off] == ';' {
		s.codeToken()
	}
}

// attributes scans the "__attribute__((...))" lists after a struct's
// body, then an optional ";".
func (s *scanner) attributes() {
	for s.skipSpace(); !s.eof() && s.word(s.off) == "__attribute__"; s.skipSpace() {
		s.codeToken()
		depth := 0
		for s.skipSpace(); !s.eof(); s.skipSpace() {
			c := s.src[s.off]
			s.codeToken()
			if c == '(' {
				depth++
			} else if c == ')' {
				if depth--; depth <= 0 {
					break
				}
			}
		}
	}
	if !s.eof() && s.src[s.off] == ';' {
		s.codeToken()
	}
}

// probe scans attach points, an optional predicate and the body.
func (s *scanner) probe() {
	if !s.attachList() {
		return
	}
	s.skipSpace()
	if !s.eof() && s.src[s.off] == '/' {
		s.emit(tokPredStart, s.off, s.off+1)
		s.off++
		s.predicate()
		s.skipSpace()
	}
	if !s.eof() && s.src[s.off] == '{' {
		s.codeUntilClosed()
	}
}

// attachList scans "ap[, ap ...]". It reports whether it scanned anything.
func (s *scanner) attachList() bool {
	any := false
	for {
		s.skipSpace()
		if s.eof() {
			return any
		}
		if !s.attachPoint() {
			return any
		}
		any = true
		s.skipSpace()
		if s.eof() || s.src[s.off] != ',' {
			return true
		}
		s.codeToken()
	}
}

// attachPoint scans one attach point as raw text. A '/' belongs to it once
// a ':' has been seen ("uprobe:/bin/bash:f"); before that it opens a
// predicate ("BEGIN/x/").
func (s *scanner) attachPoint() bool {
	start := s.off
	colon := false
	for !s.eof() {
		c := s.src[s.off]
		switch {
		case c == '"':
			if !s.skipQuoted() {
				return true
			}
			continue
		case c == ':':
			colon = true
		case c == '/' && colon && s.peekByte(1) != '/' && s.peekByte(1) != '*':
		case !isAttachByte(c):
			if s.off > start {
				s.emit(tokAttach, start, s.off)
				return true
			}
			return false
		}
		s.off++
	}
	if s.off > start {
		s.emit(tokAttach, start, s.off)
	}
	return s.off > start
}

// skipQuoted moves past a quoted part of an attach point, honouring
// backslash escapes.
func (s *scanner) skipQuoted() bool {
	for i := s.off + 1; i < s.limit && s.src[i] != '\n'; i++ {
		switch s.src[i] {
		case '\\':
			i++
		case '"':
			s.off = i + 1
			return true
		}
	}
	s.errorf(s.off, s.off+1, "unterminated string in attach point")
	s.off = s.lineEnd(s.off)
	return false
}

func isAttachByte(c byte) bool {
	return isIdentByte(c, true) || strings.IndexByte(":*?.-+$[]@", c) >= 0
}

// predicate scans the code of a predicate up to its closing '/' (PredEnd)
// or, if that is missing, up to the body's '{'.
func (s *scanner) predicate() {
	for s.skipSpace(); !s.eof(); s.skipSpace() {
		switch s.src[s.off] {
		case '{', '}':
			return
		case '/':
			if s.closesPredicate() {
				s.emit(tokPredEnd, s.off, s.off+1)
				s.off++
				return
			}
		}
		s.codeToken()
	}
}

// closesPredicate reports whether the '/' at s.off is followed only by
// blanks and comments before a '{'.
func (s *scanner) closesPredicate() bool {
	save := s.off
	errs := len(s.errs)
	s.off++
	s.skipBlanksAndComments()
	ok := !s.eof() && s.src[s.off] == '{'
	s.off = save
	s.errs = s.errs[:errs]
	return ok
}

// skipSpace skips blanks, comments and preprocessor lines.
func (s *scanner) skipSpace() {
	for {
		s.skipBlanksAndComments()
		if s.eof() || s.src[s.off] != '#' || s.noExpand || !s.atLineStart(s.off) {
			return
		}
		s.directive()
	}
}

func (s *scanner) skipBlanksAndComments() {
	if s.off == 0 && strings.HasPrefix(s.src, "\ufeff") {
		s.off = len("\ufeff") // a UTF-8 byte order mark
	}
	for !s.eof() {
		c := s.src[s.off]
		switch {
		case isBlank(c) || c == '\n':
			s.off++
		case c == '/' && s.peekByte(1) == '/':
			s.off = s.lineEnd(s.off)
		case c == '/' && s.peekByte(1) == '*':
			end := strings.Index(s.src[s.off+2:s.limit], "*/")
			if end < 0 {
				s.errorf(s.off, s.off+2, "unterminated comment")
				s.off = s.limit
				return
			}
			s.off += end + 4
		default:
			return
		}
	}
}

func (s *scanner) atLineStart(off int) bool {
	j := off - 1
	for j >= 0 && isBlank(s.src[j]) {
		j--
	}
	return j < 0 || s.src[j] == '\n'
}

func (s *scanner) lineEnd(off int) int {
	if i := strings.IndexByte(s.src[off:s.limit], '\n'); i >= 0 {
		return off + i
	}
	return s.limit
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' }

func isIdentByte(c byte, notFirst bool) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || notFirst && '0' <= c && c <= '9'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// codeToken scans one token of code at s.off (which is not blank).
func (s *scanner) codeToken() {
	start := s.off
	c := s.src[start]
	switch {
	case isIdentByte(c, false):
		s.off = start + len(s.word(start))
		s.ident(start, s.off)
	case isDigit(c):
		s.number()
	case c == '"':
		s.quoted('"', tokString, "string literal")
	case c == '\'':
		s.quoted('\'', tokChar, "character literal")
	case c == '@':
		s.off = start + 1 + len(s.word(start+1))
		s.emit(tokMap, start, s.off)
	case c == '$':
		s.dollar()
	default:
		s.punct()
	}
}

func (s *scanner) ident(start, end int) {
	name := s.src[start:end]
	switch {
	case keywords[name]:
		s.emit(tokKeyword, start, end)
	case !s.noExpand && s.isMacro(name):
		s.expand(name, start, end, 0)
	default:
		s.emit(tokIdent, start, end)
	}
}

func (s *scanner) isMacro(name string) bool {
	_, ok := s.macros[name]
	return ok
}

// expand substitutes the #define NAME used at src[start:end]. The tokens of
// the value take the position of the use.
func (s *scanner) expand(name string, start, end, depth int) {
	if depth > maxExpand {
		s.errorf(start, end, "#define %s expands too deeply (recursive definition?)", name)
		return
	}
	for _, t := range s.macros[name] {
		if t.Type == tokIdent && s.isMacro(t.Value) && t.Value != name {
			s.expand(t.Value, start, end, depth+1)
			continue
		}
		t.Pos = s.position(start)
		s.toks = append(s.toks, t)
	}
	s.ends[start] = end
}

// number scans an integer literal: decimal, 0x hex, 0b binary, 0o or
// leading-0 octal, '_' separators, a decimal exponent (1e6) and C suffixes
// (u, l, ul, ll, ...). The value is checked when the literal is lowered.
func (s *scanner) number() {
	start := s.off
	for !s.eof() && isIdentByte(s.src[s.off], true) {
		s.off++
	}
	s.emit(tokInt, start, s.off)
}

// quoted scans a string or character literal, keeping the quotes; escapes
// are decoded when the literal is lowered.
func (s *scanner) quoted(q byte, kind lexer.TokenType, what string) {
	start := s.off
	for i := start + 1; i < s.limit; i++ {
		switch s.src[i] {
		case '\\':
			i++
		case '\n':
			i = s.limit
		case q:
			s.off = i + 1
			s.emit(kind, start, s.off)
			return
		}
	}
	s.errorf(start, start+1, "unterminated %s", what)
	s.off = s.lineEnd(start)
}

// dollar scans $name, $N or $#.
func (s *scanner) dollar() {
	start := s.off
	s.off++
	switch c := s.peekByte(0); {
	case c == '#':
		s.off++
		s.emit(tokPositional, start, s.off)
	case isDigit(c):
		for !s.eof() && isDigit(s.src[s.off]) {
			s.off++
		}
		s.emit(tokPositional, start, s.off)
	case isIdentByte(c, false):
		s.off += len(s.word(s.off))
		s.emit(tokVar, start, s.off)
	default:
		s.errorf(start, start+1, "expected a variable name after \"$\"")
	}
}

func (s *scanner) punct() {
	start := s.off
	rest := s.src[start:s.limit]
	for _, p := range puncts {
		if strings.HasPrefix(rest, p) {
			s.off += len(p)
			s.emit(tokPunct, start, s.off)
			return
		}
	}
	r, n := utf8.DecodeRuneInString(rest)
	s.off += n
	if r == utf8.RuneError {
		s.errorf(start, s.off, "invalid byte %#02x", rest[0])
		return
	}
	s.errorf(start, s.off, "unexpected character %q", r)
}
