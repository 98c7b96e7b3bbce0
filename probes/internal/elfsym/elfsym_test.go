package elfsym

import (
	"debug/elf"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gtrace/gtrace/probes/internal/stapsdt"

	"github.com/gtrace/gtrace/internal/testenv"
)

// gtadd is built from ../../testdata/uprobe/gtadd.c with gcc -O0 (a PIE,
// so link-time addresses equal file offsets in its text segment).
const gtadd = "../../testdata/uprobe/gtadd"

func TestOpen(t *testing.T) {
	t.Parallel()
	f, err := Open(gtadd)
	if err != nil {
		t.Fatal(err)
	}
	fn, ok := f.Func("gt_add")
	if !ok || fn.Size != 20 {
		t.Errorf("Func(gt_add) = %+v, %v; want a 20-byte function", fn, ok)
	}
	if _, ok := f.Func("gt_sem"); ok {
		t.Errorf("Func(gt_sem): found a data symbol")
	}
	if _, ok := f.Func("malloc"); ok {
		t.Errorf("Func(malloc): found an undefined symbol")
	}
	if off, err := f.Offset(fn.Addr); err != nil || off != fn.Addr {
		t.Errorf("Offset(%#x) = %#x, %v; want %#x", fn.Addr, off, err, fn.Addr)
	}
	if !f.Executable(fn.Addr) || f.Executable(0x4020) {
		t.Errorf("Executable: gt_add %v, gt_sem %v; want true, false", f.Executable(fn.Addr), f.Executable(0x4020))
	}
	want := []stapsdt.Probe{{Provider: "gtrace", Name: "add__done", PC: 0x11c0, Base: 0x2004, Semaphore: 0x4020, Args: "-4@%eax"}}
	if diff := cmp.Diff(want, f.USDT); diff != "" {
		t.Errorf("USDT mismatch (-want +got):\n%s", diff)
	}
	if f.Go {
		t.Errorf("gtadd: Go = true, want false")
	}
	if _, err := f.Offset(1 << 40); err == nil {
		t.Errorf("Offset(1<<40): got no error")
	}
}

// TestOpenGo reads this test binary, a Go program linked without .symtab:
// its functions come from .gopclntab.
func TestOpenGo(t *testing.T) {
	t.Parallel()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Go {
		t.Errorf("Go = false for a Go test binary")
	}
	for _, name := range []string{"main.main", "github.com/gtrace/gtrace/probes/internal/elfsym.TestOpenGo"} {
		if fn, ok := f.Func(name); !ok || !f.Executable(fn.Addr) {
			t.Errorf("Func(%q) = %+v, %v; want an executable function", name, fn, ok)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"elfsym.go", "no-such-file"} {
		if _, err := Open(path); err == nil {
			t.Errorf("Open(%q): got no error", path)
		}
	}
}

// TestDebugFile reads libc's static functions from its separate debug
// file, where libc6-dbg is installed.
func TestDebugFile(t *testing.T) {
	t.Parallel()
	const libc = "/lib/x86_64-linux-gnu/libc.so.6"
	ef, err := elf.Open(libc)
	if err != nil {
		testenv.Missing(t, "no %s: %v", libc, err)
	}
	cands := debugCandidates(ef, libc)
	ef.Close()
	if len(cands) == 0 {
		t.Fatalf("%s has neither a build ID nor a debug link", libc)
	}
	if _, err := os.Stat(cands[0]); err != nil {
		testenv.Missing(t, "libc's debug file is not installed (package libc6-dbg)")
	}
	f, err := Open(libc)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Func("malloc_consolidate"); !ok {
		t.Errorf("malloc_consolidate not found with %s installed", cands[0])
	}
}

// TestGoABI tells functions written in Go from assembly ones in this test
// binary, and finds no Go functions in a C program.
func TestGoABI(t *testing.T) {
	t.Parallel()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{
		"testing.(*T).Run": true, "main.main": true, "github.com/gtrace/gtrace/probes/internal/elfsym.TestGoABI": true,
		"runtime.memmove": false, "runtime.rt0_go": false,
	} {
		fn, ok := f.Func(name)
		if !ok {
			t.Errorf("Func(%s): not found", name)
			continue
		}
		if got := f.GoABI(fn); got != want {
			t.Errorf("GoABI(%s) = %v, want %v", name, got, want)
		}
	}
	c, err := Open(gtadd)
	if err != nil {
		t.Fatal(err)
	}
	if fn, _ := c.Func("gt_add"); c.GoABI(fn) {
		t.Errorf("GoABI(gt_add) in a C program = true")
	}
}
