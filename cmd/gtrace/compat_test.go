package main

// TestBpftraceCompat runs every script in testdata/compat/*.gt with the
// installed bpftrace 0.17 and with gtrace, and requires the same standard
// output, byte for byte, and the same exit code.
//
// Corpus format: one script per file. Its first lines may be comments that
// set the command line:
//
//	// args: -f json -q     flags, placed before the script file
//	// params: 7 hello      positional parameters, placed after it
//
// A script named error_*.gt must be rejected by bpftrace (the test then
// checks that gtrace fails too, with the same exit code and stdout); every
// other script must succeed in bpftrace, so that a typo cannot make both
// tools fail alike and pass unnoticed.
//
// Scripts must be deterministic for both tools: BEGIN and END probes only (or
// interval:ms:N { exit(); }), no comm, pid, time or other per-process
// values, and no map whose sort order depends on ties (bpftrace orders equal
// values by the kernel's hash iteration order, which is seeded at random).
// An interval probe that calls exit() may fire again before the tools
// detach, and print(@m) reads the map when its output is written, so such
// scripts stop changing their maps with a predicate once they call exit(),
// print from the probe and clear their maps in END.
// Standard error is not compared: bpftrace warns there that it cannot raise
// RLIMIT_MEMLOCK on these machines. When bpftrace prints nothing where
// gtrace prints output, bpftrace is run again (see bpftraceRetries), since
// under load it occasionally loses its whole output.
//
// Scripts where gtrace differs for reasons outside runtime/format are kept
// in testdata/compat/known/ and listed in knownDiffs with the reason; the
// test requires them to still differ, so that a fix shows up as a failure
// asking to move the script into the main corpus.

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gtrace/gtrace/internal/testenv"
)

// bpftracePath is where Debian installs bpftrace (.ci/run installs it).
const bpftracePath = "/usr/bin/bpftrace"

// knownDiffs maps each script in testdata/compat/known/ to the reason gtrace's
// output differs from bpftrace 0.17's.
var knownDiffs = map[string]string{
	"add_assign_new_map.gt": "checker: bpftrace 0.17 types a map first set by \"@y += 5\" as uint64 " +
		"(after @y -= 7 it prints 18446744073709551614); gtrace keeps it signed (-2)",
	"signed_division.gt": "deliberate: bpftrace 0.17 divides, takes remainders and shifts signed ints as unsigned " +
		"(-3 / 2 is 9223372036854775806, -3 % 2 is 1, -3 >> 1 is 9223372036854775806) and warns that this is " +
		"undefined behaviour (BPF had no signed division); gtrace gives C's results (-1 -1 -2) for variables and constants alike",
	"printf_count_map.gt": "checker: bpftrace 0.17 rejects reading a count/sum/min/max map in an expression " +
		"(\"%d specifier expects a value of type integer (count supplied)\", exit 1); bpftrace 0.21 allows such reads " +
		"and LANGUAGE.md asks for both versions' scripts, so gtrace reads it as an integer",
	"printf_escaped_percent_d.gt": "checker: bpftrace 0.17 counts the \"%d\" of \"%%d\" as a conversion " +
		"(\"Not enough arguments for format string\", exit 1); gtrace prints 100%%d",
	"printf_i.gt": "spec: bpftrace 0.17 does not know %i (\"Too many arguments for format string\", exit 1); " +
		"LANGUAGE.md lists %i among the conversions (newer bpftrace accepts it), so gtrace prints -42",
	"max_negative.gt": "codegen: bpftrace 0.17 keeps no max() entry while every value is negative " +
		"(its max starts from 0), so @m = max(-5) prints only the blank line; gtrace prints @m: -5",
	"hist_above_4g.gt": "codegen: bpftrace 0.17's log2 saturates at the [2G, 4G) bucket, so " +
		"hist(5000000000) (and 2^40, 2^62) counts there, a bug bpftrace 0.20 fixed; gtrace counts it in [4G, 8G)",
	"compare_values.gt": "language: bpftrace 0.17 stores a comparison, && and || as an integer " +
		"(@lt: 1, @and: 0); bpftrace 0.24+ makes them bools, so gtrace prints @lt: true, @and: false " +
		"(printf %d still prints 1 and 0, and sizeof(1 == 1) stays 0.17's 8)",
	"print_large_literal.gt": "language: bpftrace 0.17 types every literal as int64, so print(18446744073709551615) " +
		"prints -1 and ~10 is -11; bpftrace 0.26 makes a literal past int64 a uint64 and ~ of a literal a uint64, " +
		"so gtrace prints 18446744073709551615, 10223372036854775807 and @x: 18446744073709551605",
	"json_large_literal.gt": "language: bpftrace 0.17 types 18446744073709551615 as int64 (JSON @a: -1); " +
		"bpftrace 0.26 makes a literal past int64 a uint64, so gtrace's JSON says 18446744073709551615",
	"tuple_in_map_key.gt": "language: bpftrace 0.17 refuses a tuple as a map key or a key element " +
		"(\"@[1, \"a\", (2, 3)]\", exit 1); bpftrace 0.26 accepts both, and @[(1, \"a\")] is the key of @[1, \"a\"], " +
		"so gtrace prints @[1, a, (2, 3)]: 1",
	"lhist_above_int32.gt": "bpftrace bug: bpftrace 0.17 truncates lhist bounds to 32 bits, so with " +
		"lhist(v, 0, 4000000000, 1000000000) it drops 3e9 (and counts 5 in a \"[-288054K, ...)\" row); " +
		"gtrace counts 3e9 in [3000000000, 3906250K)",
}

// compatRun is the outcome of one run of a script.
type compatRun struct {
	stdout string
	code   int
}

// compatArgs returns the command-line arguments for script: the flags from
// its "// args:" line, the file, then the "// params:" values.
func compatArgs(t *testing.T, script string) []string {
	t.Helper()
	src, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	var flags, params []string
	for line := range strings.Lines(string(src)) {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "//") {
			break
		}
		body := strings.TrimSpace(strings.TrimPrefix(line, "//"))
		if v, ok := strings.CutPrefix(body, "args:"); ok {
			flags = append(flags, strings.Fields(v)...)
		} else if v, ok := strings.CutPrefix(body, "params:"); ok {
			params = append(params, strings.Fields(v)...)
		}
	}
	return append(append(flags, script), params...)
}

// runCompat runs cmd and returns its standard output and exit code.
func runCompat(t *testing.T, cmd *exec.Cmd) compatRun {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return compatRun{stdout: stdout.String()}
	case errors.As(err, &exit):
		return compatRun{stdout: stdout.String(), code: exit.ExitCode()}
	}
	t.Fatalf("%s: %v\nstderr:\n%s", cmd.Path, err, stderr.String())
	return compatRun{}
}

// compatScripts returns the .gt files of dir, sorted.
func compatScripts(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.gt"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// requireBpftrace skips unless the test runs as root with bpftrace installed.
func requireBpftrace(t *testing.T) {
	t.Helper()
	testenv.RequireRoot(t, "comparing with bpftrace")
	testenv.RequireFile(t, bpftracePath, "bpftrace (package bpftrace)")
}

// bpftraceRetries is how many more times bpftrace is run when it printed
// nothing at all where gtrace printed output: under load, bpftrace 0.17 now
// and then loses its whole output. Any other difference is reported at once.
const bpftraceRetries = 2

// bothRuns runs script with gtrace and with bpftrace. bpftrace runs again
// (up to bpftraceRetries times) only while its output is empty and gtrace's
// is not.
func bothRuns(t *testing.T, script string) (bt, gt compatRun) {
	t.Helper()
	args := compatArgs(t, script)
	gt = runCompat(t, gtraceCmd(args...))
	for range 1 + bpftraceRetries {
		bt = runCompat(t, exec.Command(bpftracePath, args...))
		if bt.stdout != "" || gt.stdout == "" {
			break
		}
	}
	return bt, gt
}

func TestBpftraceCompat(t *testing.T) {
	requireBpftrace(t)
	scripts := compatScripts(t, filepath.Join("testdata", "compat"))
	if len(scripts) == 0 {
		t.Fatal("no scripts in testdata/compat")
	}
	for _, script := range scripts {
		t.Run(filepath.Base(script), func(t *testing.T) {
			t.Parallel()
			bt, gt := bothRuns(t, script)
			wantErr := strings.HasPrefix(filepath.Base(script), "error_")
			if (bt.code != 0) != wantErr {
				t.Fatalf("bpftrace 0.17 exited with %d: scripts named error_*.gt must fail, the others succeed", bt.code)
			}
			if gt.stdout != bt.stdout {
				t.Errorf("stdout differs\ngtrace:\n%s\nbpftrace 0.17:\n%s", gt.stdout, bt.stdout)
			}
			if gt.code != bt.code {
				t.Errorf("got exit code %d, want %d (bpftrace's)", gt.code, bt.code)
			}
		})
	}
}

// TestBpftraceCompatKnownDiffs keeps knownDiffs honest: each listed script
// exists and still differs, and every script in known/ is listed.
func TestBpftraceCompatKnownDiffs(t *testing.T) {
	requireBpftrace(t)
	scripts := compatScripts(t, filepath.Join("testdata", "compat", "known"))
	if len(scripts) != len(knownDiffs) {
		t.Errorf("got %d scripts in testdata/compat/known, want %d (one per knownDiffs entry)", len(scripts), len(knownDiffs))
	}
	for _, script := range scripts {
		name := filepath.Base(script)
		reason, ok := knownDiffs[name]
		if !ok {
			t.Errorf("%s is in testdata/compat/known but not in knownDiffs", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			bt, gt := bothRuns(t, script)
			if gt == bt {
				t.Errorf("gtrace now matches bpftrace 0.17 (known diff was: %s): move %s to testdata/compat and drop it from knownDiffs", reason, name)
			}
		})
	}
}
