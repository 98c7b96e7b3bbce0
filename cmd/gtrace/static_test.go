package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildCommand is README.md's build command, without "-o gtrace".
const buildCommand = "CGO_ENABLED=0 go build -o gtrace ./cmd/gtrace"

// TestStaticBinary builds gtrace as README.md says and checks that the
// binary is statically linked: no program interpreter, no needed shared
// libraries. (A plain "go build" links libc through cgo: net, which
// readline and the metrics server use, has a cgo resolver.)
func TestStaticBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped: -short (builds gtrace)")
	}
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
}
