package probes

// This file resolves the compile-time addresses of kaddr("sym"),
// uaddr("sym") and cgroupid("path").

import (
	"debug/elf"
	"fmt"
	"syscall"
)

// Kaddr returns the address of the kernel symbol name (any symbol type)
// from kallsyms, read once.
func (r *Registry) Kaddr(name string) (uint64, error) {
	t, err := r.k.kallsyms()
	if err != nil {
		return 0, fmt.Errorf("resolve kernel symbol: %w", err)
	}
	sym, ok := t.Addr(name)
	if !ok {
		return 0, fmt.Errorf("failed to resolve kernel symbol %s", name)
	}
	if sym.Addr == 0 {
		return 0, fmt.Errorf("kernel symbol %s has address 0: kallsyms addresses are hidden (kernel.kptr_restrict)", name)
	}
	return sym.Addr, nil
}

// Uaddr returns the link-time address of the symbol name (function or
// object) in the ELF file binary, resolved as uprobe binaries are.
func (r *Registry) Uaddr(binary, name string) (uint64, error) {
	sym, err := r.userSymbol(binary, name)
	return sym.Value, err
}

// UaddrSize returns the size in bytes of the symbol name in binary (4 for
// an int), which types what uaddr("name") points to.
func (r *Registry) UaddrSize(binary, name string) (uint64, error) {
	sym, err := r.userSymbol(binary, name)
	return sym.Size, err
}

// userSymbol finds the symbol name, of any type, in .symtab or .dynsym.
func (r *Registry) userSymbol(binary, name string) (elf.Symbol, error) {
	path, err := r.k.resolveBinary(binary)
	if err != nil {
		return elf.Symbol{}, err
	}
	ef, err := elf.Open(path)
	if err != nil {
		return elf.Symbol{}, fmt.Errorf("uaddr: %w", err)
	}
	defer ef.Close()
	for _, read := range []func() ([]elf.Symbol, error){ef.Symbols, ef.DynamicSymbols} {
		syms, _ := read()
		for _, s := range syms {
			if s.Name == name && s.Value != 0 {
				return s, nil
			}
		}
	}
	return elf.Symbol{}, fmt.Errorf("failed to resolve symbol %s in %s", name, path)
}

// CgroupID returns the id of the cgroup at path: the inode of its directory
// in the cgroup2 hierarchy, which is what bpf_get_current_cgroup_id returns.
func (r *Registry) CgroupID(path string) (uint64, error) {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return 0, fmt.Errorf("cgroupid: %w", err)
	}
	return st.Ino, nil
}
