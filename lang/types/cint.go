package types

// This file names the C integer types: the checker reads them in casts
// and struct declarations, probes in tracepoint format files.

import "sort"

// cInts maps C integer type names, qualifiers stripped, to their types
// on x86_64 and arm64 (LP64).
var cInts = map[string]*Type{
	"char": Int8, "signed char": Int8, "unsigned char": Uint8,
	"short": Int16, "short int": Int16, "signed short": Int16,
	"unsigned short": Uint16, "unsigned short int": Uint16,
	"int": Int32, "signed int": Int32, "signed": Int32,
	"unsigned": Uint32, "unsigned int": Uint32, "uint": Uint32,
	"long": Int64, "long int": Int64, "signed long": Int64,
	"unsigned long": Uint64, "unsigned long int": Uint64,
	"long long": Int64, "long long int": Int64, "signed long long": Int64,
	"unsigned long long": Uint64, "unsigned long long int": Uint64,
	"bool": Uint8, "_Bool": Uint8,
	"u8": Uint8, "u16": Uint16, "u32": Uint32, "u64": Uint64,
	"s8": Int8, "s16": Int16, "s32": Int32, "s64": Int64,
	"__u8": Uint8, "__u16": Uint16, "__u32": Uint32, "__u64": Uint64,
	"__s8": Int8, "__s16": Int16, "__s32": Int32, "__s64": Int64,
	"uint8_t": Uint8, "uint16_t": Uint16, "uint32_t": Uint32, "uint64_t": Uint64,
	"int8_t": Int8, "int16_t": Int16, "int32_t": Int32, "int64_t": Int64,
	"size_t": Uint64, "ssize_t": Int64, "uintptr_t": Uint64, "intptr_t": Int64,
	"pid_t": Int32, "uid_t": Uint32, "gid_t": Uint32, "umode_t": Uint16,
	"dev_t": Uint32, "ino_t": Uint64, "loff_t": Int64, "off_t": Int64, "time_t": Int64,
	"time64_t": Int64, "clockid_t": Int32, "key_t": Int32, "mqd_t": Int32,
	"__be16": Uint16, "__be32": Uint32, "__le16": Uint16, "__le32": Uint32,
	"sector_t": Uint64, "gfp_t": Uint32, "fmode_t": Uint32,
}

// CInt returns the integer type a C type name stands for ("unsigned
// long", "u32", "pid_t"); the name has no qualifiers (const, volatile).
func CInt(name string) (*Type, bool) {
	t, ok := cInts[name]
	return t, ok
}

// CIntNames returns the C integer type names CInt knows, sorted.
func CIntNames() []string {
	names := make([]string, 0, len(cInts))
	for n := range cInts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
