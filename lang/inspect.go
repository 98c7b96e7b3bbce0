package lang

// This file walks the AST.

// Inspect traverses the tree below n (n included) depth first, in source
// order: it calls f(node) and, when f returns true, inspects the node's
// children. As go/ast.Inspect, for passes over probe bodies.
func Inspect(n Node, f func(Node) bool) {
	if n == nil || !f(n) {
		return
	}
	for _, c := range children(n) {
		if c != nil {
			Inspect(c, f)
		}
	}
}

// children returns the direct children of n; nil entries are allowed.
func children(n Node) []Node {
	switch n := n.(type) {
	case *Probe:
		out := []Node{}
		if n.Pred != nil {
			out = append(out, n.Pred)
		}
		return append(out, n.Body)
	case *Block:
		out := make([]Node, len(n.Stmts))
		for i, s := range n.Stmts {
			out[i] = s
		}
		return out
	case *ExprStmt:
		return []Node{n.X}
	case *AssignStmt:
		return []Node{n.Target, n.Value}
	case *VarDecl:
		out := []Node{n.Var}
		if n.TypeOf != nil {
			out = append(out, n.TypeOf)
		}
		if n.Value != nil {
			out = append(out, n.Value)
		}
		return out
	case *IfStmt:
		out := []Node{n.Cond, n.Then}
		if n.Else != nil {
			out = append(out, n.Else)
		}
		return out
	case *UnrollStmt:
		return []Node{n.Count, n.Body}
	case *WhileStmt:
		return []Node{n.Cond, n.Body}
	case *JumpStmt:
		if n.Value != nil {
			return []Node{n.Value}
		}
	case *ForStmt:
		out := []Node{n.Var}
		if n.Map != nil {
			out = append(out, n.Map)
		}
		if n.Lo != nil {
			out = append(out, n.Lo, n.Hi)
		}
		return append(out, n.Body)
	case *MapExpr:
		return exprNodes(n.Keys)
	case *Call:
		return exprNodes(n.Args)
	case *Binary:
		return []Node{n.X, n.Y}
	case *Unary:
		return []Node{n.X}
	case *IncDec:
		return []Node{n.X}
	case *Ternary:
		return []Node{n.Cond, n.Then, n.Else}
	case *Field:
		return []Node{n.X}
	case *TupleIndex:
		return []Node{n.X}
	case *Index:
		return []Node{n.X, n.Index}
	case *Cast:
		return []Node{n.X}
	case *Tuple:
		return exprNodes(n.Elems)
	case *BlockExpr:
		out := make([]Node, 0, len(n.Stmts)+1)
		for _, s := range n.Stmts {
			out = append(out, s)
		}
		if n.Value != nil {
			out = append(out, n.Value)
		}
		return out
	}
	return nil
}

func exprNodes(es []Expr) []Node {
	out := make([]Node, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}
