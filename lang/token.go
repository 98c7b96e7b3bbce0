package lang

// This file declares the token kinds the scanner hands to the participle
// grammar, and the lexer.Definition participle needs to resolve them.

import (
	"errors"
	"io"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token kinds. Keywords, punctuation and the predicate slashes get their own
// kinds so that the grammar's literals ("if", "/") never match an identifier,
// a string or the slash that ends a predicate.
const (
	tokIdent lexer.TokenType = iota + 1
	tokKeyword
	tokInt
	tokChar
	tokString
	tokMap
	tokVar
	tokPositional
	tokAttach
	tokPunct
	tokPredStart
	tokPredEnd
)

// tokenNames maps the grammar's symbol names to token kinds. It is a
// function, not a variable, because the grammar is built during package
// initialisation, possibly before other package variables are set.
func tokenNames() map[string]lexer.TokenType {
	return map[string]lexer.TokenType{
		"EOF":        lexer.EOF,
		"Ident":      tokIdent,
		"Keyword":    tokKeyword,
		"Int":        tokInt,
		"Char":       tokChar,
		"String":     tokString,
		"Map":        tokMap,
		"Var":        tokVar,
		"Positional": tokPositional,
		"Attach":     tokAttach,
		"Punct":      tokPunct,
		"PredStart":  tokPredStart,
		"PredEnd":    tokPredEnd,
	}
}

// keywords are the reserved words of statement syntax. sizeof and offsetof
// stay identifiers: they are calls whose arguments may be types.
var keywords = map[string]bool{
	"if": true, "else": true, "unroll": true, "while": true, "for": true,
	"break": true, "continue": true, "return": true, "let": true,
	"struct": true, "union": true, "enum": true,
}

// puncts lists the operators and punctuation, longest first so that the
// scanner can take the first match.
var puncts = []string{
	"<<=", ">>=",
	"->", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
	"==", "!=", "<=", ">=", "<<", ">>", "&&", "||", "..",
	"+", "-", "*", "/", "%", "&", "|", "^", "!", "~", "<", ">", "=",
	"(", ")", "[", "]", "{", "}", ",", ";", ":", "?", ".",
}

// tokenDef is the lexer.Definition given to participle. Parse never asks it
// to lex: the scanner produces the tokens and ParseFromLexer consumes them.
type tokenDef struct{}

func (tokenDef) Symbols() map[string]lexer.TokenType { return tokenNames() }

func (tokenDef) Lex(string, io.Reader) (lexer.Lexer, error) {
	return nil, errors.New("lang: use Parse, the grammar has no stand-alone lexer")
}

// sliceLexer replays scanned tokens to participle.
type sliceLexer struct {
	toks []lexer.Token
	i    int
}

func (l *sliceLexer) Next() (lexer.Token, error) {
	if l.i >= len(l.toks) {
		return l.toks[len(l.toks)-1], nil
	}
	t := l.toks[l.i]
	l.i++
	return t, nil
}
