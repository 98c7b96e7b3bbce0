// Package lang reads gtrace scripts: the bpftrace language. Parse turns
// source text into an immutable AST (every node with a Span) or a positioned
// ErrorList. Error formatting with source snippets, carets and hints, and the
// AST dump printed by "gtrace -d ast", live here too.
//
// The participle grammar is private to this package and lowered to the
// exported AST in ast.go.
package lang
