package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gtrace/gtrace/internal/bpftest"
)

// buildCommand is README.md's build command, without "-o gtrace".
const buildCommand = "CGO_ENABLED=0 go build -o gtrace ./cmd/gtrace"

// TestStaticBinary builds gtrace as README.md says and checks that the
// binary is statically linked: no program interpreter, no needed shared
// libraries. (A plain "go build" links libc through cgo: net, which
// readline and the metrics server use, has a cgo resolver.)
func TestStaticBinary(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), buildCommand) {
		t.Fatalf("README.md does not give the build command %q", buildCommand)
	}
	bin := filepath.Join(t.TempDir(), "gtrace")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", buildCommand, err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("the binary has a program interpreter (PT_INTERP): it is dynamically linked")
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
		t.Errorf("the binary needs shared libraries %q (%v), want none", libs, err)
	}
	t.Run("aot", func(t *testing.T) { testAOT(t, bin) })
}

// testAOT writes an --aot executable with the gtrace binary bin and runs
// it with program options, then makes another from that copy.
func testAOT(t *testing.T, bin string) {
	bpftest.RequireBPF(t)
	dir := t.TempDir()
	prog := `BEGIN { print((getopt("aa", 10), getopt("cc", true), getopt("dd"), getopt("ee", "hello"), $1)); }`
	if out, err := exec.Command(bin, "-e", prog, "--aot", filepath.Join(dir, "prog")).CombinedOutput(); err != nil {
		t.Fatalf("gtrace --aot: %v\n%s", err, out)
	}
	out, err := exec.Command(filepath.Join(dir, "prog"), "-q", "pos", "--", "--dd", "--aa=20", "--cc=False").CombinedOutput()
	if want := "(20, false, true, hello, pos)\n\n\n"; err != nil || string(out) != want {
		t.Errorf("prog -q pos -- --dd --aa=20 --cc=False: %v, output %q, want %q", err, out, want)
	}
	// A copy made by a copy carries only its own program.
	if out, err := exec.Command(filepath.Join(dir, "prog"), "--aot", filepath.Join(dir, "prog2")).CombinedOutput(); err != nil {
		t.Fatalf("prog --aot: %v\n%s", err, out)
	}
	out, err = exec.Command(filepath.Join(dir, "prog2"), "-q", "x").CombinedOutput()
	if want := "(10, true, false, hello, x)\n\n\n"; err != nil || string(out) != want {
		t.Errorf("prog2 -q x: %v, output %q, want %q", err, out, want)
	}
	a, _ := os.Stat(filepath.Join(dir, "prog"))
	b, _ := os.Stat(filepath.Join(dir, "prog2"))
	if a == nil || b == nil || a.Size() != b.Size() {
		t.Errorf("prog2 is not the size of prog: %v, %v", a, b)
	}
}
