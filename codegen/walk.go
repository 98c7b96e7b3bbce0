package codegen

import (
	"sort"

	"github.com/gtrace/gtrace/lang"
)

// walk calls f for every node below n (n included), depth first.
func walk(n lang.Node, f func(lang.Node)) {
	if n == nil {
		return
	}
	f(n)
	for _, c := range children(n) {
		if c != nil {
			walk(c, f)
		}
	}
}

// children returns the direct children of n; nil entries are allowed.
func children(n lang.Node) []lang.Node {
	switch n := n.(type) {
	case *lang.Probe:
		out := []lang.Node{}
		if n.Pred != nil {
			out = append(out, n.Pred)
		}
		return append(out, n.Body)
	case *lang.Block:
		out := make([]lang.Node, len(n.Stmts))
		for i, s := range n.Stmts {
			out[i] = s
		}
		return out
	case *lang.ExprStmt:
		return []lang.Node{n.X}
	case *lang.AssignStmt:
		return []lang.Node{n.Target, n.Value}
	case *lang.VarDecl:
		if n.Value != nil {
			return []lang.Node{n.Var, n.Value}
		}
		return []lang.Node{n.Var}
	case *lang.IfStmt:
		out := []lang.Node{n.Cond, n.Then}
		if n.Else != nil {
			out = append(out, n.Else)
		}
		return out
	case *lang.UnrollStmt:
		return []lang.Node{n.Count, n.Body}
	case *lang.WhileStmt:
		return []lang.Node{n.Cond, n.Body}
	case *lang.ForStmt:
		out := []lang.Node{n.Var}
		if n.Map != nil {
			out = append(out, n.Map)
		}
		if n.Lo != nil {
			out = append(out, n.Lo, n.Hi)
		}
		return append(out, n.Body)
	case *lang.MapExpr:
		return exprNodes(n.Keys)
	case *lang.Call:
		return exprNodes(n.Args)
	case *lang.Binary:
		return []lang.Node{n.X, n.Y}
	case *lang.Unary:
		return []lang.Node{n.X}
	case *lang.IncDec:
		return []lang.Node{n.X}
	case *lang.Ternary:
		return []lang.Node{n.Cond, n.Then, n.Else}
	case *lang.Field:
		return []lang.Node{n.X}
	case *lang.TupleIndex:
		return []lang.Node{n.X}
	case *lang.Index:
		return []lang.Node{n.X, n.Index}
	case *lang.Cast:
		return []lang.Node{n.X}
	case *lang.Tuple:
		return exprNodes(n.Elems)
	}
	return nil
}

func exprNodes(es []lang.Expr) []lang.Node {
	out := make([]lang.Node, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// uses records which target-dependent builtins a probe body uses.
type uses struct {
	args            bool // args: the context layout matters
	argN            bool // arg0..argN: usdt argument locations matter
	probe           bool // the probe builtin
	targetDependent bool // func and friends: one program per target
}

func scanUses(p *lang.Probe) uses {
	var u uses
	walk(p, func(n lang.Node) {
		id, ok := n.(*lang.Ident)
		if !ok {
			return
		}
		switch id.Name {
		case "args":
			u.args = true
		case "probe":
			u.probe = true
		default:
			if _, ok := argN(id.Name); ok {
				u.argN = true
			}
		}
	})
	return u
}

func sortStrings(s []string) { sort.Strings(s) }
