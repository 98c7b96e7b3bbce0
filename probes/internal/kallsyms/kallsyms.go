// Package kallsyms reads the kernel's traceable functions from tracefs
// available_filter_functions or, when that file cannot be read, from the
// text symbols of /proc/kallsyms.
package kallsyms

import (
	"bufio"
	"io"
	"sort"
	"strings"
)

// Func is one kernel function that a kprobe can name.
type Func struct {
	Name   string // "vfs_read"
	Module string // "" for vmlinux, else the module ("ext4")
}

// ParseKallsyms returns the text symbols (types t and T) of a
// /proc/kallsyms file, sorted by name then module, without duplicates.
// Symbols that cannot be a probe target are left out: the __pfx_ and __cfi_
// padding symbols that come before every function on kernels built with
// call padding or CFI, and compiler-made parts and clones whose names have a
// '.' ("vfs_get_tree.cold", "foo.isra.0"), which kallsyms lists beside the
// real function.
func ParseKallsyms(r io.Reader) ([]Func, error) {
	var fs []Func
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		// "ffffffff816d5370 T vfs_read" or "... t foo\t[module]"
		fields := strings.Fields(sc.Text())
		if len(fields) < 3 || (fields[1] != "t" && fields[1] != "T") {
			continue
		}
		name := fields[2]
		if skipKallsyms(name) {
			continue
		}
		f := Func{Name: name}
		if len(fields) > 3 {
			f.Module = strings.Trim(fields[3], "[]")
		}
		fs = append(fs, f)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return sortFuncs(fs), nil
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
