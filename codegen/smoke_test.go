package codegen

import (
	"testing"

	"github.com/gtrace/gtrace/internal/bpftest"
	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/check"
)

func TestSmokeHandAST(t *testing.T) {
	bpftest.RequireBPF(t)
	cnt := &lang.Call{Name: "count"}
	h := &lang.Call{Name: "hist", Args: []lang.Expr{&lang.IntLit{Value: 5}}}
	pf := &lang.Call{Name: "printf", Args: []lang.Expr{&lang.StrLit{Value: "%d %s\n"}, &lang.Binary{Op: "+", X: &lang.IntLit{Value: 40}, Y: &lang.IntLit{Value: 2}}, &lang.Ident{Name: "comm"}}}
	body := &lang.Block{Stmts: []lang.Stmt{
		&lang.AssignStmt{Target: &lang.MapExpr{Name: "@x"}, Op: "=", Value: cnt},
		&lang.AssignStmt{Target: &lang.MapExpr{Name: "@h", Keys: []lang.Expr{&lang.Ident{Name: "comm"}}}, Op: "=", Value: h},
		&lang.ExprStmt{X: pf},
		&lang.ExprStmt{X: &lang.Call{Name: "exit"}},
	}}
	f := &lang.File{Name: "t", Probes: []*lang.Probe{{Attach: []*lang.AttachPoint{{Provider: "BEGIN", Raw: "BEGIN"}}, Body: body}}}
	info, err := (&check.Config{}).Check(f)
	if err != nil {
		t.Fatal(err)
	}
	prog, err := Compile(f, info, nil)
	if err != nil {
		t.Fatal(err)
	}
	l := load(t, prog)
	l.runProvider(t, "BEGIN")
	t.Log(l.records(t), l.maps(t))
}
