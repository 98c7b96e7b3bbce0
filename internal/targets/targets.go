// Package targets builds the user-space programs that tier-1 tests trace
// with uprobes: a Go program (gotarget, a package of this module) and C
// programs (testdata/*.c, built with gcc). Each is built into the test's
// temporary directory. Under CI=true a missing compiler fails the test;
// elsewhere the test is skipped, naming the compiler.
package targets

import (
	_ "embed"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gtrace/gtrace/internal/testenv"
)

var (
	//go:embed testdata/ctarget.c
	ctarget []byte
	//go:embed testdata/cmalloc.c
	cmalloc []byte
	//go:embed testdata/cstacks.c
	cstacks []byte
)

// C sources by name.
var cSources = map[string][]byte{"ctarget": ctarget, "cmalloc": cmalloc, "cstacks": cstacks}

// Go builds the Go program gotarget (see its doc) with the options
// given to "go build" (such as "-ldflags=-s -w"), and returns its path.
func Go(tb testing.TB, flags ...string) string {
	tb.Helper()
	gobin := lookup(tb, "go")
	bin := filepath.Join(tb.TempDir(), "gotarget")
	args := append([]string{"build", "-o", bin}, flags...)
	args = append(args, "github.com/gtrace/gtrace/internal/targets/gotarget")
	if out, err := exec.Command(gobin, args...).CombinedOutput(); err != nil {
		tb.Fatalf("go build gotarget: %v\n%s", err, out)
	}
	return bin
}

// C builds the C program name (testdata/NAME.c) with gcc -g -O0 and the
// flags given, and returns its path.
func C(tb testing.TB, name string, flags ...string) string {
	tb.Helper()
	src, ok := cSources[name]
	if !ok {
		tb.Fatalf("no C target %q", name)
	}
	gcc := lookup(tb, "gcc")
	dir := tb.TempDir()
	file := filepath.Join(dir, name+".c")
	if err := os.WriteFile(file, src, 0o644); err != nil {
		tb.Fatal(err)
	}
	bin := filepath.Join(dir, name)
	args := append([]string{"-g", "-O0", "-o", bin, file}, flags...)
	if out, err := exec.Command(gcc, args...).CombinedOutput(); err != nil {
		tb.Fatalf("gcc: %v\n%s", err, out)
	}
	return bin
}

// lookup finds a compiler in $PATH: a missing one fails under CI=true
// (.ci/run installs it) and skips elsewhere.
func lookup(tb testing.TB, name string) string {
	tb.Helper()
	return testenv.LookPath(tb, name)
}
