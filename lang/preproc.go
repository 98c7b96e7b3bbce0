package lang

// This file implements the preprocessor lines the scanner understands:
// #include, #define, #undef, #if/#ifdef/#ifndef/#elif/#else/#endif,
// #pragma, #error and a leading #! line.

import (
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// directive handles the preprocessor line at s.off, then skips the lines of
// any conditional branch that is not taken.
func (s *scanner) directive() {
	s.handleDirective()
	for !s.active() && !s.eof() {
		for !s.eof() && isBlank(s.src[s.off]) {
			s.off++
		}
		if !s.eof() && s.src[s.off] == '#' {
			s.handleDirective()
			continue
		}
		s.off = min(s.lineEnd(s.off)+1, s.limit)
	}
}

func (s *scanner) active() bool {
	return len(s.conds) == 0 || s.conds[len(s.conds)-1].active
}

// handleDirective processes one directive line and moves past it.
func (s *scanner) handleDirective() {
	start := s.off
	end := s.lineEnd(start)
	s.off = end
	if start == 0 && strings.HasPrefix(s.src, "#!") {
		return
	}
	i := start + 1
	for i < end && isBlank(s.src[i]) {
		i++
	}
	name := s.word(i)
	rest := i + len(name)
	arg := strings.TrimSpace(s.src[rest:end])
	switch name {
	case "include":
		s.include(start, end, arg)
	case "define":
		s.define(rest, end)
	case "undef":
		delete(s.macros, arg)
		delete(s.defined, arg)
		delete(s.defines, arg)
	case "ifdef", "ifndef", "if":
		s.openCond(start, end, name, arg)
	case "elif", "else", "endif":
		s.moveCond(start, end, name, arg)
	case "pragma", "warning", "":
	case "error":
		if s.active() {
			s.errorf(start, end, "#error %s", arg)
		}
	default:
		if s.active() {
			s.errorf(start, rest, "unknown preprocessor directive #%s", name)
		}
	}
}

func (s *scanner) include(start, end int, arg string) {
	if !s.active() {
		return
	}
	if len(arg) < 2 || !(arg[0] == '<' && arg[len(arg)-1] == '>' || arg[0] == '"' && arg[len(arg)-1] == '"') {
		s.errorf(start, end, "expected <file> or \"file\" after #include")
		return
	}
	inc := &Include{Path: arg[1 : len(arg)-1]}
	inc.At = s.span(start, start+len(strings.TrimRight(s.src[start:end], " \t\r")))
	s.includes = append(s.includes, inc)
}

// define records "#define NAME value". The value is scanned as code now and
// substituted token by token wherever NAME is used later.
func (s *scanner) define(from, end int) {
	if !s.active() {
		return
	}
	i := from
	for i < end && isBlank(s.src[i]) {
		i++
	}
	name := s.word(i)
	switch {
	case name == "":
		s.errorf(from, end, "expected a name after #define")
		return
	case i+len(name) < end && s.src[i+len(name)] == '(':
		s.errorf(i, i+len(name), "function-like macro %s is not supported", name)
		return
	}
	toks, text := s.scanValue(i+len(name), end)
	s.macros[name] = toks
	s.defines[name] = text
	s.defined[name] = true
}

// scanValue scans src[from:end] as code without substitution.
func (s *scanner) scanValue(from, end int) ([]lexer.Token, string) {
	saveOff, saveLimit, saveToks := s.off, s.limit, s.toks
	s.off, s.limit, s.toks, s.noExpand = from, end, nil, true
	first, last := -1, from
	for s.skipSpace(); !s.eof(); s.skipSpace() {
		if first < 0 {
			first = s.off
		}
		s.codeToken()
		last = s.off
	}
	toks := s.toks
	s.off, s.limit, s.toks, s.noExpand = saveOff, saveLimit, saveToks, false
	if first < 0 {
		return toks, ""
	}
	return toks, s.src[first:last]
}

func (s *scanner) openCond(start, end int, name, arg string) {
	outer := s.active()
	take := false
	switch name {
	case "ifdef":
		take = s.defined[arg]
	case "ifndef":
		take = !s.defined[arg]
	default:
		if outer {
			take = s.evalCond(start, end, arg)
		}
	}
	take = take && outer
	s.conds = append(s.conds, cond{at: start, active: take, done: take || !outer, outer: outer})
}

func (s *scanner) moveCond(start, end int, name, arg string) {
	if len(s.conds) == 0 {
		s.errorf(start, end, "#%s without #if", name)
		return
	}
	c := &s.conds[len(s.conds)-1]
	switch name {
	case "endif":
		s.conds = s.conds[:len(s.conds)-1]
	case "else":
		c.active = c.outer && !c.done
		c.done = true
	case "elif":
		c.active = c.outer && !c.done && s.evalCond(start, end, arg)
		c.done = c.done || c.active
	}
}

// evalCond evaluates the small #if expressions scripts use: an integer,
// a defined name, "defined(NAME)", "defined NAME", each optionally negated
// with "!".
func (s *scanner) evalCond(start, end int, arg string) bool {
	neg := false
	for strings.HasPrefix(arg, "!") {
		neg = !neg
		arg = strings.TrimSpace(arg[1:])
	}
	if rest, ok := strings.CutPrefix(arg, "defined"); ok {
		rest = strings.TrimSpace(rest)
		rest = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(rest, "("), ")"))
		return s.defined[rest] != neg
	}
	if v, ok := s.defines[arg]; ok {
		arg = v
	}
	n, err := strconv.ParseInt(arg, 0, 64)
	if err != nil {
		s.errorf(start, end, "unsupported #if expression %q", arg)
		return false
	}
	return (n != 0) != neg
}
