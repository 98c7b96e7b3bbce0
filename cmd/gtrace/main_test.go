// The CLI is tested with testscript: each file in testdata/script is a txtar
// archive whose comment section is a script of commands (`exec gtrace ...`,
// `stdout regexp`, `! stderr .`, `cmp stdout want.txt`) run in a fresh work
// directory holding the archive's files. The gtrace command inside the scripts
// is this test binary re-executed as gtrace (testscript.Main).
//
// Conditions: [root] holds when running as root; [bpf] when BPF programs can
// be loaded (root and /sys/fs/bpf or bpf() usable). Kernel tests use [bpf] and
// skip with that condition's name otherwise. [fentry] holds when the kernel
// loads BPF_PROG_TYPE_TRACING (fentry/fexit) programs, which kfunc and
// kretfunc probes are. `go test ./cmd/gtrace -update`
// rewrites the expected files of cmp commands.
package main

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/features"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gtrace/gtrace/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the expected output of cmp commands in testdata/script")

func TestMain(m *testing.M) {
	// Go tests that need the real command re-execute this binary with
	// GTRACE_AS_MAIN=1 (see gtraceCmd).
	if os.Getenv("GTRACE_AS_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	testscript.Main(m, map[string]func(){
		"gtrace": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Condition:     condition,
		Cmds:          map[string]func(*testscript.TestScript, bool, []string){"status": status},
		Setup: func(env *testscript.Env) error {
			env.Setenv("SHARED", sharedDir())
			return nil
		},
	})
}

// sharedDir is ../shared next to the repository, where the conformance data lives.
func sharedDir() string {
	wd, _ := os.Getwd()
	return wd + "/../../../shared"
}

func condition(cond string) (bool, error) {
	switch cond {
	case "root":
		return os.Geteuid() == 0, nil
	case "bpf":
		if !canLoadBPF() && testenv.CI() {
			return false, errors.New("[bpf] does not hold: CI=true runs as root on a kernel with BPF")
		}
		return canLoadBPF(), nil
	case "fentry":
		return canLoadBPF() && features.HaveProgramType(ebpf.Tracing) == nil, nil
	}
	return false, nil
}

func canLoadBPF() bool {
	if os.Geteuid() != 0 {
		return false
	}
	p, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type:         ebpf.SocketFilter,
		License:      "GPL",
		Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()},
	})
	if err != nil {
		return false
	}
	p.Close()
	return true
}

// status runs "status N command [args...]": the command must exit with
// status N (docs/errors.md). Its stdout and stderr are kept for the
// commands that follow, as exec keeps them.
func status(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status N command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("status: %v", err)
	}
	got := 0
	var ee *exec.ExitError
	if err := ts.Exec(args[1], args[2:]...); errors.As(err, &ee) {
		got = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("%s: %v", args[1], err)
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}
