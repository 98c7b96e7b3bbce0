package lang

// This file works out what a syntax error should say was expected, from the
// brackets open at the offending token and the token just before it.

import (
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/gtrace/gtrace/lang/probekind"
)

// opener is an unclosed bracket: where it is and what it opens ("call",
// "paren", "header" for if/while/unroll/for, "index", "probe", "block",
// "struct", "config", "pred").
type opener struct {
	tok  int
	role string
}

// context replays tokens[:i] and returns the open brackets and the role of
// the bracket closed by token i-1, if it is a closer.
func (s *scanner) context(i int) (stack []opener, closed string) {
	for j := 0; j < i; j++ {
		t := s.toks[j]
		closed = ""
		switch {
		case t.Type == tokPredStart:
			stack = append(stack, opener{j, "pred"})
		case t.Type == tokPredEnd:
			stack, closed = popRole(stack, "pred")
		case t.Type != tokPunct:
		case t.Value == "(":
			stack = append(stack, opener{j, s.parenRole(j)})
		case t.Value == "[":
			stack = append(stack, opener{j, "index"})
		case t.Value == "{":
			stack, _ = popRole(stack, "pred")
			stack = append(stack, opener{j, s.braceRole(j, len(stack) == 0)})
		case t.Value == ")" || t.Value == "]" || t.Value == "}":
			if len(stack) > 0 && stack[len(stack)-1].role != "pred" {
				closed = stack[len(stack)-1].role
				stack = stack[:len(stack)-1]
			}
		}
	}
	return stack, closed
}

func popRole(stack []opener, role string) ([]opener, string) {
	if len(stack) > 0 && stack[len(stack)-1].role == role {
		return stack[:len(stack)-1], role
	}
	return stack, ""
}

func (s *scanner) parenRole(j int) string {
	if j == 0 {
		return "paren"
	}
	p := s.toks[j-1]
	switch {
	case p.Type == tokKeyword && (p.Value == "if" || p.Value == "while" || p.Value == "unroll" || p.Value == "for"):
		return "header"
	case p.Type == tokIdent:
		return "call"
	}
	return "paren"
}

func (s *scanner) braceRole(j int, top bool) string {
	if !top {
		return "block"
	}
	if j >= 2 && s.toks[j-2].Type == tokKeyword && s.toks[j-1].Type == tokIdent {
		return "struct"
	}
	if j >= 2 && s.toks[j-1].Value == "=" && s.toks[j-2].Value == "config" {
		return "config"
	}
	return "probe"
}

// expectation returns ", expected ..." (or "") and hints for an error at
// token i.
func (s *scanner) expectation(i int) (string, []string) {
	stack, closed := s.context(i)
	tok := s.toks[i]
	var prev lexer.Token
	if i > 0 {
		prev = s.toks[i-1]
	}
	if len(stack) == 0 {
		return topExpectation(prev, tok), nil
	}
	top := stack[len(stack)-1]
	if msg := afterToken(prev); msg != "" {
		return ", expected " + msg, nil
	}
	if top.role == "pred" && prev.Type == tokPredStart {
		return ", expected an expression in the predicate", nil
	}
	if wantsOperand(prev) {
		return ", expected an expression", nil
	}
	if closed == "header" && prev.Value == ")" {
		return ", expected \"{\" to start the body", nil
	}
	if tok.EOF() && top.role != "pred" {
		open := s.toks[top.tok]
		return fmt.Sprintf(", expected %q", closerOf(open.Value)),
			[]string{fmt.Sprintf("the %q at %s is never closed", open.Value, s.pos(open.Pos.Offset))}
	}
	return roleExpectation(top.role, prev, tok), nil
}

// topExpectation covers errors outside any bracket.
func topExpectation(prev, tok lexer.Token) string {
	switch {
	case prev.Type == tokAttach && tok.Type == tokAttach && looksLikeAttach(tok.Value):
		return ", expected \",\" between attach points"
	case prev.Type == tokAttach && tok.Type == tokAttach:
		return ", expected \"{\" after the attach point"
	case prev.Type == tokAttach:
		return ", expected a predicate or \"{\" after the attach point"
	case prev.Type == tokPunct && prev.Value == "," && tok.Type != tokAttach:
		return ", expected an attach point after \",\""
	case prev.Type == tokPredEnd:
		return ", expected \"{\" after the predicate"
	case prev.Type == tokKeyword:
		return fmt.Sprintf(", expected a name after %q", prev.Value)
	case prev.Value == "config":
		return ", expected \"=\" after \"config\""
	case prev.Value == "=":
		return ", expected \"{\""
	case prev.Type == tokIdent:
		return ", expected \"{\""
	}
	return ", expected a probe"
}

// looksLikeAttach tells an attach point from a word of a probe body
// written without its "{".
func looksLikeAttach(raw string) bool {
	_, known := probekind.Lookup(raw)
	return known || strings.Contains(raw, ":")
}

// afterToken covers tokens that must be followed by one specific thing.
func afterToken(prev lexer.Token) string {
	if prev.Type == tokKeyword {
		switch prev.Value {
		case "if":
			return "a condition after \"if\""
		case "while", "unroll", "for":
			return fmt.Sprintf("\"(\" after %q", prev.Value)
		case "else":
			return "\"{\" or \"if\" after \"else\""
		case "let":
			return "a variable after \"let\""
		case "struct", "union", "enum":
			return fmt.Sprintf("a type name after %q", prev.Value)
		}
	}
	if prev.Type == tokPunct {
		switch prev.Value {
		case ".":
			return "a field name or tuple index after \".\""
		case "->":
			return "a field name after \"->\""
		}
	}
	return ""
}

func roleExpectation(role string, prev, tok lexer.Token) string {
	ends := endsOperand(prev)
	switch {
	case role == "pred":
		return ", expected \"/\" to end the predicate"
	case (role == "block" || role == "probe") && (prev.Value == "{" || prev.Value == ";" || prev.Value == "}"):
		return ", expected a statement"
	case role == "block" || role == "probe":
		if ends || prev.Type == tokKeyword {
			return ", expected \";\" or \"}\" after statement"
		}
	case role == "struct" && (prev.Value == "{" || prev.Value == ";"):
		return ", expected a field declaration"
	case role == "struct":
		return ", expected \";\" or \"}\" after the field"
	case role == "config":
		return ", expected a setting \"name = value\""
	case !ends:
	case role == "header":
		return ", expected \")\""
	case role == "call" || role == "paren":
		return ", expected \",\" or \")\""
	case role == "index":
		return ", expected \",\" or \"]\""
	}
	return ""
}

func closerOf(open string) string {
	switch open {
	case "(":
		return ")"
	case "[":
		return "]"
	}
	return "}"
}

// endsOperand reports whether an expression may end with t.
func endsOperand(t lexer.Token) bool {
	switch t.Type {
	case tokIdent, tokInt, tokChar, tokString, tokMap, tokVar, tokPositional:
		return true
	case tokPunct:
		return t.Value == ")" || t.Value == "]" || t.Value == "++" || t.Value == "--"
	}
	return false
}

// wantsOperand reports whether an expression must follow t.
func wantsOperand(t lexer.Token) bool {
	switch t.Type {
	case tokPredStart:
		return true
	case tokPunct:
		switch t.Value {
		case ")", "]", "}", "{", ";", "++", "--", ".", "->":
			return false
		}
		return true
	}
	return false
}
