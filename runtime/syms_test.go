package runtime

import (
	"bufio"
	"debug/elf"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestUserSymbols resolves malloc in a sleeping process: the address is
// computed from libc's ELF symbol and the process's mappings, then resolved
// back, also after the process is gone.
func TestUserSymbols(t *testing.T) {
	t.Parallel()
	cmd := exec.Command("sleep", "10")
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot run sleep: %v", err)
	}
	pid := uint32(cmd.Process.Pid)
	s := newSymbols("/")
	var addr uint64
	for range 100 { // wait for exec and the dynamic loader
		if addr = mallocAddr(t, pid); addr != 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if addr == 0 {
		cmd.Process.Kill()
		cmd.Wait()
		t.Skip("sleep does not map libc.so.6 with a malloc symbol")
	}
	s.Snapshot(pid)
	cmd.Process.Kill()
	cmd.Wait()
	sym, ok := s.User(pid, addr+2)
	if !ok || sym.Name != "malloc" || sym.Offset != 2 || !strings.Contains(sym.Module, "libc") {
		t.Errorf("got %+v, %v, want malloc+2 in libc", sym, ok)
	}
}

// mallocAddr returns the run-time address of malloc in process pid, 0 if
// libc is not mapped yet.
func mallocAddr(t *testing.T, pid uint32) uint64 {
	ms, err := readMaps("/proc/" + strconv.Itoa(int(pid)) + "/maps")
	if err != nil {
		return 0
	}
	for _, m := range ms {
		if !strings.Contains(m.path, "libc.so") {
			continue
		}
		f, err := elf.Open(m.path)
		if err != nil {
			return 0
		}
		defer f.Close()
		syms, _ := f.DynamicSymbols()
		for _, sy := range syms {
			if sy.Name != "malloc" {
				continue
			}
			for _, p := range f.Progs {
				if p.Type == elf.PT_LOAD && sy.Value >= p.Vaddr && sy.Value < p.Vaddr+p.Filesz {
					fo := sy.Value - p.Vaddr + p.Off
					if fo >= m.off && fo < m.off+(m.end-m.start) {
						return m.start + fo - m.off
					}
				}
			}
		}
	}
	return 0
}

func TestKernelSymbols(t *testing.T) {
	t.Parallel()
	addr := kallsymsAddr(t, "vfs_read")
	s := newSymbols("/")
	sym, ok := s.Kernel(addr + 5)
	if !ok || sym.Name != "vfs_read" || sym.Offset != 5 {
		t.Errorf("got %+v, %v, want vfs_read+5", sym, ok)
	}
}

// kallsymsAddr finds name in /proc/kallsyms, skipping when addresses are
// hidden (not root).
func kallsymsAddr(t *testing.T, name string) uint64 {
	t.Helper()
	f, err := os.Open("/proc/kallsyms")
	if err != nil {
		t.Skipf("no /proc/kallsyms: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) >= 3 && fs[2] == name {
			a, _ := strconv.ParseUint(fs[0], 16, 64)
			if a == 0 {
				t.Skip("kallsyms addresses are hidden (need root)")
			}
			return a
		}
	}
	t.Skipf("%s not in /proc/kallsyms", name)
	return 0
}

func TestSymtabLookup(t *testing.T) {
	t.Parallel()
	var tab symtab
	tab.add(0x300, 0, "c")
	tab.add(0x100, 0x10, "a")
	tab.add(0x200, 0, "b")
	tab.sort()
	tests := []struct {
		name string
		in   uint64
		want string
		off  uint64
		ok   bool
	}{
		{"before all", 0x50, "", 0, false},
		{"start", 0x100, "a", 0, true},
		{"inside sized", 0x10f, "a", 0xf, true},
		{"past sized", 0x110, "", 0, false},
		{"unsized", 0x2ff, "b", 0xff, true},
		{"last", 0x1000, "c", 0xd00, true},
	}
	for _, tt := range tests {
		name, off, ok := tab.lookup(tt.in)
		if name != tt.want || off != tt.off || ok != tt.ok {
			t.Errorf("%s: got %q+%#x %v, want %q+%#x %v", tt.name, name, off, ok, tt.want, tt.off, tt.ok)
		}
	}
}
