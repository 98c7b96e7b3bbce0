// Package probes knows the kernel's attach points: it expands probe names
// with wildcards, describes each probe's context (the tracepoint "args"
// struct from tracefs, kernel structs from BTF), lists probes for
// "gtrace -l" and attaches loaded programs through cilium/ebpf's link
// package.
//
// A Registry holds one Provider per probe kind (BEGIN/END, tracepoint,
// rawtracepoint, kprobe/kretprobe, uprobe/uretprobe, usdt, interval,
// profile, software, hardware). Every probe has one canonical full name,
// which Expand returns and Attach takes:
//
//	BEGIN, END
//	tracepoint:CATEGORY:EVENT
//	rawtracepoint:EVENT
//	kprobe:FUNC              also kprobe:FUNC+OFFSET, and kprobe:MOD:FUNC
//	kretprobe:FUNC           when a module was given ("vmlinux" for the kernel)
//	uprobe:BINARY:FUNC       also FUNC+OFFSET, or 0xADDR (a link-time address)
//	uretprobe:BINARY:FUNC
//	usdt:BINARY:PROVIDER:NAME
//	interval:UNIT:N          UNIT is s, ms, us or hz; N in decimal
//	profile:UNIT:N
//	software:EVENT:COUNT     EVENT is the full name ("cpu-clock", not "cpu")
//	hardware:EVENT:COUNT
//
// Kernel functions come from tracefs available_filter_functions, or from
// the text symbols of /proc/kallsyms when it cannot be read, so checking a
// kprobe script needs no kprobe support; attaching does (CONFIG_KPROBES).
// A uprobe or USDT BINARY is a path (kept as written) or a glob of paths,
// or a bare name: a program in $PATH, else a library ("libc", "c" or
// "libc.so.6") found through /etc/ld.so.cache and the standard library
// directories; with Options.PID (-p) an empty BINARY is the process's
// executable (and, for USDT, its mapped libraries). Functions are the ELF's
// .symtab and .dynsym functions, those of its separate debug file (by build
// ID or .gnu_debuglink) when it is stripped, and for Go programs those of
// .gopclntab. "-lv" shows a function's parameters from DWARF. uprobe and
// USDT probes are listed only for a named binary ("gtrace -l
// 'uprobe:/bin/bash:read*'", "gtrace -l '*:./prog:*'") or for the -p
// process. Registry.USDTArgs gives the argument specs of a USDT probe's
// sites. A uretprobe on a Go program is refused at Attach: Go's runtime
// crashes on the trampoline's return address. Registry.Enum reads kernel
// enumerators from BTF.
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
