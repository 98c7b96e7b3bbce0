package probes

// This file finds the binaries uprobes and USDT probes name and caches
// their ELF facts.

import (
	"debug/elf"
	"fmt"
	"io"
	"os"
	"path/filepath"
	goruntime "runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/gtrace/gtrace/probes/internal/elfsym"
	"github.com/gtrace/gtrace/probes/internal/ldcache"
)

// binary returns the parsed ELF file at path, read once.
func (k *kernel) binary(path string) (*elfsym.File, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if f, ok := k.elfs[path]; ok {
		return f, nil
	}
	f, err := elfsym.Open(path)
	if err != nil {
		return nil, err
	}
	if k.elfs == nil {
		k.elfs = map[string]*elfsym.File{}
	}
	k.elfs[path] = f
	return f, nil
}

// binaries returns the files the binary part of a uprobe or USDT name
// stands for: a pattern with '*' or '?' matches files (glob, "./" kept);
// "" or "*" with -p is the process's executable and, when withLibs, the
// shared libraries it has mapped; anything else is one file
// (resolveBinary). Glob matches that are not ELF files are left out.
func (k *kernel) binaries(part string, withLibs bool) ([]string, error) {
	if k.opts.PID != 0 && (part == "" || part == "*") {
		return k.processBinaries(withLibs)
	}
	if !hasWild(part) {
		p, err := k.resolveBinary(part)
		if err != nil {
			return nil, err
		}
		return []string{p}, nil
	}
	matches, err := filepath.Glob(part)
	if err != nil {
		return nil, fmt.Errorf("invalid binary pattern %q: %w", part, err)
	}
	var out []string
	for _, m := range matches {
		if strings.HasPrefix(part, "./") && !strings.HasPrefix(m, "./") {
			m = "./" + m
		}
		if st, err := os.Stat(m); err == nil && st.Mode().IsRegular() && isELF(m) {
			out = append(out, m)
		}
	}
	return out, nil
}

// processBinaries returns the executable of the -p process and, when
// withLibs, the other ELF files it has mapped, in the order of its maps.
// Files of a process in another mount namespace are reached through
// /proc/PID/root.
func (k *kernel) processBinaries(withLibs bool) ([]string, error) {
	pid := k.opts.PID
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil {
		return nil, fmt.Errorf("process %d: %w", pid, err)
	}
	out := []string{k.processPath(exe)}
	if !withLibs {
		return out, nil
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		return nil, fmt.Errorf("process %d: %w", pid, err)
	}
	seen := map[string]bool{exe: true}
	for _, line := range strings.Split(string(data), "\n") {
		// "7f..-7f.. r-xp 00000000 08:01 1234   /usr/lib/x86_64-linux-gnu/libc.so.6"
		fields := strings.Fields(line)
		if len(fields) < 6 || !strings.HasPrefix(fields[5], "/") || seen[fields[5]] {
			continue
		}
		seen[fields[5]] = true
		if p := k.processPath(fields[5]); isELF(p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// processPath returns a path of the -p process as gtrace can open it,
// whatever the process's mount namespace: under /proc/PID/root, as
// bpftrace names it.
func (k *kernel) processPath(path string) string {
	return fmt.Sprintf("/proc/%d/root%s", k.opts.PID, path)
}

// isELF reports whether path starts with the ELF magic.
func isELF(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var magic [4]byte
	_, err = io.ReadFull(f, magic[:])
	return err == nil && string(magic[:]) == elf.ELFMAG
}

// resolveBinary returns the file a uprobe or USDT binary part names, as
// bpftrace does: a name with a '/' is a path, kept as written; a bare name
// is the first executable of that name in $PATH, else a shared library
// found through /etc/ld.so.cache or the standard library directories
// ("libc" and "c" both name libc.so.6). An empty name means the executable
// of the process given with -p.
func (k *kernel) resolveBinary(name string) (string, error) {
	switch {
	case name == "":
		if k.opts.PID == 0 {
			return "", fmt.Errorf("a probe without a binary needs a process (-p PID)")
		}
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", k.opts.PID))
		if err != nil {
			return "", fmt.Errorf("process %d: %w", k.opts.PID, err)
		}
		return k.processPath(exe), nil
	case strings.ContainsRune(name, '/'):
		if _, err := os.Stat(name); err != nil {
			return "", fmt.Errorf("uprobe target %s: %w", name, os.ErrNotExist)
		}
		return name, nil
	}
	if p := lookPath(name); p != "" {
		return p, nil
	}
	if p := k.findLibrary(name); p != "" {
		return p, nil
	}
	return "", fmt.Errorf("uprobe target %q not found: no program of that name in $PATH and no library %s", name, libPrefix(name))
}

// lookPath finds an executable regular file called name in $PATH.
func lookPath(name string) string {
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// libPrefix returns the soname prefix a library name stands for: "libc.so"
// for "c" and "libc"; a name with ".so" is taken as it is.
func libPrefix(name string) string {
	if strings.Contains(name, ".so") {
		return name
	}
	if !strings.HasPrefix(name, "lib") {
		name = "lib" + name
	}
	return name + ".so"
}

// findLibrary returns the path of the library name, for this machine's
// architecture, or "".
func (k *kernel) findLibrary(name string) string {
	prefix := libPrefix(name)
	matches := func(soname string) bool {
		return soname == prefix || strings.HasPrefix(soname, prefix+".")
	}
	for _, e := range k.ldCache() {
		if matches(e.Name) && hostELF(e.Path) {
			return e.Path
		}
	}
	for _, dir := range libDirs() {
		ents, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		var found []string
		for _, e := range ents {
			if matches(e.Name()) {
				found = append(found, filepath.Join(dir, e.Name()))
			}
		}
		sort.Strings(found)
		for _, p := range found {
			if hostELF(p) {
				return p
			}
		}
	}
	return ""
}

// ldCache returns the entries of /etc/ld.so.cache, read once (none when it
// cannot be read).
func (k *kernel) ldCache() []ldcache.Entry {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.ldRead {
		k.ldRead = true
		if data, err := os.ReadFile("/etc/ld.so.cache"); err == nil {
			k.ld, _ = ldcache.Parse(data)
		}
	}
	return k.ld
}

// libDirs are the standard library directories, multiarch first.
func libDirs() []string {
	var dirs []string
	if t := multiarch[goruntime.GOARCH]; t != "" {
		dirs = append(dirs, "/lib/"+t, "/usr/lib/"+t)
	}
	return append(dirs, "/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib")
}

var multiarch = map[string]string{
	"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu", "386": "i386-linux-gnu",
	"riscv64": "riscv64-linux-gnu", "ppc64le": "powerpc64le-linux-gnu", "s390x": "s390x-linux-gnu",
}

var hostMachine = map[string]elf.Machine{
	"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64, "386": elf.EM_386,
	"riscv64": elf.EM_RISCV, "ppc64le": elf.EM_PPC64, "s390x": elf.EM_S390,
}

// hostELF reports whether path is an ELF file for this machine.
func hostELF(path string) bool {
	f, err := elf.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	m, ok := hostMachine[goruntime.GOARCH]
	return !ok || f.Machine == m
}

// parseAddr parses a uprobe address ("0x401136"): a number that starts
// with a digit.
func parseAddr(s string) (uint64, bool) {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 0, 64)
	return n, err == nil
}
