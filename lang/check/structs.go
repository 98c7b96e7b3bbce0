package check

// This file implements written types, C struct layout and member access.

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/probekind"
	"github.com/gtrace/gtrace/lang/types"
)

// intTypes are gtrace's own integer type names; C's are types.CInt's.
var intTypes = map[string]*types.Type{
	"int8": types.Int8, "int16": types.Int16, "int32": types.Int32, "int64": types.Int64,
	"uint8": types.Uint8, "uint16": types.Uint16, "uint32": types.Uint32, "uint64": types.Uint64,
}

// intType returns the integer type called name, in gtrace or C.
func intType(name string) *types.Type {
	if t := intTypes[name]; t != nil {
		return t
	}
	t, _ := types.CInt(name)
	return t
}

func typeExprString(t *lang.TypeExpr) string {
	s := t.Name
	if t.Ptr > 0 {
		s += " " + strings.Repeat("*", t.Ptr)
	}
	if t.Array > 0 {
		s += fmt.Sprintf("[%d]", t.Array)
	}
	return s
}

// typeExpr resolves a written type.
func (ch *checker) typeExpr(te *lang.TypeExpr) *types.Type {
	t := ch.baseType(te)
	if t == nil {
		return nil
	}
	for i := 0; i < te.Ptr; i++ {
		t = types.NewPointer(t, false)
	}
	dims := te.Dims
	if len(dims) == 0 && te.Array > 0 {
		dims = []int{te.Array}
	}
	if len(dims) > 0 && t.Kind == types.None {
		ch.errorf(te, "array of void")
		return nil
	}
	for i := len(dims) - 1; i >= 0; i-- {
		if dims[i] == lang.AutoDim {
			ch.errorHint(te, []string{"only a cast can leave the size out: (int8[])x"}, "an array type needs a size")
			return nil
		}
		t = newArray(t, dims[i])
	}
	if t.Kind == types.None && te.Ptr == 0 {
		ch.errorf(te, "void is not a value type")
		return nil
	}
	return ch.record(te, t)
}

func newArray(elem *types.Type, n int) *types.Type {
	return &types.Type{Kind: types.Array, Elem: elem, Len: n, Size: elem.Size * n}
}

func (ch *checker) baseType(te *lang.TypeExpr) *types.Type {
	name := te.Name
	switch {
	case name == "void":
		return types.Void
	case te.Struct != nil:
		return ch.inlineStruct(te.Struct)
	case te.Enum != nil || strings.HasPrefix(name, "enum "):
		if te.Enum != nil {
			ch.declareEnum(te.Enum)
		}
		if en := ch.enumTags[strings.TrimPrefix(name, "enum ")]; en != nil && te.Ptr == 0 {
			return types.WithEnum(types.Uint32, en)
		}
		return types.Uint32
	}
	if t := intType(name); t != nil {
		return t
	}
	for _, prefix := range []string{"struct ", "union "} {
		if n, ok := strings.CutPrefix(name, prefix); ok {
			return ch.lookupStruct(te, n, te.Ptr > 0)
		}
	}
	if t := ch.structs[name]; t != nil {
		return t
	}
	names := types.CIntNames()
	for n := range intTypes {
		names = append(names, n)
	}
	sort.Strings(names)
	ch.errorHint(te, ch.suggest(name, names), "unknown type %s", name)
	return nil
}

// lookupStruct finds a struct declared in the script, then in the kernel.
func (ch *checker) lookupStruct(at lang.Node, name string, viaPointer bool) *types.Type {
	if t := ch.structs[name]; t != nil {
		return t
	}
	if t, ok := ch.kstructs[name]; ok {
		return t
	}
	r := ch.conf.resolver()
	if r == nil {
		ch.errorf(at, "unknown struct %s", name)
		return nil
	}
	t, err := r.Struct(name)
	if err != nil || t == nil {
		if ch.final {
			msg := fmt.Sprintf("unknown struct %s", name)
			if err != nil {
				msg = fmt.Sprintf("unknown struct %s: %v", name, err)
			}
			ch.errorAt(at.Span(), nil, msg)
		}
		return nil
	}
	ch.kstructs[name] = t
	return t
}

// declareStructs lays out the script's struct declarations with C rules
// and records its enumerators as constants. Every struct is created first
// so that pointers may refer to any of them.
func (ch *checker) declareStructs() {
	for _, e := range ch.file.Enums {
		ch.declareEnum(e)
	}
	for _, d := range ch.file.Structs {
		if ch.structs[d.Name] != nil {
			ch.errorf(d, "struct %s is declared twice", d.Name)
			continue
		}
		ch.structs[d.Name] = &types.Type{Kind: types.Struct, Name: d.Name, Union: d.Union}
	}
	done := map[string]bool{}
	for _, d := range ch.file.Structs {
		ch.layoutStruct(d, ch.structs[d.Name], done)
		done[d.Name] = true
	}
	ch.structsDone = done
}

func (ch *checker) declareEnum(e *lang.EnumDecl) {
	if e.Name != "" && ch.enumTags[e.Name] != nil {
		return
	}
	en := &types.Enum{Name: e.Name}
	for _, v := range e.Values {
		if old, ok := ch.enums[v.Name]; ok && old != v.Value {
			ch.errorf(v, "enumerator %s is declared twice", v.Name)
			continue
		}
		ch.enums[v.Name] = v.Value
		ch.enumOf[v.Name] = en
		en.Names = append(en.Names, v.Name)
		en.Values = append(en.Values, v.Value)
	}
	if e.Name != "" {
		ch.enumTags[e.Name] = en
	}
}

// inlineStruct lays out a struct declared inside a member's type.
func (ch *checker) inlineStruct(d *lang.StructDecl) *types.Type {
	if t := ch.structs[d.Name]; t != nil && d.Name != "struct" && d.Name != "union" {
		return t
	}
	t := &types.Type{Kind: types.Struct, Name: d.Name, Union: d.Union}
	ch.layoutStruct(d, t, ch.structsDone)
	return t
}

// layoutStruct computes field offsets and the size of t. Bit-fields are
// packed into storage units of their declared type, as GCC does on x86_64.
func (ch *checker) layoutStruct(d *lang.StructDecl, t *types.Type, done map[string]bool) {
	bit, align := 0, 1 // bit offset of the next member
	for _, f := range d.Fields {
		if t.FieldByName(f.Name) != nil && f.Name != "" {
			ch.errorf(f, "field %s is declared twice in struct %s", f.Name, d.Name)
			continue
		}
		ft := ch.typeExpr(f.Type)
		if ft == nil {
			continue
		}
		if ft.Kind == types.Struct && f.Type.Ptr == 0 && ch.structs[ft.Name] == ft && !done[ft.Name] {
			ch.errorf(f, "field %s has incomplete type struct %s", f.Name, ft.Name)
			continue
		}
		a := ft.Align()
		if d.Packed {
			a = 1
		}
		align = max(align, a)
		if d.Union {
			t.Fields = append(t.Fields, &types.Field{Name: f.Name, Type: ft, BitSize: f.Bits})
			bit = max(bit, ft.Size*8)
			continue
		}
		if f.Bits > 0 {
			unit := ft.Size * 8
			if f.Bits > unit {
				ch.errorf(f, "bit-field %s is wider than its type %s", f.Name, ft)
				continue
			}
			if bit/unit != (bit+f.Bits-1)/unit {
				bit = (bit + unit - 1) / unit * unit
			}
			start := bit / unit * unit
			t.Fields = append(t.Fields, &types.Field{Name: f.Name, Offset: start / 8, Type: ft, BitOff: bit - start, BitSize: f.Bits})
			bit += f.Bits
			continue
		}
		off := ((bit+7)/8 + a - 1) / a * a
		t.Fields = append(t.Fields, &types.Field{Name: f.Name, Offset: off, Type: ft})
		bit = (off + ft.Size) * 8
	}
	size := (bit + 7) / 8
	align = max(align, d.Align)
	t.Size = (size + align - 1) / align * align
}

// fieldValueType is the type of reading a member of type t: a char array
// reads as a string, as in bpftrace.
func fieldValueType(t *types.Type) *types.Type {
	if t != nil && t.Kind == types.Array && t.Elem.IsInt() && t.Elem.Size == 1 && t.Elem.Signed {
		return types.NewString(t.Len)
	}
	return t
}

// field checks "x.name" and "x->name".
func (ch *checker) field(e *lang.Field) *types.Type {
	if id, ok := e.X.(*lang.Ident); ok && id.Name == "args" {
		return ch.argsField(e, id)
	}
	x := ch.expr(e.X)
	if x == nil {
		return nil
	}
	st := x
	switch {
	case x.IsRecord() && !e.Arrow:
		return ch.recordField(e, x)
	case isStructPtr(x):
		// bpftrace 0.20+ reads "p.f" through a pointer as "p->f".
		st = x.Elem
	case e.Arrow:
		ch.errorf(e, "can not access field '%s' with -> on a value of type %s", e.Name, x)
		return nil
	case x.Kind != types.Struct:
		ch.errorf(e, "can not access field '%s' on a value of type %s", e.Name, x)
		return nil
	}
	if len(st.Fields) == 0 && st.Name != "" {
		// A pointer member of a BTF struct may point to a stub that names
		// the struct without its fields; look it up in full.
		if full := ch.lookupStruct(e, st.Name, true); full != nil {
			st = full
		}
	}
	return ch.member(e, st, e.Name)
}

// recordField checks "$r.name" on a record (bpftrace 0.26).
func (ch *checker) recordField(e *lang.Field, r *types.Type) *types.Type {
	i := r.FieldIndex(e.Name)
	if i < 0 {
		hints := ch.suggest(e.Name, r.Names)
		if hints == nil {
			hints = []string{"fields: " + strings.Join(r.Names, ", ")}
		}
		ch.errorHint(e, hints, "record %s has no field named %s", r, e.Name)
		return nil
	}
	return r.Elems[i]
}

func (ch *checker) member(at lang.Node, st *types.Type, name string) *types.Type {
	f := st.FieldByName(name)
	if f == nil {
		ch.errorHint(at, ch.fieldHints(name, st), "%s has no field named %s", st, name)
		return nil
	}
	if f.Type == nil {
		ch.errorf(at, "field %s of %s has a type gtrace does not support", name, st)
		return nil
	}
	return fieldValueType(f.Type)
}

func isStructPtr(t *types.Type) bool {
	return t.Kind == types.Pointer && t.Elem != nil && t.Elem.Kind == types.Struct
}

// fieldHints suggests the closest field of st, or lists its fields when
// none is close (leaving out tracepoint common_ fields).
func (ch *checker) fieldHints(name string, st *types.Type) []string {
	names := fieldNames(st)
	if h := ch.suggest(name, names); h != nil {
		return h
	}
	var shown []string
	for _, n := range names {
		if !strings.HasPrefix(n, "common_") {
			shown = append(shown, n)
		}
	}
	if len(shown) == 0 {
		return nil
	}
	if len(shown) > 12 {
		shown = append(shown[:12], "...")
	}
	return []string{"fields: " + strings.Join(shown, ", ")}
}

func fieldNames(st *types.Type) []string {
	names := make([]string, len(st.Fields))
	for i, f := range st.Fields {
		names[i] = f.Name
	}
	return names
}

// argsField checks args->f: the field must exist in the args of every
// target of the probe; its type is taken from the first.
func (ch *checker) argsField(e *lang.Field, id *lang.Ident) *types.Type {
	args := ch.argsType(id)
	if args == nil {
		return nil
	}
	ch.record(id, args[0])
	var t *types.Type
	for i, a := range args {
		f := a.FieldByName(e.Name)
		if f == nil {
			target := ch.targets[ch.probeIdx][i].Name
			ch.errorHint(e, ch.fieldHints(e.Name, a), "%s has no args field named %s", target, e.Name)
			return nil
		}
		if f.Type == nil {
			ch.errorf(e, "args field %s of %s has a type gtrace does not support", e.Name, ch.targets[ch.probeIdx][i].Name)
			return nil
		}
		if t == nil {
			t = fieldValueType(f.Type)
		}
	}
	return t
}

// argsType returns the args struct of every target of the current probe,
// asking the resolver once per target.
func (ch *checker) argsType(id *lang.Ident) []*types.Type {
	if !ch.allowedBuiltin(id, probekind.Args, onlyWith("the args builtin", probekind.Args)) {
		return nil
	}
	r := ch.conf.resolver()
	targets := ch.targets[ch.probeIdx]
	if r == nil {
		ch.errorf(id, "args is not available without a probe resolver")
		return nil
	}
	out := make([]*types.Type, 0, len(targets))
	for _, t := range targets {
		if t.Args == nil {
			a, err := r.Args(t.Name)
			if err != nil {
				ch.errorf(id, "args of %s: %v", t.Name, err)
				return nil
			}
			t.Args = a
		}
		if t.Args == nil {
			ch.errorf(id, "%s has no args", t.Name)
			return nil
		}
		out = append(out, t.Args)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
