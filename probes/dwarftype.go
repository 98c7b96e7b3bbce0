package probes

// This file turns DWARF types (of C and Go programs) into gtrace types,
// for the args of uprobes.

import (
	"debug/dwarf"

	"github.com/gtrace/gtrace/lang/types"
)

// dwarfTypes converts DWARF types, sharing one gtrace type per struct so
// that self-referencing structs (lists, trees) end.
type dwarfTypes struct {
	structs map[dwarf.Type]*types.Type
}

// conv returns the gtrace type of t, or nil for types gtrace cannot read
// (floating point, functions).
func (c *dwarfTypes) conv(t dwarf.Type) *types.Type {
	switch t := t.(type) {
	case *dwarf.TypedefType:
		return c.conv(t.Type)
	case *dwarf.QualType:
		return c.conv(t.Type)
	case *dwarf.BoolType:
		return types.NewInt(int(t.ByteSize), false)
	case *dwarf.IntType, *dwarf.CharType:
		return dwarfInt(t.Size(), true)
	case *dwarf.UintType, *dwarf.UcharType:
		return dwarfInt(t.Size(), false)
	case *dwarf.EnumType:
		return dwarfInt(t.ByteSize, true)
	case *dwarf.PtrType:
		return c.pointer(t)
	case *dwarf.StructType:
		return c.structType(t)
	case *dwarf.ArrayType:
		elem := c.conv(t.Type)
		if elem == nil || t.Count < 0 {
			return nil
		}
		return &types.Type{Kind: types.Array, Elem: elem, Len: int(t.Count), Size: int(t.Count) * elem.Size}
	}
	return nil
}

func dwarfInt(size int64, signed bool) *types.Type {
	switch size {
	case 1, 2, 4, 8:
		return types.NewInt(int(size), signed)
	}
	return nil
}

// pointer converts a pointer into user memory; void* and pointers to
// what gtrace cannot read point to bytes.
func (c *dwarfTypes) pointer(t *dwarf.PtrType) *types.Type {
	var elem *types.Type
	if t.Type != nil {
		if _, void := t.Type.(*dwarf.VoidType); !void {
			elem = c.conv(t.Type)
		}
	}
	if elem == nil {
		elem = types.Uint8
	}
	return types.NewPointer(elem, true)
}

func (c *dwarfTypes) structType(t *dwarf.StructType) *types.Type {
	if st, ok := c.structs[t]; ok {
		return st
	}
	st := &types.Type{Kind: types.Struct, Name: t.StructName, Size: int(t.ByteSize), Union: t.Kind == "union"}
	if c.structs == nil {
		c.structs = map[dwarf.Type]*types.Type{}
	}
	c.structs[t] = st
	for _, f := range t.Field {
		ft := c.conv(f.Type)
		if f.BitSize != 0 {
			continue // bitfields: not readable through args
		}
		st.Fields = append(st.Fields, &types.Field{Name: f.Name, Offset: int(f.ByteOffset), Type: ft})
	}
	return st
}
