package check

// This file implements the checks of individual builtin functions.

import (
	"fmt"
	"strings"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/fmtspec"
	"github.com/gtrace/gtrace/lang/types"
)

// strLitArg returns argument i of c when it is a constant string: a
// literal or str($N).
func (ch *checker) strLitArg(c *lang.Call, i int, what string) (string, bool) {
	ch.literalExpr(c.Args[i])
	s, ok := ch.info.Strings[c.Args[i]]
	if !ok {
		ch.errorf(c.Args[i], "%s() expects a string literal as its %s", c.Name, what)
		return "", false
	}
	return s, true
}

// literalExpr checks an argument that is used at compile time (a format,
// a symbol or path name): a string literal there may exceed StrLen.
func (ch *checker) literalExpr(e lang.Expr) *types.Type {
	ch.literalArg = true
	defer func() { ch.literalArg = false }()
	return ch.expr(e)
}

// printfCall checks printf, cat and system: a literal format and arguments
// that match its conversions.
func (ch *checker) printfCall(c *lang.Call) *types.Type {
	format, ok := ch.strLitArg(c, 0, "format")
	args := make([]*types.Type, len(c.Args)-1)
	for i, a := range c.Args[1:] {
		args[i] = ch.valueExpr(a)
	}
	if !ok {
		return types.Void
	}
	convs := parseFormat(format)
	if len(convs) != len(args) {
		if len(convs) > len(args) {
			ch.errorf(c, "%s: not enough arguments for format string (%d supplied, %d expected)", c.Name, len(args), len(convs))
		} else {
			ch.errorf(c, "%s: too many arguments for format string (%d supplied, %d expected)", c.Name, len(args), len(convs))
		}
		return types.Void
	}
	for i, cv := range convs {
		if args[i] != nil {
			ch.checkConv(c, c.Args[i+1], cv, args[i])
		}
	}
	return types.Void
}

// debugfVerbs are the conversions bpf_trace_printk formats.
var debugfVerbs = map[string]bool{"d": true, "i": true, "u": true, "x": true, "X": true, "c": true, "s": true, "p": true}

// debugfCall checks debugf(fmt, args...) (bpftrace 0.21+): a printf that the
// kernel formats with bpf_trace_printk into the tracing buffer (read from
// tracefs' trace_pipe), so at most 3 arguments and the kernel's
// conversions.
func (ch *checker) debugfCall(c *lang.Call) *types.Type {
	t := ch.printfCall(c)
	format, ok := ch.info.Strings[c.Args[0]]
	if !ok {
		return t
	}
	for _, sp := range fmtspec.Conversions(format) {
		if !debugfVerbs[sp.Verb] {
			ch.errorHint(c.Args[0], []string{"bpf_trace_printk formats %d %i %u %x %X %c %s %p"}, "debugf: the kernel cannot format %s", sp.Text)
			return t
		}
	}
	return t
}

func (ch *checker) checkConv(c *lang.Call, a lang.Expr, cv conv, t *types.Type) {
	var want string
	switch cv.class() {
	case convInt:
		if isNumeric(t) {
			return
		}
		want = "integer"
	case convStr:
		if isStringish(t) || t.IsInt() && t.Enum != nil {
			return
		}
		want = "string"
	case convBuf:
		if t.Kind == types.Buffer {
			return
		}
		want = "buffer"
	}
	ch.errorf(a, "%s: %%%s specifier expects a value of type %s (%s supplied)", c.Name, cv.verb, want, t)
}

// isStringish reports whether %s can print a value of type t.
func isStringish(t *types.Type) bool {
	switch t.Kind {
	case types.String, types.KStack, types.UStack, types.Ksym, types.Usym, types.Inet,
		types.MacAddr, types.Timestamp, types.Username, types.Probe, types.Cgroup,
		types.Errno, types.SigName, types.SysName, types.Buffer:
		return true
	}
	return false
}

// printCall checks print(@m[, top[, div]]) and print(value).
func (ch *checker) printCall(c *lang.Call) *types.Type {
	if m, ok := c.Args[0].(*lang.MapExpr); ok && len(m.Keys) == 0 {
		st := ch.mapRef(m, false)
		ch.recordMapNode(m, st)
		for _, a := range c.Args[1:] {
			ch.expr(a)
			if _, ok := ch.constOf(a); !ok {
				ch.errorf(a, "print() top and div arguments must be constant integers")
			}
		}
		return types.Void
	}
	if len(c.Args) > 1 {
		ch.args(c)
		ch.errorf(c, "print() of a value takes 1 argument, got %d", len(c.Args))
		return types.Void
	}
	ch.valueExpr(c.Args[0])
	return types.Void
}

func (ch *checker) timeCall(c *lang.Call) *types.Type {
	if len(c.Args) == 1 {
		ch.strLitArg(c, 0, "format")
	}
	return types.Void
}

func (ch *checker) joinCall(c *lang.Call) *types.Type {
	ch.argOf(c, 0, c.Args[0], argInt)
	if len(c.Args) == 2 {
		ch.strLitArg(c, 1, "delimiter")
	}
	return types.Void
}

func (ch *checker) strftimeCall(c *lang.Call) *types.Type {
	_, ok := ch.strLitArg(c, 0, "format")
	if !ch.argOf(c, 1, c.Args[1], argInt) || !ok {
		return nil
	}
	return timeType
}

// strCall checks str(x[, n]). A positional parameter is read as text
// here, and str($N + k) drops its first k bytes.
func (ch *checker) strCall(c *lang.Call) *types.Type {
	ok := true
	if v, isParam := ch.paramString(c.Args[0]); isParam {
		ch.info.Strings[c] = v
	} else if t := ch.expr(c.Args[0]); t != nil {
		if t.Kind != types.String && !isNumeric(t) && t.Kind != types.Array && !types.IsGoString(t) {
			ch.errorf(c.Args[0], "str() expects a string, an integer or a pointer, not %s", t)
			ok = false
		}
	} else {
		ok = false
	}
	if len(c.Args) == 2 {
		ok = ch.argOf(c, 1, c.Args[1], argInt) && ok
	}
	if !ok {
		return nil
	}
	return types.NewString(ch.conf.strLen())
}

// paramString returns the text of $N or $N + k inside str(), recording
// the types of the parts.
func (ch *checker) paramString(e lang.Expr) (string, bool) {
	switch e := e.(type) {
	case *lang.Positional:
		if e.Count {
			return "", false
		}
		v, _ := ch.param(e.N)
		ch.record(e, types.NewString(ch.conf.strLen()))
		return v, true
	case *lang.Binary:
		p, isPos := e.X.(*lang.Positional)
		if e.Op != "+" || !isPos || p.Count {
			return "", false
		}
		if _, isInt := paramInt(ch.paramOrEmpty(p.N)); isInt {
			return "", false
		}
		ch.expr(e.Y)
		k, isConst := ch.constOf(e.Y)
		if !isConst || k < 0 {
			return "", false
		}
		v, _ := ch.paramString(p)
		ch.record(e, types.NewString(ch.conf.strLen()))
		return v[min(int(k), len(v)):], true
	}
	return "", false
}

func (ch *checker) paramOrEmpty(n int) string {
	v, _ := ch.param(n)
	return v
}

// bufCall checks buf(p, n) and buf(array). The data size is n when
// constant (at most the string size), else the string size; the type's
// Size counts the leading length byte too, so that it lays out in tuples
// and records like any value.
func (ch *checker) bufCall(c *lang.Call) *types.Type {
	t := ch.expr(c.Args[0])
	if t == nil {
		return nil
	}
	if len(c.Args) == 1 {
		if t.Kind != types.Array {
			ch.errorf(c, "buf() takes a length unless its argument is an array")
			return nil
		}
		return &types.Type{Kind: types.Buffer, Size: t.Size + 1}
	}
	if !isNumeric(t) && t.Kind != types.Array && t.Kind != types.String {
		ch.errorf(c.Args[0], "buf() expects a pointer or an array, not %s", t)
		return nil
	}
	if !ch.argOf(c, 1, c.Args[1], argInt) {
		return nil
	}
	n := int64(ch.conf.strLen())
	if v, ok := ch.constOf(c.Args[1]); ok {
		if v < 0 {
			ch.errorf(c.Args[1], "buf() length must not be negative")
			return nil
		}
		n = min(v, n)
	}
	return &types.Type{Kind: types.Buffer, Size: int(n) + 1}
}

func (ch *checker) strncmpCall(c *lang.Call) *types.Type {
	ok := ch.stringArgs(c, 2)
	if !ch.argOf(c, 2, c.Args[2], argInt) {
		return nil
	}
	if v, isConst := ch.constOf(c.Args[2]); !isConst || v < 0 {
		ch.errorf(c.Args[2], "strncmp() length must be a non-negative constant integer")
		return nil
	}
	if !ok {
		return nil
	}
	return types.Uint64
}

func (ch *checker) strcontainsCall(c *lang.Call) *types.Type {
	if !ch.stringArgs(c, 2) {
		return nil
	}
	return types.Bool
}

// strlenCall checks strlen(s) (bpftrace 0.26): the length of a string,
// up to its first NUL.
func (ch *checker) strlenCall(c *lang.Call) *types.Type {
	if !ch.stringArgs(c, 1) {
		return nil
	}
	return types.Uint64
}

// stringArgs checks that the first n arguments of c are strings.
func (ch *checker) stringArgs(c *lang.Call, n int) bool {
	ok := true
	for i := 0; i < n; i++ {
		t := ch.expr(c.Args[i])
		if t == nil {
			ok = false
			continue
		}
		if t.Kind != types.String {
			ch.errorf(c.Args[i], "%s() expects strings, argument %d is %s", c.Name, i+1, t)
			ok = false
		}
	}
	return ok
}

func (ch *checker) pathCall(c *lang.Call) *types.Type {
	if !ch.argOf(c, 0, c.Args[0], argInt) {
		return nil
	}
	return types.NewString(ch.conf.strLen())
}

// x86Regs are the register names reg() accepts (struct pt_regs on x86_64).
var x86Regs = []string{
	"r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9", "r8", "ax", "cx", "dx",
	"si", "di", "orig_ax", "ip", "cs", "flags", "sp", "ss",
}

func (ch *checker) regCall(c *lang.Call) *types.Type {
	name, ok := ch.strLitArg(c, 0, "register name")
	if !ok {
		return nil
	}
	if !contains(x86Regs, name) {
		ch.errorHint(c.Args[0], ch.suggest(name, x86Regs), "reg(): %q is not a register name", name)
		return nil
	}
	return types.Uint64
}

// ptrCall checks uptr() and kptr(): the value is unchanged, only the
// address space of a pointer is set.
func (ch *checker) ptrCall(c *lang.Call) *types.Type {
	t := ch.expr(c.Args[0])
	if t == nil {
		return nil
	}
	switch {
	case t.Kind == types.Pointer:
		return types.NewPointer(t.Elem, c.Name == "uptr")
	case t.IsInt():
		return t
	}
	ch.errorf(c.Args[0], "%s() expects a pointer or an integer, not %s", c.Name, t)
	return nil
}

// ntopCall checks ntop(addr) and ntop(af, addr). The address is an integer
// (IPv4) or an array of 4 or 16 bytes.
func (ch *checker) ntopCall(c *lang.Call) *types.Type {
	addr := c.Args[len(c.Args)-1]
	if len(c.Args) == 2 && !ch.argOf(c, 0, c.Args[0], argInt) {
		ch.expr(addr)
		return nil
	}
	t := ch.expr(addr)
	if t == nil {
		return nil
	}
	if isNumeric(t) || (t.Kind == types.Array && (t.Size == 4 || t.Size == 16)) || t.Kind == types.String {
		return inetType
	}
	ch.errorf(addr, "ntop() expects an integer or an array of 4 or 16 bytes, not %s", t)
	return nil
}

func (ch *checker) ptonCall(c *lang.Call) *types.Type {
	s, ok := ch.strLitArg(c, 0, "address")
	if !ok {
		return nil
	}
	b, ok := ch.ptonBytes(c, s)
	if !ok {
		return nil
	}
	return newArray(types.Uint8, len(b))
}

func (ch *checker) bswapCall(c *lang.Call) *types.Type {
	t := ch.expr(c.Args[0])
	if t == nil {
		return nil
	}
	if !t.IsInt() {
		ch.errorf(c.Args[0], "bswap() expects an integer, not %s", t)
		return nil
	}
	return t
}

// sizeofCall checks sizeof(type) and sizeof(expr); the result is a constant.
func (ch *checker) sizeofCall(c *lang.Call) *types.Type {
	var t *types.Type
	if te, ok := c.Args[0].(*lang.TypeExpr); ok {
		t = ch.typeExpr(te)
	} else if id, ok := c.Args[0].(*lang.Ident); ok && ch.structs[id.Name] != nil {
		t = ch.structs[id.Name]
	} else if id, ok := c.Args[0].(*lang.Ident); ok && intType(id.Name) != nil {
		t = intType(id.Name) // a C integer type name: sizeof(uint64_t)
	} else {
		t = ch.expr(c.Args[0])
	}
	if t == nil {
		return nil
	}
	ch.constant(c, int64(t.Size))
	return types.Uint64
}

// offsetofCall checks offsetof(struct s, field[.field...]).
func (ch *checker) offsetofCall(c *lang.Call) *types.Type {
	var st *types.Type
	switch a := c.Args[0].(type) {
	case *lang.TypeExpr:
		st = ch.typeExpr(a)
	case *lang.Ident:
		st = ch.structs[a.Name]
		if st == nil {
			st = ch.lookupStruct(a, a.Name, false)
		}
	default:
		st = ch.expr(a)
	}
	if st == nil {
		return nil
	}
	if st.Kind != types.Struct {
		ch.errorf(c.Args[0], "offsetof() expects a struct, not %s", st)
		return nil
	}
	name := fieldPath(c.Args[1])
	if name == "" {
		ch.errorf(c.Args[1], "offsetof() expects a field name")
		return nil
	}
	off := 0
	for _, part := range strings.Split(name, ".") {
		if st == nil || st.Kind != types.Struct {
			ch.errorf(c.Args[1], "offsetof(): %s is not a struct member path", name)
			return nil
		}
		f := st.FieldByName(part)
		if f == nil {
			ch.errorHint(c.Args[1], ch.suggest(part, fieldNames(st)), "%s has no field named %s", st, part)
			return nil
		}
		off += f.Offset
		st = f.Type
	}
	ch.constant(c, int64(off))
	return types.Uint64
}

// fieldPath renders an identifier or a.b.c chain as written.
func fieldPath(e lang.Expr) string {
	switch e := e.(type) {
	case *lang.Ident:
		return e.Name
	case *lang.Field:
		if p := fieldPath(e.X); p != "" && !e.Arrow {
			return p + "." + e.Name
		}
	case *lang.TypeExpr:
		if e.Ptr == 0 && e.Array == 0 && !strings.Contains(e.Name, " ") {
			return e.Name
		}
	}
	return ""
}

// stackModes are the modes of kstack() and ustack().
var stackModes = []string{"bpftrace", "perf", "raw"}

// stackCall checks kstack([mode][, limit]) and ustack(...).
func (ch *checker) stackCall(c *lang.Call) *types.Type {
	mode, limit := "bpftrace", DefaultStackLimit
	args := c.Args
	if len(args) > 0 {
		if id, ok := args[0].(*lang.Ident); ok {
			if !contains(stackModes, id.Name) {
				ch.errorHint(id, ch.suggest(id.Name, stackModes), "%s(): unknown stack mode %s", c.Name, id.Name)
				return nil
			}
			mode, args = id.Name, args[1:]
		}
	}
	if len(args) > 1 {
		ch.errorf(c, "%s() takes a mode and a limit, got %d arguments", c.Name, len(c.Args))
		return nil
	}
	if len(args) == 1 {
		ch.expr(args[0])
		v, ok := ch.constOf(args[0])
		if !ok || v < 0 || v > 1024 {
			ch.errorf(args[0], "%s() limit must be a constant integer between 0 and 1024", c.Name)
			return nil
		}
		limit = int(v)
	}
	return NewStack(c.Name == "ustack", mode, limit)
}

// deleteCall checks delete(@m[k]), delete(@m, k) and delete(@m): a bool,
// true when there was an entry to delete (bpftrace 0.24+).
func (ch *checker) deleteCall(c *lang.Call) *types.Type {
	m, ok := c.Args[0].(*lang.MapExpr)
	if !ok {
		ch.args(c)
		ch.errorf(c.Args[0], "delete() expects a map")
		return types.Bool
	}
	if len(c.Args) == 2 {
		if len(m.Keys) > 0 {
			ch.args(c)
			ch.errorf(c, "delete() takes @map[key] or @map, key, not both")
			return types.Bool
		}
		keyed := &lang.MapExpr{Name: m.Name, Keys: []lang.Expr{c.Args[1]}}
		keyed.At = m.Span()
		st := ch.mapRef(keyed, true)
		ch.recordMapNode(m, st)
		return types.Bool
	}
	st := ch.mapRef(m, true)
	ch.recordMapNode(m, st)
	return types.Bool
}

// wholeMapCall checks clear(@m) and zero(@m).
func (ch *checker) wholeMapCall(c *lang.Call) *types.Type {
	m, ok := c.Args[0].(*lang.MapExpr)
	if !ok || len(m.Keys) > 0 {
		ch.args(c)
		ch.errorf(c.Args[0], "%s() expects a map without keys", c.Name)
		return types.Void
	}
	ch.recordMapNode(m, ch.mapRef(m, false))
	return types.Void
}

func (ch *checker) lenCall(c *lang.Call) *types.Type {
	m, ok := c.Args[0].(*lang.MapExpr)
	if !ok || len(m.Keys) > 0 {
		ch.args(c)
		ch.errorf(c.Args[0], "len() expects a map without keys")
		return nil
	}
	if ch.keylessMap(c, m) {
		return nil
	}
	ch.recordMapNode(m, ch.mapRef(m, false))
	return types.Uint64
}

// keylessMap reports, with an error, that c's map m has no keys: len()
// and has_key() need a map with keys (bpftrace 0.26 refuses the others).
func (ch *checker) keylessMap(c *lang.Call, m *lang.MapExpr) bool {
	st := ch.maps[m.Name]
	if st == nil || !st.written || st.keyArity != 0 {
		return false
	}
	ch.args(c)
	ch.errorHint(m, []string{fmt.Sprintf("%s is used without keys at %s", m.Name, st.keyAt.Start)},
		"%s() expects a map with keys, and %s has none", c.Name, m.Name)
	return true
}

func (ch *checker) hasKeyCall(c *lang.Call) *types.Type {
	m, ok := c.Args[0].(*lang.MapExpr)
	if !ok || len(m.Keys) > 0 {
		ch.args(c)
		ch.errorf(c.Args[0], "has_key() expects a map without keys as its first argument")
		return nil
	}
	if ch.keylessMap(c, m) {
		return nil
	}
	keyed := &lang.MapExpr{Name: m.Name, Keys: []lang.Expr{c.Args[1]}}
	keyed.At = m.Span()
	st := ch.mapRef(keyed, true)
	ch.recordMapNode(m, st)
	return types.Bool
}

func (ch *checker) signalCall(c *lang.Call) *types.Type {
	if s, ok := c.Args[0].(*lang.StrLit); ok {
		ch.expr(s)
		if !ch.signalNumber(c, s) {
			return nil
		}
		return types.Void
	}
	if !ch.argOf(c, 0, c.Args[0], argInt) {
		return nil
	}
	if v, ok := ch.constOf(c.Args[0]); ok && (v < 1 || v > 64) {
		ch.errorf(c.Args[0], "signal(): %d is not a valid signal number", v)
		return nil
	}
	return types.Void
}
