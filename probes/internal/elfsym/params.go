package elfsym

// This file reads function parameters from DWARF, for "gtrace -lv".

import (
	"debug/dwarf"
	"debug/elf"
	"errors"
	"fmt"
)

// ErrNoDWARF says that a file and its separate debug file have no DWARF.
var ErrNoDWARF = errors.New("no DWARF")

// Params returns the parameters of the function fn of the ELF file at path
// as C declarations ("int argc", "char** argv"), read from its DWARF or
// that of its separate debug file. A function without parameters, or not
// described in DWARF, has none; a file without DWARF is ErrNoDWARF.
func Params(path, fn string) ([]string, error) {
	ps, err := FuncParams(path, fn)
	if errors.Is(err, ErrNoFunc) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = CName(p.Type) + " " + p.Name
	}
	return out, nil
}

// CName spells a DWARF type as bpftrace does: "int*", "struct Foo*",
// "const char*".
func CName(t dwarf.Type) string {
	switch t := t.(type) {
	case *dwarf.PtrType:
		if _, ok := t.Type.(*dwarf.VoidType); ok || t.Type == nil {
			return "void*"
		}
		return CName(t.Type) + "*"
	case *dwarf.QualType:
		return t.Qual + " " + CName(t.Type)
	case *dwarf.StructType:
		return t.Kind + " " + t.StructName
	case *dwarf.EnumType:
		return "enum " + t.EnumName
	case *dwarf.ArrayType:
		return fmt.Sprintf("%s[%d]", CName(t.Type), t.Count)
	case *dwarf.TypedefType:
		return t.Name
	case *dwarf.VoidType:
		return "void"
	}
	if n := t.Common().Name; n != "" {
		return n
	}
	return t.String()
}

// openDWARF returns the DWARF of path, or of its separate debug file.
func openDWARF(path string) (*dwarf.Data, error) {
	ef, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer ef.Close()
	if ef.Section(".debug_info") != nil {
		return ef.DWARF()
	}
	for _, cand := range debugCandidates(ef, path) {
		df, err := elf.Open(cand)
		if err != nil {
			continue
		}
		d, err := df.DWARF()
		df.Close()
		if err == nil {
			return d, nil
		}
	}
	return nil, fmt.Errorf("%s: %w", path, ErrNoDWARF)
}

// Param is a formal parameter of a function, from DWARF.
type Param struct {
	Name string
	Type dwarf.Type
	// Result marks a Go function's result (DW_AT_variable_parameter);
	// unnamed results are called "~r0", "~r1", ...
	Result bool
}

// FuncParams returns the parameters of the function fn of the ELF file at
// path from its DWARF (or its separate debug file's), in order. A file
// without DWARF is ErrNoDWARF; a function DWARF does not describe is
// ErrNoFunc.
func FuncParams(path, fn string) ([]Param, error) {
	d, err := openDWARF(path)
	if err != nil {
		return nil, err
	}
	r := d.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			return nil, fmt.Errorf("%s: %w", fn, ErrNoFunc)
		}
		if e.Tag != dwarf.TagSubprogram {
			if e.Tag != dwarf.TagCompileUnit && e.Children {
				r.SkipChildren()
			}
			continue
		}
		name, _ := e.Val(dwarf.AttrName).(string)
		if name != fn || e.Val(dwarf.AttrDeclaration) != nil {
			if e.Children {
				r.SkipChildren()
			}
			continue
		}
		if !e.Children {
			return nil, nil
		}
		return formals(d, r)
	}
}

// ErrNoFunc says that DWARF does not describe a function.
var ErrNoFunc = errors.New("not described in DWARF")

func formals(d *dwarf.Data, r *dwarf.Reader) ([]Param, error) {
	var out []Param
	for {
		e, err := r.Next()
		if err != nil {
			return nil, err
		}
		if e == nil || e.Tag == 0 {
			return out, nil
		}
		if e.Children {
			r.SkipChildren()
		}
		if e.Tag != dwarf.TagFormalParameter {
			continue
		}
		name, _ := e.Val(dwarf.AttrName).(string)
		off, ok := e.Val(dwarf.AttrType).(dwarf.Offset)
		if !ok {
			continue
		}
		t, err := d.Type(off)
		if err != nil {
			return nil, err
		}
		res, _ := e.Val(dwarf.AttrVarParam).(bool)
		out = append(out, Param{Name: name, Type: t, Result: res})
	}
}
