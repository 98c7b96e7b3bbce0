// Package probes knows the kernel's attach points: it expands probe names
// with wildcards, describes each probe's context (the tracepoint "args"
// struct from tracefs, kernel structs from BTF), lists probes for
// "gtrace -l" and attaches loaded programs through cilium/ebpf's link
// package.
//
// A Registry holds one Provider per probe kind (BEGIN/END, tracepoint,
// rawtracepoint, interval, profile, software, hardware). Every probe has one
// canonical full name, which Expand returns and Attach takes:
//
//	BEGIN, END
//	tracepoint:CATEGORY:EVENT
//	rawtracepoint:EVENT
//	interval:UNIT:N          UNIT is s, ms, us or hz; N in decimal
//	profile:UNIT:N
//	software:EVENT:COUNT     EVENT is the full name ("cpu-clock", not "cpu")
//	hardware:EVENT:COUNT
//
// Tracepoint args types follow the format file: integers take their size
// from the file and their sign from the declared C type (the file's flag is
// wrong for syscall arguments, which the kernel stores as unsigned longs);
// "char name[16]" is an Array of 16 Int8 (the checker treats char arrays as
// strings); pointers point to Int8 for char, to Void for void, to an
// incomplete Struct (Name and no Fields) for structs, and are UserSpace for
// the syscalls category; "__data_loc T[] name" is a 4-byte unsigned Int with DataLoc set
// (offset | length<<16).
// The common_* header fields are left out.
//
// Kernel structs come from BTF. Struct converts one struct fully, including
// nested by-value structs and unions; a pointer to a struct points to an
// incomplete Struct (Name, Size and Union set, Fields nil) that the caller
// resolves with another Struct call when it dereferences it. Bitfields have
// Offset set to the start of their storage unit (aligned to the size of
// their type) and BitOff/BitSize within it.
package probes
