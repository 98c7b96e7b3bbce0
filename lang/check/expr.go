package check

// This file implements the typechecking of expressions.

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/types"
)

// expr checks e and returns its type, or nil after an error (callers stay
// quiet about nil operands so that one mistake gives one message).
func (ch *checker) expr(e lang.Expr) *types.Type {
	var t *types.Type
	switch e := e.(type) {
	case *lang.IntLit:
		ch.constant(e, int64(e.Value))
		t = types.Int64
		if e.Value > math.MaxInt64 {
			// Past int64, a literal is a uint64 (bpftrace 0.26 prints
			// 10223372036854775807 as itself, 0.17 as a negative number).
			t = types.Uint64
		}
	case *lang.BoolLit:
		ch.constant(e, boolInt(e.Value))
		t = types.Bool
	case *lang.StrLit:
		ch.info.Strings[e] = e.Value
		t = types.NewString(len(e.Value) + 1)
		if n := ch.conf.strLen(); t.Size > n && !ch.literalArg {
			ch.errorf(e, "string is too long (over %d bytes): %q", n, e.Value)
			return nil
		}
	case *lang.Ident:
		t = ch.ident(e)
	case *lang.Var:
		t = ch.varUse(e)
	case *lang.Positional:
		t = ch.positional(e)
	case *lang.MapExpr:
		return ch.mapRead(e)
	case *lang.Call:
		return ch.call(e)
	case *lang.Binary:
		t = ch.binary(e)
	case *lang.Unary:
		t = ch.unary(e)
	case *lang.IncDec:
		t = ch.incDec(e)
	case *lang.Ternary:
		t = ch.ternary(e)
	case *lang.Field:
		t = ch.field(e)
	case *lang.TupleIndex:
		t = ch.tupleIndex(e)
	case *lang.Index:
		t = ch.index(e)
	case *lang.Cast:
		t = ch.cast(e)
	case *lang.Tuple:
		t = ch.tuple(e)
	case *lang.BlockExpr:
		t = ch.blockExpr(e)
	case *lang.TypeExpr:
		ch.errorf(e, "a type (%s) cannot be used as a value", typeExprString(e))
	case nil:
		return nil
	default:
		ch.errorf(e, "unsupported expression")
	}
	return ch.record(e, t)
}

// blockExpr checks "{ stmts; value }": the statements, then the value,
// whose type is the block's. A block without a value has none.
func (ch *checker) blockExpr(e *lang.BlockExpr) *types.Type {
	for _, s := range e.Stmts {
		ch.stmt(s)
	}
	if e.Value == nil {
		return types.Void
	}
	t := ch.expr(e.Value)
	if v, ok := ch.constOf(e.Value); ok && len(e.Stmts) == 0 {
		ch.constant(e, v)
	}
	if s, ok := ch.info.Strings[e.Value]; ok && len(e.Stmts) == 0 {
		ch.info.Strings[e] = s
	}
	return t
}

// varUse checks a read of a scratch variable.
func (ch *checker) varUse(v *lang.Var) *types.Type {
	if !ch.assigned[v.Name] {
		var names []string
		for n := range ch.assigned {
			names = append(names, n)
		}
		hints := ch.suggest(v.Name, names)
		if lang.Renamed(v.Name) {
			hints = []string{"a macro sees only the variables passed to it as $parameters"}
		}
		ch.errorHint(v, hints, "undefined variable %s", lang.WrittenName(v.Name))
		return nil
	}
	return ch.record(v, ch.vars[ch.probeIdx][ch.slot(v)])
}

// slot returns the name under which variable use v is stored: its own,
// or the slot of the loop variable in scope with that name.
func (ch *checker) slot(v *lang.Var) string {
	s, ok := ch.scoped[v.Name]
	if !ok || s == v.Name {
		return v.Name
	}
	ch.slots[ch.probeIdx][v] = s
	return s
}

// positional checks $N and $#. A numeric parameter is an integer constant;
// a missing one reads as 0, as in bpftrace. Text parameters are only
// allowed inside str(), which handles them itself.
func (ch *checker) positional(p *lang.Positional) *types.Type {
	if p.Count {
		ch.constant(p, int64(len(ch.conf.params())))
		return types.Int64
	}
	s, ok := ch.param(p.N)
	if !ok {
		ch.constant(p, 0)
		return types.Int64
	}
	v, isInt := paramInt(s)
	if !isInt {
		return ch.positionalString(p, s)
	}
	ch.constant(p, v)
	return types.Int64
}

// positionalString types a text parameter: a string literal, as in
// bpftrace 0.26 (0.17 refused it outside str()).
func (ch *checker) positionalString(p *lang.Positional, s string) *types.Type {
	ch.info.Strings[p] = s
	t := types.NewString(len(s) + 1)
	if n := ch.conf.strLen(); t.Size > n {
		ch.errorHint(p, []string{fmt.Sprintf("use str($%d) to truncate it", p.N)},
			"positional parameter $%d is too long for a string (over %d bytes)", p.N, n)
		return nil
	}
	return t
}

// arithType is the result of integer arithmetic in bpftrace 0.17: 64 bits,
// unsigned when either operand is unsigned (a bool counts as signed).
func arithType(a, b *types.Type) *types.Type {
	if !a.Signed && !a.IsBool() || !b.Signed && !b.IsBool() {
		return types.Uint64
	}
	return types.Int64
}

var comparisons = map[string]bool{"==": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true}

func (ch *checker) binary(b *lang.Binary) *types.Type {
	x, y := ch.expr(b.X), ch.expr(b.Y)
	if x == nil || y == nil {
		return nil
	}
	var t *types.Type
	switch {
	case b.Op == "&&" || b.Op == "||":
		t = ch.logical(b, x, y)
	case comparisons[b.Op]:
		t = ch.compare(b, x, y)
	default:
		t = ch.arith(b, x, y)
	}
	if t != nil && t.IsInt() {
		ch.foldBinary(b, t)
		ch.signWarnings(b, x, y)
	}
	return t
}

// boolInt is a boolean's integer value.
func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// signWarnings reports bpftrace's warnings about mixing signs: arithmetic
// (+ - * / %) and comparisons between a signed and an unsigned operand,
// unless one of them is a literal, and / or % with two signed operands.
// They point at the operator, as bpftrace's do.
func (ch *checker) signWarnings(b *lang.Binary, x, y *types.Type) {
	if !x.IsInt() || !y.IsInt() {
		return
	}
	arith := b.Op == "+" || b.Op == "-" || b.Op == "*" || b.Op == "/" || b.Op == "%"
	switch {
	case (b.Op == "/" || b.Op == "%") && x.Signed && y.Signed:
		ch.warnNode(b, ch.opSpan(b), fmt.Sprintf("signed operands for '%s' can lead to undefined behavior (cast to unsigned to silence warning)", b.Op))
	case x.Signed == y.Signed || isLiteral(b.X) || isLiteral(b.Y):
	case arith:
		ch.warnNode(b, ch.opSpan(b), fmt.Sprintf("arithmetic on integers of different signs: '%s' and '%s' can lead to undefined behavior", x, y))
	case comparisons[b.Op]:
		ch.warnNode(b, ch.opSpan(b), fmt.Sprintf("comparison of integers of different signs: '%s' and '%s' can lead to undefined behavior", x, y))
	}
}

// isLiteral reports whether e is a non-negative integer literal, which
// bpftrace does not warn about mixing with unsigned values.
func isLiteral(e lang.Expr) bool {
	_, ok := e.(*lang.IntLit)
	return ok
}

// opSpan finds the operator of b in the source, between its operands.
func (ch *checker) opSpan(b *lang.Binary) lang.Span {
	exp := ch.file.Expansions
	if exp[b] != exp[b.X] || exp[b] != exp[b.Y] {
		// An operand is a macro argument: it sits elsewhere in the source.
		return b.Span()
	}
	src := ch.file.SourceOf(b).Src
	from, to := b.X.Span().End.Offset, b.Y.Span().Start.Offset
	if from < 0 || to > len(src) || from > to {
		return b.Span()
	}
	i := strings.Index(src[from:to], b.Op)
	if i < 0 {
		return b.Span()
	}
	start := posAt(src, from+i)
	end := posAt(src, from+i+len(b.Op))
	return lang.Span{Start: start, End: end}
}

// posAt returns the position of byte offset off in src.
func posAt(src string, off int) lang.Pos {
	line := 1 + strings.Count(src[:off], "\n")
	col := off - strings.LastIndexByte(src[:off], '\n')
	return lang.Pos{Offset: off, Line: line, Col: col}
}

func (ch *checker) logical(b *lang.Binary, x, y *types.Type) *types.Type {
	for _, p := range []struct {
		e lang.Expr
		t *types.Type
	}{{b.X, x}, {b.Y, y}} {
		if !isCondType(p.t) {
			ch.errorf(p.e, "the %s operator needs integer operands, not %s", b.Op, p.t)
			return nil
		}
	}
	return types.Bool64
}

// compare checks a comparison. Its result is a bool, printed true or false
// as bpftrace 0.24+ prints it, of 8 bytes as in bpftrace 0.17: 0.17's
// runtime cases check that sizeof(1 == 1) is 8.
func (ch *checker) compare(b *lang.Binary, x, y *types.Type) *types.Type {
	switch {
	case isNumeric(x) && isNumeric(y):
		return types.Bool64
	case x.Kind == types.String && y.Kind == types.String:
		if b.Op != "==" && b.Op != "!=" {
			ch.errorf(b, "strings can only be compared with == and !=, not %s", b.Op)
			return nil
		}
		return types.Bool64
	case (b.Op == "==" || b.Op == "!=") && x.Kind == types.Buffer && y.Kind == types.Buffer:
		return types.Bool64
	case (b.Op == "==" || b.Op == "!=") && x.Kind == types.Array && types.Equal(x, y):
		return types.Bool64
	case x.Kind == types.Tuple && y.Kind == types.Tuple:
		return ch.compareTuples(b, x, y)
	case (b.Op == "==" || b.Op == "!=") && x.Kind == y.Kind && sameIDKind[x.Kind]:
		// "__builtin_username == username()": two ids printed by name.
		return types.Int64
	}
	ch.errorf(b, "type mismatch for '%s': comparing %s with %s", b.Op, x, y)
	return nil
}

// compareTuples checks "a == b" and "a != b" on tuples (bpftrace 0.26):
// the tuples must have as many elements, each pair comparable with ==.
func (ch *checker) compareTuples(b *lang.Binary, x, y *types.Type) *types.Type {
	if b.Op != "==" && b.Op != "!=" {
		ch.errorf(b, "tuples can only be compared with == and !=, not %s", b.Op)
		return nil
	}
	if !tuplesComparable(x, y) {
		ch.errorHint(b, []string{"tuples compare element by element: they need as many elements, of comparable types"},
			"type mismatch for '%s': comparing %s with %s", b.Op, x, y)
		return nil
	}
	return types.Bool64
}

// tuplesComparable reports whether == can compare tuples x and y.
func tuplesComparable(x, y *types.Type) bool {
	if len(x.Elems) != len(y.Elems) || !slices.Equal(x.Names, y.Names) {
		// Records compare only with records of the same fields, in the
		// same order.
		return false
	}
	for i, a := range x.Elems {
		b := y.Elems[i]
		switch {
		case a.IsInt() && b.IsInt(), a.Kind == types.String && b.Kind == types.String:
		case a.Kind == types.Tuple && b.Kind == types.Tuple:
			if !tuplesComparable(a, b) {
				return false
			}
		case !types.Equal(a, b):
			return false
		}
	}
	return true
}

// isNumeric reports whether t takes part in integer arithmetic.
// sameIDKind are the kinds held as an integer id but printed by name
// (a uid as its user name, a probe as its attach point): two values of
// one such kind compare with == and != as their ids.
var sameIDKind = map[types.Kind]bool{types.Username: true, types.Probe: true, types.Errno: true, types.SigName: true, types.SysName: true, types.Ksym: true}

func isNumeric(t *types.Type) bool { return t.IsInt() || t.Kind == types.Pointer }

// numType is the integer type standing for t in arithmetic.
func numType(t *types.Type) *types.Type {
	if t.Kind == types.Pointer {
		return types.Uint64
	}
	return t
}

func (ch *checker) arith(b *lang.Binary, x, y *types.Type) *types.Type {
	if !isNumeric(x) || !isNumeric(y) {
		ch.errorf(b, "type mismatch for '%s': %s and %s", b.Op, x, y)
		return nil
	}
	if x.Kind == types.Pointer || y.Kind == types.Pointer {
		return ch.pointerArith(b, x, y)
	}
	return arithType(x, y)
}

// pointerArith allows ptr+int, int+ptr, ptr-int and ptr-ptr.
func (ch *checker) pointerArith(b *lang.Binary, x, y *types.Type) *types.Type {
	switch {
	case x.Kind == types.Pointer && y.IsInt() && (b.Op == "+" || b.Op == "-"):
		return x
	case x.IsInt() && y.Kind == types.Pointer && b.Op == "+":
		return y
	case x.Kind == types.Pointer && y.Kind == types.Pointer && b.Op == "-":
		return types.Int64
	}
	return arithType(numType(x), numType(y))
}

// foldBinary records b's value when both operands are constants.
func (ch *checker) foldBinary(b *lang.Binary, t *types.Type) {
	x, ok1 := ch.constOf(b.X)
	y, ok2 := ch.constOf(b.Y)
	if !ok1 || !ok2 {
		return
	}
	if v, ok := foldOp(b.Op, x, y, !t.Signed); ok {
		ch.constant(b, v)
	}
}

func foldOp(op string, x, y int64, unsigned bool) (int64, bool) {
	ux, uy := uint64(x), uint64(y)
	b2i := func(b bool) int64 {
		if b {
			return 1
		}
		return 0
	}
	switch op {
	case "+":
		return x + y, true
	case "-":
		return x - y, true
	case "*":
		return x * y, true
	case "/", "%":
		// As codegen does: C's truncating division when the result is
		// signed (bpftrace 0.17 divides unsigned: -5 / 2 is 2^63-3).
		return foldDiv(op, x, y, unsigned)
	case "<<":
		return int64(ux << (uy & 63)), true
	case ">>":
		// As codegen does: arithmetic when the result is signed.
		if !unsigned {
			return x >> (uy & 63), true
		}
		return int64(ux >> (uy & 63)), true
	case "&":
		return x & y, true
	case "|":
		return x | y, true
	case "^":
		return x ^ y, true
	case "&&":
		return b2i(x != 0 && y != 0), true
	case "||":
		return b2i(x != 0 || y != 0), true
	case "==":
		return b2i(x == y), true
	case "!=":
		return b2i(x != y), true
	}
	if unsigned {
		return b2i(map[string]bool{"<": ux < uy, "<=": ux <= uy, ">": ux > uy, ">=": ux >= uy}[op]), true
	}
	return b2i(map[string]bool{"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]), true
}

func foldDiv(op string, x, y int64, unsigned bool) (int64, bool) {
	if y == 0 || (!unsigned && x == math.MinInt64 && y == -1) {
		return 0, false
	}
	if unsigned {
		if op == "/" {
			return int64(uint64(x) / uint64(y)), true
		}
		return int64(uint64(x) % uint64(y)), true
	}
	if op == "/" {
		return x / y, true
	}
	return x % y, true
}

func (ch *checker) unary(u *lang.Unary) *types.Type {
	x := ch.expr(u.X)
	if x == nil {
		return nil
	}
	switch u.Op {
	case "-", "~":
		if !x.IsInt() {
			ch.errorf(u, "the %s operator needs an integer, not %s", u.Op, x)
			return nil
		}
		if _, lit := u.X.(*lang.IntLit); lit && u.Op == "~" {
			// ~ of a literal is a uint64, as bpftrace 0.26 types
			// literals: @x = ~10 is 18446744073709551605 (0.17: -11).
			x = types.Uint64
		}
		// bpftrace negates and complements in the operand's own width:
		// -(uint8)1 is 255.
		if v, ok := ch.constOf(u.X); ok {
			if u.Op == "-" {
				ch.constant(u, truncate(-v, x))
			} else {
				ch.constant(u, truncate(^v, x))
			}
		}
		if x.Enum != nil {
			return types.NewInt(x.Size, x.Signed)
		}
		return x
	case "!":
		if !isCondType(x) {
			ch.errorf(u, "the ! operator needs an integer, not %s", x)
			return nil
		}
		if v, ok := ch.constOf(u.X); ok {
			ch.constant(u, boolInt(v == 0))
		}
		// A bool, as in bpftrace 0.24+: print((!0, !1)) is (true, false).
		return types.Bool
	case "*":
		return ch.deref(u, x)
	case "&":
		return ch.addrOf(u, x)
	}
	ch.errorf(u, "the %s operator is not supported", u.Op)
	return nil
}

// addrOf checks "&$v" (bpftrace 0.26): the address of a scratch variable,
// a pointer into the probe's stack that *, casts and printing accept.
func (ch *checker) addrOf(u *lang.Unary, x *types.Type) *types.Type {
	if _, ok := u.X.(*lang.Var); !ok {
		ch.errorHint(u, []string{"only a scratch variable has an address: assign the value to $v, then take &$v"},
			"cannot take the address of this expression")
		return nil
	}
	return types.NewPointer(x, false)
}

func (ch *checker) deref(u *lang.Unary, x *types.Type) *types.Type {
	switch {
	case x.Kind == types.Pointer:
		if x.Elem == nil || x.Elem.Kind == types.None {
			ch.errorf(u, "cannot dereference a void pointer")
			return nil
		}
		return fieldValueType(x.Elem)
	case x.IsInt():
		return types.Uint64
	}
	ch.errorf(u, "cannot dereference a value of type %s", x)
	return nil
}

// incDec checks x++ and friends on variables and maps.
func (ch *checker) incDec(e *lang.IncDec) *types.Type {
	switch x := e.X.(type) {
	case *lang.Var:
		t := ch.varUse(x)
		if t != nil && !isNumeric(t) {
			ch.errorf(e, "the %s operator can not be used on expressions of type %s", e.Op, t)
			return nil
		}
		return t
	case *lang.MapExpr:
		st := ch.mapState(x)
		st.written = true
		ch.mapKeys(x, st)
		if st.value != nil && !isNumeric(st.value) {
			ch.errorf(e, "the %s operator can not be used on expressions of type %s", e.Op, st.value)
			return nil
		}
		if st.value != nil && st.value.Kind == types.Pointer {
			return ch.record(x, st.value)
		}
		ch.setMapValue(x, st, types.Int64)
		return types.Int64
	}
	ch.expr(e.X)
	ch.errorf(e, "the %s operator can only be used on maps and variables", e.Op)
	return nil
}

func (ch *checker) ternary(e *lang.Ternary) *types.Type {
	ch.cond(e.Cond, "the ternary")
	a, b := ch.expr(e.Then), ch.expr(e.Else)
	if a == nil || b == nil {
		return nil
	}
	var t *types.Type
	switch {
	case a.IsBool() && b.IsBool():
		t = types.Bool
	case a.IsInt() && b.IsInt():
		t = arithType(a, b)
	case a.Kind == types.None && b.Kind == types.None:
		t = types.Void
	default:
		u, ok := unify(a, b)
		if !ok {
			ch.errorf(e, "ternary operator branches have different types: %s and %s", a, b)
			return nil
		}
		t = u
	}
	if c, ok := ch.constOf(e.Cond); ok {
		pick := e.Else
		if c != 0 {
			pick = e.Then
		}
		if v, ok := ch.constOf(pick); ok {
			ch.constant(e, v)
		}
	}
	return t
}

func (ch *checker) tuple(e *lang.Tuple) *types.Type {
	elems := make([]*types.Type, len(e.Elems))
	for i, x := range e.Elems {
		t := ch.valueExpr(x)
		if t == nil {
			return nil
		}
		elems[i] = t
	}
	if e.Names == nil {
		return types.NewTuple(elems...)
	}
	for i, n := range e.Names {
		if j := slices.Index(e.Names, n); j < i {
			ch.errorAt(e.NameAt[i], []string{fmt.Sprintf("the first is at %s", e.NameAt[j].Start)}, fmt.Sprintf("record field %s is given twice", n))
			return nil
		}
	}
	return types.NewRecord(e.Names, elems...)
}

func (ch *checker) tupleIndex(e *lang.TupleIndex) *types.Type {
	x := ch.expr(e.X)
	if x == nil {
		return nil
	}
	if x.Kind != types.Tuple {
		ch.errorf(e, "cannot index a value of type %s with .%d: not a tuple", x, e.Index)
		return nil
	}
	if e.Index < 0 || e.Index >= len(x.Elems) {
		ch.errorf(e, "tuple index %d is out of range for a tuple of %d elements", e.Index, len(x.Elems))
		return nil
	}
	return x.Elems[e.Index]
}

func (ch *checker) index(e *lang.Index) *types.Type {
	x, i := ch.expr(e.X), ch.expr(e.Index)
	if x == nil || i == nil {
		return nil
	}
	if !i.IsInt() {
		ch.errorf(e.Index, "an index must be an integer, not %s", i)
		return nil
	}
	switch x.Kind {
	case types.Tuple:
		return ch.tupleSubscript(e, x)
	case types.Array:
		if n, ok := ch.constOf(e.Index); ok && (n < 0 || n >= int64(x.Len)) {
			ch.errorf(e, "the index %d is out of bounds for array of size %d", n, x.Len)
			return nil
		}
		if x.Elem == nil {
			ch.errorf(e, "cannot index an array of unknown element type")
			return nil
		}
		return fieldValueType(x.Elem)
	case types.Pointer:
		if x.Elem == nil || x.Elem.Kind == types.None {
			ch.errorf(e, "cannot index a void pointer")
			return nil
		}
		return fieldValueType(x.Elem)
	case types.String:
		if n, ok := ch.constOf(e.Index); ok && (n < 0 || n >= int64(x.Size)) {
			ch.errorf(e, "the index %d is out of bounds for %s", n, x)
			return nil
		}
		return types.Int8
	}
	ch.errorf(e, "cannot index a value of type %s", x)
	return nil
}

// tupleSubscript checks "$t[i]" on a tuple (bpftrace 0.26): i must be a
// constant in range, and it reads element i as "$t.i" does.
func (ch *checker) tupleSubscript(e *lang.Index, x *types.Type) *types.Type {
	n, ok := ch.constOf(e.Index)
	if !ok {
		ch.errorHint(e.Index, []string{"the elements of a tuple have different types: write a number, as in $t[1] or $t.1"},
			"a tuple can only be indexed with a constant")
		return nil
	}
	if n < 0 || n >= int64(len(x.Elems)) {
		ch.errorHint(e.Index, []string{fmt.Sprintf("the indexes of %s are 0 to %d", x, len(x.Elems)-1)},
			"tuple index %d is out of range for a tuple of %d elements", n, len(x.Elems))
		return nil
	}
	return x.Elems[n]
}

func (ch *checker) cast(e *lang.Cast) *types.Type {
	if isAutoArray(e.Type) {
		return ch.autoArrayCast(e)
	}
	to := ch.typeExpr(e.Type)
	x := ch.expr(e.X)
	if to == nil || x == nil {
		return nil
	}
	if isBoolName(e.Type) {
		to = types.Bool
	} else if to.Kind == types.Array && isBoolArrayName(e.Type) {
		to = boolArray(to)
	}
	switch {
	case to.IsBool():
		return ch.boolCast(e, x)
	case to.IsInt() && isNumeric(x):
		if v, ok := ch.constOf(e.X); ok {
			ch.constant(e, truncate(v, to))
		}
		return to
	case to.Kind == types.Pointer && isNumeric(x):
		return to
	case to.Kind == types.Array && x.IsInt() && to.Size == x.Size:
		return newArray(intElem(to.Elem, e.Type.Name), to.Len)
	case to.Kind == types.Array && x.Kind == types.Array && to.Size == x.Size:
		return to
	}
	ch.errorf(e, "cannot cast %s to %s", x, to)
	return nil
}

func isAutoArray(te *lang.TypeExpr) bool {
	return len(te.Dims) == 1 && te.Dims[0] == lang.AutoDim
}

// autoArrayCast checks "(int8[])x" (bpftrace 0.24+): an integer or a
// string seen as an array of integers, as many as fit in it.
func (ch *checker) autoArrayCast(e *lang.Cast) *types.Type {
	elemExpr := *e.Type
	elemExpr.Dims, elemExpr.Array = nil, 0
	elem := ch.typeExpr(&elemExpr)
	x := ch.expr(e.X)
	if elem == nil || x == nil {
		return nil
	}
	if !elem.IsInt() || elem.IsBool() || elemExpr.Ptr > 0 {
		ch.errorf(e.Type, "only an array of integers can take its size from the value cast, not %s[]", elem)
		return nil
	}
	if !x.IsInt() && x.Kind != types.String && x.Kind != types.Array {
		ch.errorf(e, "cannot cast %s to %s[]", x, elem)
		return nil
	}
	if x.Size%elem.Size != 0 {
		ch.errorHint(e, []string{fmt.Sprintf("%s is %d bytes, not a multiple of %d", x, x.Size, elem.Size)}, "cannot cast %s to %s[]", x, elem)
		return nil
	}
	return ch.record(e.Type, newArray(intElem(elem, e.Type.Name), x.Size/elem.Size))
}

// intElem marks the int8 elements of an array cast, which print as numbers
// (a char array prints as a string, as bpftrace prints char fields).
func intElem(elem *types.Type, name string) *types.Type {
	if name != "int8" || elem != types.Int8 {
		return elem
	}
	e := *elem
	e.Name = "int8"
	return &e
}

// truncate converts v to the integer type t, as a C cast does.
func truncate(v int64, t *types.Type) int64 {
	bits := uint(t.Size * 8)
	if bits >= 64 {
		return v
	}
	mask := uint64(1)<<bits - 1
	u := uint64(v) & mask
	if t.Signed && u&(1<<(bits-1)) != 0 {
		return int64(u | ^mask)
	}
	return int64(u)
}

// boolCast checks "(bool)x": true for a non-zero integer, pointer or map
// value and for a non-empty string.
func (ch *checker) boolCast(e *lang.Cast, x *types.Type) *types.Type {
	if !isNumeric(x) && x.Kind != types.String {
		ch.errorf(e, "cannot cast %s to bool", x)
		return nil
	}
	if v, ok := ch.constOf(e.X); ok {
		ch.constant(e, boolInt(v != 0))
	}
	if s, ok := e.X.(*lang.StrLit); ok {
		ch.constant(e, boolInt(s.Value != ""))
	}
	return types.Bool
}

// isBoolArrayName reports whether te is "bool[N]": a cast to it gives an
// array of bools, printed as [true,false] (bpftrace 0.24+).
func isBoolArrayName(te *lang.TypeExpr) bool {
	return (te.Name == "bool" || te.Name == "_Bool") && te.Ptr == 0 && te.Array > 0
}

// boolArray is the array type t with bool elements at its innermost level.
func boolArray(t *types.Type) *types.Type {
	if t.Kind != types.Array {
		return types.Bool
	}
	return newArray(boolArray(t.Elem), t.Len)
}

// isBoolName reports whether te is the plain type bool (or _Bool): a cast
// to it gives a bool, where a C struct member of that type stays a
// one-byte integer, as bpftrace 0.17 prints it.
func isBoolName(te *lang.TypeExpr) bool {
	return (te.Name == "bool" || te.Name == "_Bool") && te.Ptr == 0 && len(te.Dims) == 0 && te.Array == 0
}
