package lang

// This file bounds how deeply a script may nest. The participle parser
// recurses once per nesting level, and Go cannot recover from a stack
// overflow, so absurd nesting is refused before parsing.

import "github.com/alecthomas/participle/v2/lexer"

// maxNesting is the deepest nesting of brackets, prefix operators,
// conditional expressions or else-if chains that Parse accepts.
const maxNesting = 256

// checkNesting reports the first token that nests deeper than maxNesting.
func (s *scanner) checkNesting() {
	depth := 0   // open brackets
	unary := 0   // consecutive prefix operators
	ternary := 0 // '?' in the current statement
	elseIfs := []int{0}
	for i, t := range s.toks {
		v := t.Value
		switch {
		case t.Type == tokKeyword && v == "if" && i > 0 && s.toks[i-1].Value == "else":
			elseIfs[len(elseIfs)-1]++
		case t.Type != tokPunct:
		case v == "(" || v == "[" || v == "{":
			depth++
			elseIfs = append(elseIfs, 0)
		case v == ")" || v == "]" || v == "}":
			depth--
			if len(elseIfs) > 1 {
				elseIfs = elseIfs[:len(elseIfs)-1]
			}
		case v == "?":
			ternary++
		case v == ";":
			ternary = 0
		}
		if isPrefixOp(t) && (i == 0 || !endsOperand(s.toks[i-1])) {
			unary++
		} else {
			unary = 0
		}
		if depth+unary+ternary+elseIfs[len(elseIfs)-1] > maxNesting {
			s.errorf(t.Pos.Offset, s.ends[t.Pos.Offset], "the script nests too deeply here (more than %d levels)", maxNesting)
			return
		}
	}
}

func isPrefixOp(t lexer.Token) bool {
	if t.Type != tokPunct {
		return false
	}
	switch t.Value {
	case "-", "!", "~", "*", "&", "++", "--":
		return true
	}
	return false
}
