package probes

import (
	"strings"

	"github.com/gtrace/gtrace/lang/types"
	"github.com/gtrace/gtrace/probes/internal/tracefs"
)

// This file turns the C declarations of tracepoint format files into types.

// cInt describes a C integer type name: its size and sign.
type cInt struct {
	size   int
	signed bool
}

// cInts holds the integer type names common in format files. Names not in
// it take their size from the format file and their sign from its flag.
var cInts = map[string]cInt{
	"char": {1, true}, "signed char": {1, true}, "unsigned char": {1, false},
	"short": {2, true}, "short int": {2, true}, "unsigned short": {2, false}, "unsigned short int": {2, false},
	"int": {4, true}, "signed": {4, true}, "signed int": {4, true}, "unsigned": {4, false}, "unsigned int": {4, false}, "uint": {4, false},
	"long": {8, true}, "long int": {8, true}, "unsigned long": {8, false}, "unsigned long int": {8, false},
	"long long": {8, true}, "long long int": {8, true}, "unsigned long long": {8, false}, "unsigned long long int": {8, false},
	"bool": {1, false}, "_Bool": {1, false},
	"s8": {1, true}, "s16": {2, true}, "s32": {4, true}, "s64": {8, true},
	"u8": {1, false}, "u16": {2, false}, "u32": {4, false}, "u64": {8, false},
	"__s8": {1, true}, "__s16": {2, true}, "__s32": {4, true}, "__s64": {8, true},
	"__u8": {1, false}, "__u16": {2, false}, "__u32": {4, false}, "__u64": {8, false},
	"int8_t": {1, true}, "int16_t": {2, true}, "int32_t": {4, true}, "int64_t": {8, true},
	"uint8_t": {1, false}, "uint16_t": {2, false}, "uint32_t": {4, false}, "uint64_t": {8, false},
	"size_t": {8, false}, "ssize_t": {8, true}, "loff_t": {8, true}, "off_t": {8, true},
	"pid_t": {4, true}, "uid_t": {4, false}, "gid_t": {4, false}, "umode_t": {2, false},
	"dev_t": {4, false}, "ino_t": {8, false}, "sector_t": {8, false}, "gfp_t": {4, false},
	"clockid_t": {4, true}, "time64_t": {8, true}, "key_t": {4, true}, "mqd_t": {4, true},
}

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
	if ci, ok := cInts[name]; ok {
		signed = ci.signed
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
	if ci, ok := cInts[name]; ok {
		return types.NewInt(ci.size, ci.signed)
	}
	for _, kw := range []string{"struct ", "union "} {
		if tag, ok := strings.CutPrefix(name, kw); ok {
			return &types.Type{Kind: types.Struct, Name: tag, Union: kw == "union "}
		}
	}
	return types.Void
}
