// The examples are tested at two tiers. Tier 0 (anywhere): every *.gt parses,
// checks against the fixture tracefs of package probes, and compiles. Tier 1
// (root with BPF): every example loads into the kernel verifier against the
// running kernel's tracepoints, hello.gt runs and prints exactly the
// output in its header, and syscallrate.gt counts this test's own calls.
package examples

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gtrace/gtrace/codegen"
	"github.com/gtrace/gtrace/internal/bpftest"
	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/check"
	"github.com/gtrace/gtrace/probes"
	"github.com/gtrace/gtrace/runtime"
)

func scripts(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.gt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples found: %v", err)
	}
	return files
}

func compile(t *testing.T, path string, reg *probes.Registry) *codegen.Program {
	t.Helper()
	return compileWith(t, path, reg, exampleParams(t, path))
}

// compileWith compiles an example with positional parameters.
func compileWith(t *testing.T, path string, reg *probes.Registry, params []string) *codegen.Program {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := lang.Parse(path, string(src))
	if err != nil {
		t.Fatalf("parse:\n%s", lang.FormatError(err))
	}
	info, err := (&check.Config{Resolver: reg, Params: params}).Check(f)
	if err != nil {
		t.Fatalf("check:\n%s", lang.FormatError(err))
	}
	prog, err := codegen.Compile(f, info, nil)
	if err != nil {
		t.Fatalf("compile:\n%s", lang.FormatError(err))
	}
	return prog
}

func TestExamplesCompile(t *testing.T) {
	t.Parallel()
	reg := probes.New(&probes.Options{TracefsRoot: "../probes/testdata/tracefs"})
	for _, path := range scripts(t) {
		t.Run(path, func(t *testing.T) {
			prog := compile(t, path, reg)
			if len(prog.Probes) == 0 {
				t.Errorf("%s compiled to no programs", path)
			}
		})
	}
}

func TestExamplesLoad(t *testing.T) {
	bpftest.RequireBPF(t)
	reg := probes.New(nil)
	for _, path := range scripts(t) {
		t.Run(path, func(t *testing.T) {
			prog := compile(t, path, reg)
			var out bytes.Buffer
			s, err := runtime.Load(prog, &runtime.Options{Stdout: &out, Stderr: &out, DryRun: true, Attacher: reg})
			if err != nil {
				t.Fatalf("load:\n%s", lang.FormatError(err))
			}
			s.Close()
		})
	}
}

// sampleOutput returns the sample output of an example's header: the
// comment lines after the usage line and a blank comment line.
func sampleOutput(t *testing.T, path string) string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	inSample := false
	for _, line := range strings.Split(string(src), "\n") {
		if !strings.HasPrefix(line, "//") {
			if inSample {
				break
			}
			continue
		}
		text := strings.TrimPrefix(strings.TrimPrefix(line, "//"), " ")
		if strings.HasPrefix(text, "usage:") {
			inSample = true
			continue
		}
		if inSample && (text != "" || len(out) > 0) {
			out = append(out, text)
		}
	}
	return strings.Join(out, "\n") + "\n"
}

func TestHelloRuns(t *testing.T) {
	bpftest.RequireBPF(t)
	reg := probes.New(nil)
	prog := compile(t, "hello.gt", reg)
	var out, errs bytes.Buffer
	s, err := runtime.Load(prog, &runtime.Options{Stdout: &out, Stderr: &errs, Attacher: reg})
	if err != nil {
		t.Fatalf("load:\n%s", lang.FormatError(err))
	}
	defer s.Close()
	if code, err := s.Run(context.Background()); err != nil || code != 0 {
		t.Fatalf("run: code %d, err %v, stderr %s", code, err, errs.String())
	}
	// bpftrace ends every run with two newlines before the (here empty) map dump.
	want := sampleOutput(t, "hello.gt") + "\n\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("hello.gt output (-want +got):\n%s", diff)
	}
}

// TestSyscallRateRuns runs syscallrate.gt while this test makes 5000
// getppid calls: the for loop over the per-command map must list this
// process with at least that many calls, and @rate must print as a chart
// of 100 ms rows (at most the 30 the tseries keeps).
func TestSyscallRateRuns(t *testing.T) {
	bpftest.RequireBPF(t)
	reg := probes.New(nil)
	prog := compile(t, "syscallrate.gt", reg)
	var out, errs bytes.Buffer
	s, err := runtime.Load(prog, &runtime.Options{Stdout: &out, Stderr: &errs, Attacher: reg, Quiet: true, NoExitMaps: true})
	if err != nil {
		t.Fatalf("load:\n%s", lang.FormatError(err))
	}
	defer s.Close()
	go func() {
		time.Sleep(500 * time.Millisecond) // once the probes are attached
		for range 5000 {
			syscall.Getppid()
		}
	}()
	if code, err := s.Run(context.Background()); err != nil || code != 0 {
		t.Fatalf("run: code %d, err %v, stderr %s", code, err, errs.String())
	}
	comm := filepath.Base(os.Args[0])
	if len(comm) > 15 {
		comm = comm[:15]
	}
	self := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(comm) + ` +([0-9]+)$`).FindStringSubmatch(out.String())
	if self == nil {
		t.Fatalf("no line for %s in:\n%s", comm, out.String())
	}
	// @bycomm[comm]++ is a plain read-modify-write: two threads of this
	// process on two CPUs can lose an update, so allow a few.
	if n, _ := strconv.Atoi(self[1]); n < 4900 {
		t.Errorf("%s made %d system calls, want at least 4900", comm, n)
	}
	if !strings.Contains(out.String(), "@rate:\n") || !strings.Contains(out.String(), "hh:mm:ss.ms  |___") {
		t.Fatalf("no @rate chart in:\n%s", out.String())
	}
	rows := regexp.MustCompile(`(?m)^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} [|*].{51}[|*] ([0-9]+|-)$`).FindAllString(out.String(), -1)
	if len(rows) < 10 || len(rows) > 30 {
		t.Errorf("@rate has %d rows, want 10 to 30:\n%s", len(rows), out.String())
	}
}
