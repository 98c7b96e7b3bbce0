package elfsym

// This file reads which functions of a Go program are written in Go (and
// so use Go's register-based calling convention, ABIInternal) rather than
// in assembly (ABI0, arguments on the stack), from the flags of .gopclntab.

import (
	"debug/elf"
	"encoding/binary"
)

// pclntab layouts whose _func records this file knows (Go 1.18 and 1.20+).
const (
	go118Magic  = 0xfffffff0
	go120Magic  = 0xfffffff1
	funcFlagAsm = 1 << 2 // abi.FuncFlagAsm
)

// goInternal returns the entry addresses of the functions of a Go
// program's .gopclntab that are not written in assembly, or nil when the
// table is missing or of a layout from before Go 1.18 (whose amd64
// functions took their arguments on the stack until Go 1.17).
func goInternal(ef *elf.File) map[uint64]bool {
	pcln, text := ef.Section(".gopclntab"), ef.Section(".text")
	if pcln == nil || text == nil {
		return nil
	}
	data, err := pcln.Data()
	if err != nil || len(data) < 8 {
		return nil
	}
	bo := ef.ByteOrder
	magic := bo.Uint32(data)
	ptr := int(data[7])
	if (magic != go118Magic && magic != go120Magic) || (ptr != 4 && ptr != 8) {
		return nil
	}
	word := func(off int) (int, bool) {
		if off < 0 || off+ptr > len(data) {
			return 0, false
		}
		if ptr == 4 {
			return int(bo.Uint32(data[off:])), true
		}
		return int(bo.Uint64(data[off:])), true
	}
	nfunc, ok1 := word(8)
	tab, ok2 := word(8 + 7*ptr) // pclnOffset: the function table
	if !ok1 || !ok2 {
		return nil
	}
	return goFuncFlags(data, bo, tab, nfunc, text.Addr)
}

// goFuncFlags walks the function table at tab: nfunc pairs {entryoff,
// funcoff uint32}; flag is byte 41 of the _func at tab+funcoff.
func goFuncFlags(data []byte, bo binary.ByteOrder, tab, nfunc int, textAddr uint64) map[uint64]bool {
	out := make(map[uint64]bool, nfunc)
	for i := 0; i < nfunc; i++ {
		at := tab + 8*i
		if at+8 > len(data) {
			return out
		}
		entry, fn := bo.Uint32(data[at:]), int(bo.Uint32(data[at+4:]))
		flag := tab + fn + 41
		if flag >= len(data) {
			continue
		}
		if data[flag]&funcFlagAsm == 0 {
			out[textAddr+uint64(entry)] = true
		}
	}
	return out
}
