// Package lang reads gtrace scripts: the bpftrace language. Parse turns
// source text into an immutable AST (every node with a Span) or a positioned
// ErrorList. Error formatting with source snippets, carets and hints, and the
// AST dump printed by "gtrace -d ast", live here too.
//
// The participle grammar is private to this package and lowered to the
// exported AST in ast.go.
//
// # Pipeline
//
// A hand-written scanner (scan.go) produces participle tokens. It resolves
// the two context-sensitive spots of the language: attach points are raw
// text at the top level, and a "/" after the attach points opens a
// predicate that ends at a "/" followed only by blanks or comments and
// "{". It also runs a small preprocessor: "#!" on the first line is
// skipped, "#include" is recorded, "#define NAME value" is substituted
// token by token, and #if/#ifdef/#ifndef/#elif/#else/#endif select lines
// with BPFTRACE_HAVE_BTF defined. The grammar (grammar.go) parses the
// tokens with participle; lower.go builds the AST and gives binary
// operators their C precedence; expect.go turns a participle failure into
// "unexpected X, expected Y" at the offending token.
//
// # Grammar
//
//	file      = { struct | enum | config | probe } .
//	struct    = ("struct" | "union") ident "{" { cfield | ";" } "}" [";"] .
//	cfield    = ctype cdecl { "," cdecl } [";"] .
//	ctype     = {"const"|"volatile"} ( ("struct"|"union") [ident] ["{" {cfield|";"} "}"]
//	          | "enum" [ident] [enumbody] | cword {cword} | ident ) .
//	cdecl     = {"*"} ident { "[" int "]" } [":" int] .
//	enum      = "enum" [ident] "{" [ ident ["=" ["-"] int] { "," ... } [","] ] "}" [";"] .
//	config    = "config" "=" "{" { ident "=" (int|string|ident) | ";" } "}" [";"] .
//	probe     = attach { "," attach } [ "/" expr "/" ] block .
//	attach    = provider { ":" part } .          (one raw token, split at unquoted ':')
//	block     = "{" { stmt | ";" } "}" .
//	stmt      = "if" "(" expr ")" block [ "else" ( ifstmt | block ) ]
//	          | "unroll" "(" expr ")" block
//	          | "while" "(" expr ")" block
//	          | "for" "(" var ":" ( map | expr ".." expr ) ")" block
//	          | block
//	          | simple [";"] .              (";" needed unless "}" follows)
//	simple    = "let" var [":" type] ["=" expr]
//	          | "break" | "continue" | "return"
//	          | expr [ assignop expr ] .
//	assignop  = "=" | "+=" | "-=" | "*=" | "/=" | "%=" | "<<=" | ">>=" | "&=" | "|=" | "^=" .
//	expr      = binary [ "?" expr ":" expr ] .
//	binary    = unary { binop unary } .     (C precedence: || && | ^ & ==,!= <,<=,>,>= <<,>> +,- *,/,%)
//	unary     = ("-"|"!"|"~"|"*"|"&"|"++"|"--") unary
//	          | "(" type ")" unary
//	          | "(" ident ")" unary         (only when an operand, "(", "!" or "~" follows)
//	          | postfix .
//	type      = ("struct"|"union"|"enum") ident {"*"} | typeword {typeword} {"*"} | ident "*" {"*"} ; then { "[" int "]" } .
//	postfix   = primary { "." int | "." ident | "->" ident | "[" expr "]" | "++" | "--" } .
//	primary   = int | char | string | map | var | positional
//	          | ident "(" [ arg { "," arg } ] ")" | ident
//	          | "(" expr { "," expr } ")" .  (one element: parentheses; more: a tuple)
//	arg       = type | expr .               (a type only where it cannot be an expression)
//	map       = "@" [name] [ "[" expr { "," expr } "]" ] .
//
// Integer literals are decimal, 0x hex, 0b binary, 0o or leading-0 octal,
// with '_' separators, a decimal exponent (1e6) and C suffixes (u, l, ul,
// ll). A decimal integer with a unit suffix is a duration in nanoseconds
// (bpftrace 0.23+): 5ns, 10us, 100ms, 1s, 2m, 1h, 1d. No floating point
// exists, so "$t.1.0" is two tuple indexes. Strings and character literals
// take the escapes \n \t \r \a \b \f \v \\ \" \' \xHH and octal \NNN.
package lang
