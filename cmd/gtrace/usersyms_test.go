// Tests of user-space symbols, end to end: -c targets that live about a
// millisecond (testdata/usersyms: leaf.c, goleaf) are built, traced with a
// uprobe on their leaf function, and the maps printed at exit, after the
// target is gone, must name every frame: the program's own functions,
// libc's __libc_start_call_main (through libc6-dbg's separate debug file),
// and a stripped Go program's functions (through .gopclntab).
package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gtrace/gtrace/internal/bpftest"

	"github.com/gtrace/gtrace/internal/testenv"
)

// requireTool returns the path of a program the test needs. It fails under
// CI (which installs it) and skips elsewhere.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	return testenv.LookPath(t, name)
}

// requireFile fails under CI, and skips elsewhere, when path is missing.
func requireFile(t *testing.T, path, pkg string) {
	t.Helper()
	testenv.RequireFile(t, path, path+" (package "+pkg+")")
}

// symTarget is a built target and what its frames must look like.
type symTarget struct {
	name, bin, fn string
	stack         *regexp.Regexp // the ustack key, bpftrace mode
	perf          *regexp.Regexp // the first and last lines of ustack(perf)
}

// buildSymTargets builds the C target and the Go target with and without
// symbols into dir.
func buildSymTargets(t *testing.T, dir string) []symTarget {
	t.Helper()
	gcc := requireTool(t, "gcc")
	goTool := requireTool(t, "go")
	c := filepath.Join(dir, "leaf")
	if out, err := exec.Command(gcc, "-O1", "-fno-omit-frame-pointer", "-o", c, "testdata/usersyms/leaf.c").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	g, gs := filepath.Join(dir, "goleaf"), filepath.Join(dir, "goleaf-stripped")
	for _, b := range []struct{ out, ldflags string }{{g, ""}, {gs, "-s -w"}} {
		cmd := exec.Command(goTool, "build", "-ldflags="+b.ldflags, "-o", b.out, "./testdata/usersyms/goleaf")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
	}
	cStack := regexp.MustCompile(`(?m)^@s\[\n {4}leaf\+0\n {4}mid\+\d+\n {4}main\+\d+\n {4}__libc_start_call_main\+\d+\n\]: 1$`)
	cPerf := regexp.MustCompile(`(?m)^@p\[\n\t[0-9a-f]+ leaf\+0 \(` + regexp.QuoteMeta(c) + `\)\n(\t.*\n)*\t[0-9a-f]+ __libc_start_call_main\+\d+ \(\S*/libc\.so\.6\)\n\]: 1$`)
	// A uprobe on a Go function sits after its stack check (probes'
	// funcCode.body), so the first frame is main.leaf+N.
	goStack := regexp.MustCompile(`(?m)^@s\[\n {4}main\.leaf\+\d+\n( {4}main\.main\+\d+\n)? {4}runtime\.main\+\d+\n {4}runtime\.goexit(\.abi0)?\+1\n\]: \d+$`)
	goPerf := func(bin string) *regexp.Regexp {
		return regexp.MustCompile(`(?m)^@p\[\n\t[0-9a-f]+ main\.leaf\+\d+ \(` + regexp.QuoteMeta(bin) + `\)\n(\t.*\n)*\t[0-9a-f]+ runtime\.goexit(\.abi0)?\+1 \(` + regexp.QuoteMeta(bin) + `\)\n\]: \d+$`)
	}
	return []symTarget{
		{"C", c, "leaf", cStack, cPerf},
		{"Go", g, "main.leaf", goStack, goPerf(g)},
		{"stripped Go", gs, "main.leaf", goStack, goPerf(gs)},
	}
}

// TestSymbolsAfterExit runs each target under -c 50 times (5 with -short)
// and checks that every frame, func and usym() printed at exit is a name.
// A Go uprobe may sit at the entry, where the caller's frame is not linked
// yet (main.main is then missing from the walked stack, as with bpftrace),
// or after the prologue (main.leaf+N).
func TestSymbolsAfterExit(t *testing.T) {
	bpftest.RequireBPF(t)
	t.Parallel()
	requireFile(t, "/usr/lib/debug/.build-id", "libc6-dbg")
	targets := buildSymTargets(t, t.TempDir())
	runs := 50
	if testing.Short() {
		runs = 5
	}
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			t.Parallel()
			script := fmt.Sprintf(`uprobe:%s:%s { @s[ustack] = count(); @p[ustack(perf)] = count(); @f[func] = count(); @u[usym(reg("ip"))] = count(); }`, tg.bin, tg.fn)
			funcKey := regexp.MustCompile(`(?m)^@f\[` + regexp.QuoteMeta(tg.fn) + `\]: (\d+)$`)
			usymKey := regexp.MustCompile(`(?m)^@u\[` + regexp.QuoteMeta(tg.fn) + `\]: (\d+)$`)
			good := 0
			for i := range runs {
				var out, errb bytes.Buffer
				if code := run([]string{"-q", "-c", tg.bin, "-e", script}, nil, &out, &errb); code != 0 {
					t.Fatalf("run %d: exit %d\n%s%s", i, code, out.String(), errb.String())
				}
				if msg := checkSymbols(out.String(), tg, funcKey, usymKey); msg != "" {
					t.Errorf("run %d: %s\n%s", i, msg, out.String())
					continue
				}
				good++
			}
			t.Logf("%s: symbolized in %d of %d runs", tg.name, good, runs)
		})
	}
}

// checkSymbols returns what is wrong with one run's output, "" if nothing.
// A uprobe can fire twice for one call when a signal (Go's preemption)
// interrupts its single-step, so counts are at least 3.
func checkSymbols(out string, tg symTarget, funcKey, usymKey *regexp.Regexp) string {
	if regexp.MustCompile(`\b0x[0-9a-f]+`).MatchString(out) {
		return "an address was printed in hex"
	}
	if !tg.stack.MatchString(out) {
		return "ustack is not symbolized as expected"
	}
	if !tg.perf.MatchString(out) {
		return "ustack(perf) is not symbolized as expected"
	}
	for _, re := range []*regexp.Regexp{funcKey, usymKey} {
		m := re.FindStringSubmatch(out)
		if m == nil {
			return "no key " + re.String()
		}
		if n, _ := strconv.Atoi(m[1]); n < 3 {
			return fmt.Sprintf("%s counted %d calls, want 3", tg.fn, n)
		}
	}
	return ""
}

// TestCommandOnlyInChild checks that -c runs only the command in cpid: a
// target that calls malloc exactly 100 times is counted 100 times, as
// bpftrace 0.17 counts it (a shell holding the pid first added its own
// calls), and its argv arrives split as bpftrace splits it.
func TestCommandOnlyInChild(t *testing.T) {
	bpftest.RequireBPF(t)
	gcc := requireTool(t, "gcc")
	bin := filepath.Join(t.TempDir(), "mallocn")
	if out, err := exec.Command(gcc, "-O1", "-o", bin, "testdata/usersyms/mallocn.c").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	var out, errb bytes.Buffer
	code := run([]string{"-q", "-c", bin + " 100", "-e", `uprobe:libc:malloc /pid == cpid/ { @ = count(); }`}, nil, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	if want := "\n\n@: 100\n"; out.String() != want {
		t.Errorf("malloc 100 times: got %q, want %q", out.String(), want)
	}
}

// TestListProcess lists the probes of a running python3.11 (Debian's, with
// USDT probes) with -l -p PID: the uprobes and USDT probes of its
// executable, named through /proc/PID/root, exactly as bpftrace 0.17 lists
// them.
func TestListProcess(t *testing.T) {
	const python = "/usr/bin/python3.11"
	requireFile(t, python, "python3.11")
	testenv.RequireRoot(t, "reading another process's files")
	cmd := exec.Command(python, "-c", "import sys; sys.stdin.read()")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	pid := strconv.Itoa(cmd.Process.Pid)
	var out, errb bytes.Buffer
	if code := run([]string{"-l", "-p", pid}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	prefix := "/proc/" + pid + "/root" + python + ":"
	for _, want := range []string{"uprobe:" + prefix + "Py_Initialize", "usdt:" + prefix + "python:function__entry"} {
		if !strings.Contains(out.String(), want+"\n") {
			t.Errorf("-l -p %s: %s missing", pid, want)
		}
	}
	for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		if !strings.HasPrefix(line, "uprobe:"+prefix) && !strings.HasPrefix(line, "usdt:"+prefix) {
			t.Fatalf("-l -p %s: unexpected line %q", pid, line)
		}
	}
	bt, err := exec.LookPath("bpftrace")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("bpftrace is not installed (.ci/run installs it)")
		}
		return
	}
	want, err := exec.Command(bt, "-l", "-p", pid).Output()
	if err != nil {
		t.Fatalf("bpftrace -l -p: %v", err)
	}
	if out.String() != string(want) {
		t.Errorf("-l -p differs from bpftrace 0.17's: %d lines, bpftrace %d", strings.Count(out.String(), "\n"), bytes.Count(want, []byte("\n")))
	}
}

// TestUSDTSites traces a USDT probe written at three places: every site
// fires, and "Attaching N probes..." counts sites, as bpftrace 0.17 counts
// them (4 here: three sites of gtrace:site, one of gtrace:other).
func TestUSDTSites(t *testing.T) {
	bpftest.RequireBPF(t)
	gcc := requireTool(t, "gcc")
	bin := filepath.Join(t.TempDir(), "usdtmulti")
	if out, err := exec.Command(gcc, "-O0", "-o", bin, "testdata/usersyms/usdtmulti.c").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	var out, errb bytes.Buffer
	script := fmt.Sprintf(`usdt:%s:gtrace:* { @[probe] = count(); @v[arg0] = count(); }`, bin)
	if code := run([]string{"-c", bin + " 2", "-e", script}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	want := "Attaching 4 probes...\n\n\n" +
		"@[usdt:" + bin + ":gtrace:other]: 1\n@[usdt:" + bin + ":gtrace:site]: 6\n" +
		"@v[0]: 1\n@v[1]: 1\n@v[2]: 1\n@v[100]: 1\n@v[101]: 1\n@v[200]: 1\n@v[201]: 1\n"
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

// TestUaddrSize reads globals through uaddr(): each points to an integer
// of the symbol's size, as bpftrace 0.17 types it (int32 * for an int),
// so *uaddr("gint") reads 4 bytes, not 8 (which would take in what
// follows it).
func TestUaddrSize(t *testing.T) {
	bpftest.RequireBPF(t)
	gcc := requireTool(t, "gcc")
	bin := filepath.Join(t.TempDir(), "uaddr")
	if out, err := exec.Command(gcc, "-O0", "-no-pie", "-o", bin, "testdata/usersyms/uaddr.c").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	var out, errb bytes.Buffer
	script := fmt.Sprintf(`uprobe:%s:f { @i = *uaddr("gint"); @l = *uaddr("glong"); @s = *uaddr("gshort"); @c = *uaddr("gchar"); }`, bin)
	if code := run([]string{"-q", "-c", bin, "-e", script}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	if want := "\n\n@c: -2\n@i: -5\n@l: -7\n@s: -3\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

// TestStackArgs reads the stack arguments of a C function with sarg0 and
// sarg1, as bpftrace 0.17 does (70 80).
func TestStackArgs(t *testing.T) {
	bpftest.RequireBPF(t)
	gcc := requireTool(t, "gcc")
	bin := filepath.Join(t.TempDir(), "stackargs")
	if out, err := exec.Command(gcc, "-O0", "-o", bin, "testdata/usersyms/stackargs.c").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	var out, errb bytes.Buffer
	script := fmt.Sprintf(`uprobe:%s:f { printf("%%d %%d %%d\n", sarg0, sarg1, arg5); }`, bin)
	if code := run([]string{"-q", "-c", bin, "-e", script}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	if want := "70 80 6\n\n\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

// TestArrayCompare compares int arrays read from the probed process with
// == and !=, as bpftrace 0.17 does (1 0 1 0).
func TestArrayCompare(t *testing.T) {
	bpftest.RequireBPF(t)
	gcc := requireTool(t, "gcc")
	bin := filepath.Join(t.TempDir(), "arrays")
	if out, err := exec.Command(gcc, "-O0", "-o", bin, "testdata/usersyms/arrays.c").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	var out, errb bytes.Buffer
	script := fmt.Sprintf(`struct S { int a[3]; int b[3]; int c[3]; }
uprobe:%s:f { $s = (struct S *)arg0; printf("%%d %%d %%d %%d\n", $s->a == $s->b, $s->a == $s->c, $s->a != $s->c, $s->a != $s->b); }`, bin)
	if code := run([]string{"-q", "-c", bin, "-e", script}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	if want := "1 0 1 0\n\n\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}
