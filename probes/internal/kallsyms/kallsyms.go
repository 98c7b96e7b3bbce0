// Package kallsyms reads /proc/kallsyms once into a Table that answers both
// directions: the kernel functions a kprobe can name, a symbol's address
// (kaddr), and the function an address lies in (ksym, kstack). It also
// reads tracefs available_filter_functions, the kprobe-able functions when
// that file can be read.
package kallsyms

import (
	"cmp"
	"io"
	"slices"
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
//
// The file has about 200,000 lines; it is read whole and split by hand,
// its names kept as substrings of one string, because a scanner and
// strings.Fields per line cost seconds under the kernel matrix's emulated
// CPU.
func Parse(r io.Reader) (*Table, error) {
	text, err := readAll(r)
	if err != nil {
		return nil, err
	}
	t := &Table{syms: make([]Symbol, 0, strings.Count(text, "\n")+1)}
	for len(text) > 0 {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		var f [4]string
		if fields(line, f[:]) < 3 || len(f[1]) != 1 {
			continue
		}
		addr, err := strconv.ParseUint(f[0], 16, 64)
		if err != nil {
			continue
		}
		t.syms = append(t.syms, Symbol{Addr: addr, Type: f[1][0], Name: f[2], Module: strings.Trim(f[3], "[]")})
	}
	t.index()
	return t, nil
}

// readAll reads r whole into one string.
func readAll(r io.Reader) (string, error) {
	var b strings.Builder
	b.Grow(1 << 20)
	if _, err := io.Copy(&b, r); err != nil {
		return "", err
	}
	return b.String(), nil
}

// fields splits line at spaces and tabs into f, as strings.Fields does
// without allocating, and returns the number of fields found (at most
// len(f); the last one ends at the next blank).
func fields(line string, f []string) int {
	n := 0
	for n < len(f) {
		line = strings.TrimLeft(line, " \t")
		if line == "" {
			break
		}
		end := strings.IndexAny(line, " \t")
		if end < 0 {
			end = len(line)
		}
		f[n], line = line[:end], line[end:]
		n++
	}
	return n
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
	slices.SortStableFunc(t.text, func(i, j int) int { return cmp.Compare(t.syms[i].Addr, t.syms[j].Addr) })
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
	text, err := readAll(r)
	if err != nil {
		return nil, err
	}
	fs := make([]Func, 0, strings.Count(text, "\n")+1)
	for len(text) > 0 {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		var f [2]string
		if fields(line, f[:]) == 0 || strings.HasPrefix(f[0], "__pfx_") {
			continue
		}
		fs = append(fs, Func{Name: f[0], Module: strings.Trim(f[1], "[]")})
	}
	return sortFuncs(fs), nil
}

func sortFuncs(fs []Func) []Func {
	slices.SortFunc(fs, func(a, b Func) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Module, b.Module))
	})
	out := fs[:0]
	for i, f := range fs {
		if i == 0 || f != fs[i-1] {
			out = append(out, f)
		}
	}
	return out
}
