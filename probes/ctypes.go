package probes

import (
	"strings"

	"github.com/gtrace/gtrace/lang/types"
	"github.com/gtrace/gtrace/probes/internal/tracefs"
)

// This file turns the C declarations of tracepoint format files into types.

// baseType strips qualifiers from a C type: "const char" → "char".
func baseType(s string) string {
	var words []string
	for _, w := range strings.Fields(s) {
		if w != "const" && w != "volatile" && w != "__user" && w != "__seg_gs" {
			words = append(words, w)
		}
	}
	return strings.Join(words, " ")
}

// fieldType returns the type of one format field.
func fieldType(f *tracefs.Field, user bool) *types.Type {
	// The declared type is believed only when its size agrees with the file.
	switch {
	case f.DataLoc && f.Size == 4:
		return &types.Type{Kind: types.Int, Size: 4, DataLoc: true}
	case strings.HasSuffix(f.Type, "*") && f.Size == 8:
		return pointerType(f.Type, user)
	case f.Len > 0 && f.Size%f.Len == 0:
		elem := scalarType(baseType(f.Type), f.Size/f.Len, f.Signed)
		return &types.Type{Kind: types.Array, Elem: elem, Len: f.Len, Size: f.Size}
	}
	return scalarType(baseType(f.Type), f.Size, f.Signed)
}

// scalarType returns the type of a non-pointer field of size bytes. A
// known C integer keeps its sign and takes the field's size (syscall
// arguments are stored as longs); anything else that is not 1, 2, 4 or 8
// bytes is an array of bytes.
func scalarType(name string, size int, signed bool) *types.Type {
	if name == "char" && size == 1 {
		return types.Int8
	}
	if ci, ok := types.CInt(name); ok {
		signed = ci.Signed
	}
	switch size {
	case 1, 2, 4, 8:
		return types.NewInt(size, signed)
	}
	return &types.Type{Kind: types.Array, Elem: types.Uint8, Len: size, Size: size}
}

// pointerType returns the type of a pointer declared as decl ("const char *",
// "struct iovec *", "char **").
func pointerType(decl string, user bool) *types.Type {
	inner := strings.TrimSpace(strings.TrimSuffix(decl, "*"))
	inner = strings.TrimSpace(strings.TrimSuffix(inner, "const")) // "char *const *"
	if strings.HasSuffix(inner, "*") {
		return types.NewPointer(pointerType(inner, user), user)
	}
	return types.NewPointer(pointeeType(baseType(inner)), user)
}

func pointeeType(name string) *types.Type {
	if ci, ok := types.CInt(name); ok {
		return ci
	}
	for _, kw := range []string{"struct ", "union "} {
		if tag, ok := strings.CutPrefix(name, kw); ok {
			return &types.Type{Kind: types.Struct, Name: tag, Union: kw == "union "}
		}
	}
	return types.Void
}
