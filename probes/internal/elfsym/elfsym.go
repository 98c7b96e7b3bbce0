// Package elfsym reads what uprobes and USDT probes need from an ELF file:
// its function symbols, its USDT notes, whether it is a Go program, and
// the mapping from link-time addresses to file offsets (uprobes are placed
// at file offsets).
package elfsym

import (
	"bytes"
	"debug/elf"
	"debug/gosym"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/gtrace/gtrace/probes/internal/stapsdt"
)

// Func is a function symbol.
type Func struct {
	Name string
	Addr uint64 // link-time address
	Size uint64
}

// File is the parsed facts of one ELF file.
type File struct {
	Path  string
	Funcs []Func // sorted by name, one per name (.symtab's first, then .dynsym's)
	// Go reports a Go program (.gopclntab or .go.buildinfo present).
	Go bool
	// USDT are the USDT probe sites, PCs adjusted for prelinking, in note
	// order.
	USDT  []stapsdt.Probe
	loads []elf.ProgHeader
	// goInternal holds the entry addresses of the functions written in
	// Go (see goabi.go).
	goInternal map[uint64]bool
	// byAddr are the functions by address, the first of each address in
	// the order .symtab, .dynsym, the separate debug file, .gopclntab.
	byAddr []Func
}

// Open reads the ELF file at path. It returns an error for files that are
// not ELF executables or shared objects.
func Open(path string) (*File, error) {
	if err := sniff(path); err != nil {
		return nil, err
	}
	ef, err := elf.Open(path)
	var fe *elf.FormatError
	if errors.As(err, &fe) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("%s is not an ELF file: %v", path, err)
	}
	if err != nil {
		return nil, err
	}
	defer ef.Close()
	if ef.Type != elf.ET_EXEC && ef.Type != elf.ET_DYN {
		return nil, fmt.Errorf("%s is not an executable or a shared library", path)
	}
	f := &File{Path: path}
	for _, p := range ef.Progs {
		if p.Type == elf.PT_LOAD {
			f.loads = append(f.loads, p.ProgHeader)
		}
	}
	f.Go = ef.Section(".gopclntab") != nil || ef.Section(".go.buildinfo") != nil
	if f.Go {
		f.goInternal = goInternal(ef)
	}
	all, err := funcs(ef, f.Go)
	if err != nil {
		return nil, fmt.Errorf("read symbols of %s: %w", path, err)
	}
	if ef.Section(".symtab") == nil {
		all = append(all, debugFuncs(ef, path)...)
	}
	f.Funcs, f.byAddr = byName(all), byAddress(all)
	if f.USDT, err = usdt(ef); err != nil {
		return nil, fmt.Errorf("read USDT notes of %s: %w", path, err)
	}
	return f, nil
}

// funcs returns the defined function symbols (STT_FUNC and STT_GNU_IFUNC)
// of .symtab and .dynsym, then for Go programs the functions of .gopclntab
// (all there is in a binary linked with -s, as "go test" does), in that
// order, with repeats.
func funcs(ef *elf.File, isGo bool) ([]Func, error) {
	var all []elf.Symbol
	for _, read := range []func() ([]elf.Symbol, error){ef.Symbols, ef.DynamicSymbols} {
		syms, err := read()
		if err != nil && !errors.Is(err, elf.ErrNoSymbols) {
			return nil, err
		}
		all = append(all, syms...)
	}
	fs := symFuncs(all)
	if isGo {
		fs = append(fs, goFuncs(ef)...)
	}
	return fs, nil
}

// symFuncs returns the functions of syms that have an address, in order.
func symFuncs(syms []elf.Symbol) []Func {
	var fs []Func
	for _, s := range syms {
		typ := elf.ST_TYPE(s.Info)
		// An undefined function with a value is a non-PIE program's
		// canonical PLT entry: it can be probed, and bpftrace lists it.
		if (typ != elf.STT_FUNC && typ != elf.STT_GNU_IFUNC) || s.Value == 0 || s.Name == "" {
			continue
		}
		fs = append(fs, Func{Name: s.Name, Addr: s.Value, Size: s.Size})
	}
	return fs
}

// byName returns the first function of each name in fs, sorted by name.
func byName(fs []Func) []Func {
	out := make([]Func, 0, len(fs))
	seen := make(map[string]bool, len(fs))
	for _, f := range fs {
		if !seen[f.Name] {
			seen[f.Name] = true
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// byAddress returns the first function of each address in fs, sorted by
// address.
func byAddress(fs []Func) []Func {
	out := make([]Func, 0, len(fs))
	seen := make(map[uint64]bool, len(fs))
	for _, f := range fs {
		if !seen[f.Addr] {
			seen[f.Addr] = true
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Addr < out[j].Addr })
	return out
}

// usdt reads .note.stapsdt and adjusts each PC by the difference between
// the actual and the recorded address of .stapsdt.base, as prelink moves it.
func usdt(ef *elf.File) ([]stapsdt.Probe, error) {
	sec := ef.Section(".note.stapsdt")
	if sec == nil {
		return nil, nil
	}
	data, err := sec.Data()
	if err != nil {
		return nil, err
	}
	size := 8
	if ef.Class == elf.ELFCLASS32 {
		size = 4
	}
	probes, err := stapsdt.Parse(data, ef.ByteOrder, size)
	if err != nil {
		return nil, err
	}
	if base := ef.Section(".stapsdt.base"); base != nil {
		for i := range probes {
			if probes[i].Base != 0 {
				probes[i].PC += base.Addr - probes[i].Base
			}
		}
	}
	return probes, nil
}

// Func returns the function called name.
func (f *File) Func(name string) (Func, bool) {
	i := sort.Search(len(f.Funcs), func(i int) bool { return f.Funcs[i].Name >= name })
	if i < len(f.Funcs) && f.Funcs[i].Name == name {
		return f.Funcs[i], true
	}
	return Func{}, false
}

// GoABI reports whether fn is a function of a Go program written in Go,
// which takes its arguments and returns its results in registers by Go's
// internal ABI (amd64: RAX, RBX, RCX, RDI, RSI, R8, R9, R10, R11), not by
// the C convention. Functions written in assembly, C functions linked in
// with cgo, and the functions of Go programs built before Go 1.18 are not.
func (f *File) GoABI(fn Func) bool {
	return f.goInternal[fn.Addr]
}

// Offset returns the file offset of a link-time address, which must lie in
// the file-backed part of a loadable segment.
func (f *File) Offset(addr uint64) (uint64, error) {
	for _, p := range f.loads {
		if p.Vaddr <= addr && addr < p.Vaddr+p.Filesz {
			return addr - p.Vaddr + p.Off, nil
		}
	}
	return 0, fmt.Errorf("address %#x is not in a loadable segment of %s", addr, f.Path)
}

// Executable reports whether addr lies in an executable segment.
func (f *File) Executable(addr uint64) bool {
	for _, p := range f.loads {
		if p.Flags&elf.PF_X != 0 && p.Vaddr <= addr && addr < p.Vaddr+p.Filesz {
			return true
		}
	}
	return false
}

// ExecRanges returns the link-time address ranges of the executable
// segments, as "0xLO-0xHI" (HI exclusive).
func (f *File) ExecRanges() []string {
	var r []string
	for _, p := range f.loads {
		if p.Flags&elf.PF_X != 0 {
			r = append(r, fmt.Sprintf("%#x-%#x", p.Vaddr, p.Vaddr+p.Filesz))
		}
	}
	return r
}

// goFuncs returns the functions of a Go program's .gopclntab, or nil when
// it cannot be read.
func goFuncs(ef *elf.File) []Func {
	pcln, text := ef.Section(".gopclntab"), ef.Section(".text")
	if pcln == nil || text == nil {
		return nil
	}
	data, err := pcln.Data()
	if err != nil {
		return nil
	}
	tab, err := gosym.NewTable(nil, gosym.NewLineTable(data, text.Addr))
	if err != nil {
		return nil
	}
	fs := make([]Func, 0, len(tab.Funcs))
	for _, fn := range tab.Funcs {
		fs = append(fs, Func{Name: fn.Name, Addr: fn.Entry, Size: fn.End - fn.Entry})
	}
	return fs
}

// DebugDir is where separate debug files are installed (Debian's *-dbg
// packages, Fedora's debuginfo).
const DebugDir = "/usr/lib/debug"

// debugFuncs returns the .symtab functions of the separate debug file of a
// stripped ELF file, found by build ID (DebugDir/.build-id/xx/yyyy.debug)
// or by .gnu_debuglink (next to the file, in its .debug directory, or
// under DebugDir, with a matching CRC), or nil when there is none.
func debugFuncs(ef *elf.File, path string) []Func {
	for _, cand := range debugCandidates(ef, path) {
		df, err := elf.Open(cand)
		if err != nil {
			continue
		}
		syms, err := df.Symbols()
		df.Close()
		if err == nil {
			return symFuncs(syms)
		}
	}
	return nil
}

func debugCandidates(ef *elf.File, path string) []string {
	var cands []string
	if id := buildID(ef); len(id) > 1 {
		hex := fmt.Sprintf("%x", id)
		cands = append(cands, filepath.Join(DebugDir, ".build-id", hex[:2], hex[2:]+".debug"))
	}
	name, crc, ok := debugLink(ef)
	if !ok {
		return cands
	}
	dir := filepath.Dir(path)
	if real, err := filepath.EvalSymlinks(path); err == nil {
		dir = filepath.Dir(real)
	}
	for _, c := range []string{filepath.Join(dir, name), filepath.Join(dir, ".debug", name), filepath.Join(DebugDir, dir, name)} {
		if data, err := os.ReadFile(c); err == nil && crc32.ChecksumIEEE(data) == crc && c != path {
			cands = append(cands, c)
		}
	}
	return cands
}

// buildID returns the GNU build ID of ef, or nil.
func buildID(ef *elf.File) []byte {
	sec := ef.Section(".note.gnu.build-id")
	if sec == nil {
		return nil
	}
	data, err := sec.Data()
	if err != nil || len(data) < 16 {
		return nil
	}
	namesz := ef.ByteOrder.Uint32(data)
	descsz := ef.ByteOrder.Uint32(data[4:])
	start := 12 + (uint64(namesz)+3)&^3
	if ef.ByteOrder.Uint32(data[8:]) != 3 || start+uint64(descsz) > uint64(len(data)) {
		return nil // not NT_GNU_BUILD_ID
	}
	return data[start : start+uint64(descsz)]
}

// debugLink returns the file name and CRC of ef's .gnu_debuglink.
func debugLink(ef *elf.File) (string, uint32, bool) {
	sec := ef.Section(".gnu_debuglink")
	if sec == nil {
		return "", 0, false
	}
	data, err := sec.Data()
	if err != nil {
		return "", 0, false
	}
	i := bytes.IndexByte(data, 0)
	if i <= 0 {
		return "", 0, false
	}
	off := (i + 4) &^ 3
	if off+4 > len(data) {
		return "", 0, false
	}
	return filepath.Base(string(data[:i])), ef.ByteOrder.Uint32(data[off:]), true
}

// Code returns the machine code of fn, read from the executable section
// that holds it. fn.Size must not be 0.
func (f *File) Code(fn Func) ([]byte, error) {
	if fn.Size == 0 {
		return nil, fmt.Errorf("%s has no size in %s", fn.Name, f.Path)
	}
	ef, err := elf.Open(f.Path)
	if err != nil {
		return nil, err
	}
	defer ef.Close()
	for _, s := range ef.Sections {
		if s.Flags&elf.SHF_EXECINSTR == 0 || s.Type != elf.SHT_PROGBITS || fn.Addr < s.Addr || fn.Addr+fn.Size > s.Addr+s.Size {
			continue
		}
		code := make([]byte, fn.Size)
		if _, err := s.ReadAt(code, int64(fn.Addr-s.Addr)); err != nil {
			return nil, fmt.Errorf("read %s of %s: %w", fn.Name, f.Path, err)
		}
		return code, nil
	}
	return nil, fmt.Errorf("%s is not in an executable section of %s", fn.Name, f.Path)
}
