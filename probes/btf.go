package probes

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/cilium/ebpf/btf"

	"github.com/gtrace/gtrace/lang/types"
)

// This file converts kernel BTF types to types.Type.

// maxBTFDepth bounds the nesting of by-value structs and arrays (which
// cannot be cyclic) as a guard against malformed BTF.
const maxBTFDepth = 64

// Struct returns the kernel struct or union called name ("task_struct",
// "struct task_struct", "union bpf_attr") from BTF. Results are cached. A
// missing type is a *NotFoundError.
func (r *Registry) Struct(name string) (*types.Type, error) {
	return r.k.structType(name)
}

func (k *kernel) structType(name string) (*types.Type, error) {
	name = strings.TrimSpace(name)
	k.mu.Lock()
	defer k.mu.Unlock()
	if t, ok := k.structs[name]; ok {
		return t, nil
	}
	spec, err := k.btfLocked()
	if err != nil {
		return nil, err
	}
	bt, err := lookupComposite(spec, name)
	var nf *NotFoundError
	if errors.As(err, &nf) {
		nf.Similar = similar(nf.Probe, k.compositeNamesLocked(spec))
	}
	if err != nil {
		return nil, err
	}
	t := convertBTF(bt, 0)
	if k.structs == nil {
		k.structs = map[string]*types.Type{}
	}
	k.structs[name] = t
	return t, nil
}

// btfLocked loads the BTF spec once.
func (k *kernel) btfLocked() (*btf.Spec, error) {
	if k.btf != nil || k.btfErr != nil {
		return k.btf, k.btfErr
	}
	if k.opts.BTFPath != "" {
		k.btf, k.btfErr = btf.LoadSpec(k.opts.BTFPath)
	} else {
		k.btf, k.btfErr = btf.LoadKernelSpec()
	}
	if k.btfErr != nil {
		k.btfErr = fmt.Errorf("load kernel BTF: %w", k.btfErr)
	}
	return k.btf, k.btfErr
}

// compositeNamesLocked returns "struct NAME" and "union NAME" for every
// named struct and union in the spec, computed once (for hints only).
func (k *kernel) compositeNamesLocked(spec *btf.Spec) []string {
	if k.btfNames != nil {
		return k.btfNames
	}
	seen := map[string]bool{}
	for t, err := range spec.All() {
		if err != nil {
			break
		}
		var n string
		switch v := t.(type) {
		case *btf.Struct:
			n = "struct " + v.Name
		case *btf.Union:
			n = "union " + v.Name
		}
		if n != "" && !strings.HasSuffix(n, " ") && !seen[n] {
			seen[n] = true
			k.btfNames = append(k.btfNames, n)
		}
	}
	sort.Strings(k.btfNames)
	return k.btfNames
}

// lookupComposite finds a struct or union with a body by name, with an
// optional "struct " or "union " prefix.
func lookupComposite(spec *btf.Spec, name string) (btf.Type, error) {
	wantUnion, wantStruct := false, false
	if s, ok := strings.CutPrefix(name, "struct "); ok {
		name, wantStruct = strings.TrimSpace(s), true
	} else if s, ok := strings.CutPrefix(name, "union "); ok {
		name, wantUnion = strings.TrimSpace(s), true
	}
	cands, err := spec.AnyTypesByName(name)
	if err != nil && !errors.Is(err, btf.ErrNotFound) {
		return nil, err
	}
	for _, c := range cands {
		switch c.(type) {
		case *btf.Struct:
			if !wantUnion {
				return c, nil
			}
		case *btf.Union:
			if !wantStruct {
				return c, nil
			}
		}
	}
	kw := "struct "
	if wantUnion {
		kw = "union "
	}
	return nil, &NotFoundError{Probe: kw + name}
}

// convertBTF converts a BTF type. Structs and unions reached by value are
// converted with their fields; behind a pointer they stay incomplete.
func convertBTF(t btf.Type, depth int) *types.Type {
	if depth > maxBTFDepth {
		return types.Void
	}
	switch v := btf.UnderlyingType(t).(type) {
	case *btf.Int:
		return intType(v)
	case *btf.Enum:
		return types.NewInt(int(v.Size), v.Signed)
	case *btf.Pointer:
		return types.NewPointer(pointee(v.Target, depth), false)
	case *btf.Array:
		elem := convertBTF(v.Type, depth+1)
		return &types.Type{Kind: types.Array, Elem: elem, Len: int(v.Nelems), Size: elem.Size * int(v.Nelems)}
	case *btf.Struct:
		return composite(v.Name, v.Size, v.Members, false, depth)
	case *btf.Union:
		return composite(v.Name, v.Size, v.Members, true, depth)
	case *btf.Fwd:
		return &types.Type{Kind: types.Struct, Name: v.Name, Union: v.Kind == btf.FwdUnion}
	case *btf.Float:
		return &types.Type{Kind: types.Array, Elem: types.Uint8, Len: int(v.Size), Size: int(v.Size)}
	}
	return types.Void
}

func intType(v *btf.Int) *types.Type {
	switch {
	// Kernels built with -funsigned-char describe char as unsigned; gtrace
	// keeps char as Int8 everywhere, so char arrays read as strings.
	case v.Size == 1 && (v.Encoding&btf.Char != 0 || v.Name == "char"):
		return types.Int8
	case v.Encoding&btf.Bool != 0:
		return types.NewInt(int(v.Size), false)
	}
	return types.NewInt(int(v.Size), v.Encoding&btf.Signed != 0)
}

// pointee converts the target of a pointer without following structs.
func pointee(t btf.Type, depth int) *types.Type {
	switch v := btf.UnderlyingType(t).(type) {
	case *btf.Struct:
		return &types.Type{Kind: types.Struct, Name: v.Name, Size: int(v.Size)}
	case *btf.Union:
		return &types.Type{Kind: types.Struct, Name: v.Name, Size: int(v.Size), Union: true}
	case *btf.FuncProto, *btf.Func:
		return types.Void
	}
	return convertBTF(t, depth+1)
}

// composite converts a struct or union with its members. The fields of
// anonymous struct and union members are lifted into the parent, as C
// lets them be named directly.
func composite(name string, size uint32, members []btf.Member, union bool, depth int) *types.Type {
	t := &types.Type{Kind: types.Struct, Name: name, Size: int(size), Union: union}
	for _, m := range members {
		ft := convertBTF(m.Type, depth+1)
		if m.Name == "" && ft.Kind == types.Struct {
			for _, f := range ft.Fields {
				lifted := *f
				lifted.Offset += int(m.Offset / 8)
				t.Fields = append(t.Fields, &lifted)
			}
			continue
		}
		t.Fields = append(t.Fields, member(m, ft))
	}
	return t
}

// member converts one member. A bitfield's Offset is the start of its
// storage unit, aligned to the size of its type, and BitOff counts from
// there.
func member(m btf.Member, ft *types.Type) *types.Field {
	bits := int(m.Offset)
	f := &types.Field{Name: m.Name, Offset: bits / 8, Type: ft}
	if m.BitfieldSize == 0 {
		return f
	}
	unit := max(ft.Size, 1)
	f.Offset = bits / (unit * 8) * unit
	f.BitOff = bits - f.Offset*8
	f.BitSize = int(m.BitfieldSize)
	if f.BitOff+f.BitSize > unit*8 { // straddles units: count from its first byte
		f.Offset, f.BitOff = bits/8, bits%8
	}
	return f
}
