// Package kallsyms reads /proc/kallsyms once into a Table that answers both
// directions: the kernel functions a kprobe can name, a symbol's address
// (kaddr), and the function an address lies in (ksym, kstack). It also
// reads tracefs available_filter_functions, the kprobe-able functions when
// that file can be read.
package kallsyms

import (
	"bufio"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Func is one kernel function that a kprobe can name.
type Func struct {
	Name   string // "vfs_read"
	Module string // "" for vmlinux, else the module ("ext4")
}

// Symbol is one line of /proc/kallsyms.
type Symbol struct {
	Addr   uint64 // 0 when kallsyms addresses are hidden (kptr_restrict)
	Type   byte   // 'T', 't', 'D', 'W', ...
	Name   string
	Module string // "" for vmlinux
}

// Table holds every symbol of a kallsyms file, with an index by address of
// the text symbols. It is immutable and safe for concurrent use.
type Table struct {
	syms []Symbol // file order
	text []int    // indexes into syms of the code symbols, by address
}

// Parse reads a /proc/kallsyms file ("ffffffff816d5370 T vfs_read",
// "... t foo\t[module]"); malformed lines are skipped.
func Parse(r io.Reader) (*Table, error) {
	t := &Table{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 3 || len(fields[1]) != 1 {
			continue
		}
		addr, err := strconv.ParseUint(fields[0], 16, 64)
		if err != nil {
			continue
		}
		s := Symbol{Addr: addr, Type: fields[1][0], Name: fields[2]}
		if len(fields) > 3 {
			s.Module = strings.Trim(fields[3], "[]")
		}
		t.syms = append(t.syms, s)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	t.index()
	return t, nil
}

// isCode reports whether a symbol type is code (text or weak).
func isCode(typ byte) bool {
	return typ == 't' || typ == 'T' || typ == 'w' || typ == 'W'
}

func (t *Table) index() {
	for i, s := range t.syms {
		if isCode(s.Type) && s.Addr != 0 {
			t.text = append(t.text, i)
		}
	}
	sort.SliceStable(t.text, func(i, j int) bool { return t.syms[t.text[i]].Addr < t.syms[t.text[j]].Addr })
}

// Funcs returns the text symbols (types t and T) that can be a probe
// target, sorted by name then module, without duplicates. The __pfx_ and
// __cfi_ padding symbols that come before every function on kernels built
// with call padding or CFI are left out, and so are compiler-made parts and
// clones whose names have a '.' ("vfs_get_tree.cold", "foo.isra.0"), which
// kallsyms lists beside the real function.
func (t *Table) Funcs() []Func {
	var fs []Func
	for _, s := range t.syms {
		if (s.Type == 't' || s.Type == 'T') && !skipKallsyms(s.Name) {
			fs = append(fs, Func{Name: s.Name, Module: s.Module})
		}
	}
	return sortFuncs(fs)
}

// Addr returns the first symbol called name, of any type.
func (t *Table) Addr(name string) (Symbol, bool) {
	for _, s := range t.syms {
		if s.Name == name {
			return s, true
		}
	}
	return Symbol{}, false
}

// Lookup returns the code symbol at or before addr and addr's offset from
// it. It fails before the first code symbol and when addresses are hidden.
func (t *Table) Lookup(addr uint64) (Symbol, uint64, bool) {
	i := sort.Search(len(t.text), func(i int) bool { return t.syms[t.text[i]].Addr > addr }) - 1
	if i < 0 {
		return Symbol{}, 0, false
	}
	s := t.syms[t.text[i]]
	return s, addr - s.Addr, true
}

func skipKallsyms(name string) bool {
	return strings.HasPrefix(name, "__pfx_") || strings.HasPrefix(name, "__cfi_") ||
		strings.ContainsRune(name, '.')
}

// ParseFilterFunctions returns the functions of a tracefs
// available_filter_functions file ("vfs_read", "foo [module]"), sorted by
// name then module, without duplicates. Every function there can be
// kprobed, clones with a '.' in their name included.
func ParseFilterFunctions(r io.Reader) ([]Func, error) {
	var fs []Func
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "__pfx_") {
			continue
		}
		f := Func{Name: fields[0]}
		if len(fields) > 1 {
			f.Module = strings.Trim(fields[1], "[]")
		}
		fs = append(fs, f)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return sortFuncs(fs), nil
}

func sortFuncs(fs []Func) []Func {
	sort.Slice(fs, func(i, j int) bool {
		if fs[i].Name != fs[j].Name {
			return fs[i].Name < fs[j].Name
		}
		return fs[i].Module < fs[j].Module
	})
	out := fs[:0]
	for i, f := range fs {
		if i == 0 || f != fs[i-1] {
			out = append(out, f)
		}
	}
	return out
}
