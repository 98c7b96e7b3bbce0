package probes

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gtrace/gtrace/internal/bpftest"
	"github.com/gtrace/gtrace/probes/internal/elfsym"

	"github.com/gtrace/gtrace/internal/testenv"
)

func TestParseMaps(t *testing.T) {
	t.Parallel()
	in := "55d0e0a00000-55d0e0a02000 r--p 00000000 08:01 42 /usr/bin/cat\n" +
		"55d0e0a02000-55d0e0a07000 r-xp 00002000 08:01 42 /usr/bin/cat\n" +
		"7f0000000000-7f0000001000 r-xp 00000000 00:00 0 \n" +
		"7f0000001000-7f0000002000 r-xp 00001000 08:01 7 /tmp/a b (deleted)\n" +
		"7ffd00000000-7ffd00001000 r-xp 00000000 00:00 0 [vdso]\n"
	want := []mapping{
		{0x55d0e0a02000, 0x55d0e0a07000, 0x2000, "/usr/bin/cat"},
		{0x7f0000001000, 0x7f0000002000, 0x1000, "/tmp/a b (deleted)"},
	}
	if diff := cmp.Diff(want, parseMaps(in), cmp.AllowUnexported(mapping{})); diff != "" {
		t.Errorf("parseMaps mismatch (-want +got):\n%s", diff)
	}
}

func TestKernelSymbol(t *testing.T) {
	t.Parallel()
	s := New(&Options{KallsymsPath: "testdata/kallsyms"}).Symbolizer(false)
	defer s.Close()
	if name, off, ok := s.KernelSymbol(0xffffffff816d5375); !ok || name != "vfs_read" || off != 5 {
		t.Errorf("KernelSymbol = %s+%d, %v; want vfs_read+5", name, off, ok)
	}
}

// TestSymbolsOfExitedProcess records the mappings of a process that runs
// for about a millisecond, and resolves an address of its main function,
// and one of libc, after it has exited.
func TestSymbolsOfExitedProcess(t *testing.T) {
	bpftest.RequireBPF(t)
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		testenv.Missing(t, "gcc is not installed")
	}
	dir := t.TempDir()
	src, bin := filepath.Join(dir, "short.c"), filepath.Join(dir, "short")
	os.WriteFile(src, []byte("int gt_short(int x) { return x + 1; }\nint main(void) { return gt_short(-1); }\n"), 0o644)
	if out, err := exec.Command(gcc, "-O0", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	s := New(nil).Symbolizer(true)
	defer s.Close()
	if len(s.rings) == 0 {
		t.Fatal("no mapping recorder: perf_event_open failed")
	}
	cmd := exec.Command(bin)
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	pid := uint32(cmd.Process.Pid)
	s.mu.Lock()
	s.drain()
	ms := s.recorded[pid]
	s.mu.Unlock()
	addr := runtimeAddr(t, ms, bin, "gt_short")
	if name, off, module, ok := s.UserSymbol(pid, addr+3); !ok || name != "gt_short" || off != 3 || module != bin {
		t.Errorf("UserSymbol(gt_short+3) = %s+%d (%s), %v; want gt_short+3 (%s)", name, off, module, ok, bin)
	}
	for _, m := range ms {
		if strings.Contains(m.path, "libc.so") {
			if _, _, module, _ := s.UserSymbol(pid, m.start); module != m.path {
				t.Errorf("libc address: module %q, want %q", module, m.path)
			}
			return
		}
	}
	t.Errorf("no libc mapping recorded for pid %d: %+v", pid, ms)
}

// runtimeAddr returns where function fn of the file bin was mapped in ms.
func runtimeAddr(t *testing.T, ms []mapping, bin, fn string) uint64 {
	t.Helper()
	f, err := elfsym.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	sym, ok := f.Func(fn)
	if !ok {
		t.Fatalf("%s has no %s", bin, fn)
	}
	off, err := f.Offset(sym.Addr)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.path == bin && off >= m.off && off < m.off+(m.end-m.start) {
			return m.start + off - m.off
		}
	}
	t.Fatalf("no recorded mapping of %s holds offset %#x: %+v", bin, off, ms)
	return 0
}
