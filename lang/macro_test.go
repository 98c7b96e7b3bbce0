package lang

import (
	"strings"
	"testing"
)

// body parses src and returns the statements of its first probe.
func body(t *testing.T, src string) []Stmt {
	t.Helper()
	f, err := Parse("<cmdline>", src)
	if err != nil {
		t.Fatalf("Parse: %s", FormatError(err))
	}
	return f.Probes[0].Body.Stmts
}

// assigned returns the value of statement i, an assignment.
func assigned(t *testing.T, stmts []Stmt, i int) Expr {
	t.Helper()
	a, ok := stmts[i].(*AssignStmt)
	if !ok {
		t.Fatalf("statement %d is %T, want an assignment", i, stmts[i])
	}
	return a.Value
}

func TestMacroValueAndHygiene(t *testing.T) {
	t.Parallel()
	stmts := body(t, `macro inc(x) { $y = x + 1; $y } BEGIN { $y = 2; $z = inc(5); }`)
	b, ok := assigned(t, stmts, 1).(*BlockExpr)
	if !ok || len(b.Stmts) != 1 {
		t.Fatalf("inc(5) became %T, want a block expression with one statement", assigned(t, stmts, 1))
	}
	inner := b.Stmts[0].(*AssignStmt).Target.(*Var).Name
	if inner == "$y" || WrittenName(inner) != "$y" || !Renamed(inner) {
		t.Errorf("the macro's $y is %q, want a fresh name written $y", inner)
	}
	if v := b.Value.(*Var).Name; v != inner {
		t.Errorf("the value reads %q, want the macro's own %q", v, inner)
	}
}

func TestMacroParams(t *testing.T) {
	t.Parallel()
	stmts := body(t, `macro f($v, @m, e) { @m[e] = $v + e; } BEGIN { $a = 1; f($a, @x, $a * 2); }`)
	blk := stmts[1].(*Block)
	a := blk.Stmts[0].(*AssignStmt)
	m := a.Target.(*MapExpr)
	if m.Name != "@x" {
		t.Errorf("@m became %s, want @x", m.Name)
	}
	if _, ok := m.Keys[0].(*Binary); !ok {
		t.Errorf("the key is %T, want the argument $a * 2", m.Keys[0])
	}
	sum := a.Value.(*Binary)
	if v := sum.X.(*Var).Name; v != "$a" {
		t.Errorf("$v became %s, want the caller's $a", v)
	}
	if sum.Y == m.Keys[0] {
		t.Error("both uses of e share one node; each use needs its own copy")
	}
}

func TestMacroLookup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      string // the dump of the first statement's value contains it
	}{
		{"bare name of a macro without parameters", `macro one() { 1 } BEGIN { $a = one; }`, "int 1"},
		{"definition order does not matter", `macro a(x) { b(x) } macro b(x) { x + 7 } BEGIN { $a = a(1); }`, "int 7"},
		{"parameter before macro", `macro add() { 2 } macro id(add) { add } BEGIN { $a = id(5); }`, "int 5"},
		{"user macro before stdlib", `macro ppid() { 42 } BEGIN { $a = ppid; }`, "int 42"},
		{"other arity leaves the builtin", `macro cpu(x) { x } BEGIN { $a = cpu(); }`, "ident cpu"},
		{"__builtin_ is never a macro", `macro cpu() { 9 } BEGIN { $a = __builtin_cpu; }`, "ident cpu"},
		{"stdlib not poisoned by user macros", `macro ppid(t) { 0 } BEGIN { $a = ppid(); }`, "field ->real_parent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := Parse("<cmdline>", tt.src)
			if err != nil {
				t.Fatalf("Parse: %s", FormatError(err))
			}
			d := Dump(&File{Name: "x", Probes: f.Probes})
			if !strings.Contains(d, tt.want) {
				t.Errorf("expansion lacks %q:\n%s", tt.want, d)
			}
		})
	}
}

func TestMacroErrorNotes(t *testing.T) {
	t.Parallel()
	src := "macro inner($x) { $x += 1; }\nmacro outer($y) { inner($y); }\nBEGIN { $a = 1; outer($a); }"
	f, err := Parse("<cmdline>", src)
	if err != nil {
		t.Fatalf("Parse: %s", FormatError(err))
	}
	blk := f.Probes[0].Body.Stmts[1].(*Block)
	assign := blk.Stmts[0].(*Block).Stmts[0]
	got := f.ErrorAt(assign, "something is wrong").Format()
	want := `<cmdline>:1:19: something is wrong
macro inner($x) { $x += 1; }
                  ^~~~~~~
<cmdline>:2:19: expanded from macro inner
macro outer($y) { inner($y); }
                  ^~~~~~~~~
<cmdline>:3:17: expanded from macro outer
BEGIN { $a = 1; outer($a); }
                ^~~~~~~~~
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if h := f.MacroHint("inner", 2); h != "macro inner takes 1 argument(s), not 2" {
		t.Errorf("MacroHint = %q", h)
	}
}

func TestStdlibParses(t *testing.T) {
	t.Parallel()
	if f := stdlib(); len(f.Macros) == 0 {
		t.Fatal("the stdlib defines no macro")
	}
}
