package main

// This file checks that SIGINT and SIGTERM stop gtrace however much work is
// queued: during a flood of printf output and during a system() feedback
// loop (each command run schedules, each schedule runs a command), END runs
// and the maps are printed. bpftrace's own "sigint under heavy load" case
// (from ../shared/conformance beside the repository) is run as its runner
// runs it. No timing is asserted: a generous deadline only keeps a hang from
// blocking the suite.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gtrace/gtrace/internal/bpftest"

	"github.com/gtrace/gtrace/internal/testenv"
)

// stopDeadline bounds how long a stopped gtrace may take to exit before the
// test calls it hung.
const stopDeadline = 60 * time.Second

func TestSignalUnderLoad(t *testing.T) {
	bpftest.RequireBPF(t)
	self := fmt.Sprint(os.Getpid())
	loads := []struct {
		name string
		args []string
		// busy reports, from the output so far, that the load is running.
		busy func(out string) bool
		want []string
	}{
		{"printf flood", []string{"-e", `tracepoint:syscalls:sys_enter_getppid /pid == $1/ { printf("%d %d\n", pid, nsecs); @c = count(); }
END { printf("end\n"); }`, self},
			func(out string) bool { return strings.Count(out, "\n") > 1000 },
			[]string{"\nend\n", "\n@c: "}},
		{"system loop", []string{"--unsafe", "-e", `tracepoint:sched:sched_switch { system("echo foo"); @n = count(); }
END { printf("end\n"); }`},
			func(out string) bool { return strings.Count(out, "foo\n") > 10 },
			[]string{"\nend\n", "\n@n: "}},
	}
	for _, l := range loads {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
			t.Run(l.name+"/"+sig.String(), func(t *testing.T) {
				var stop atomic.Bool
				defer stop.Store(true)
				go func() { // the flood's source: getppid() in this process
					for !stop.Load() {
						unix.Getppid()
					}
				}()
				out, code := runUntilBusy(t, l.args, l.busy, sig)
				if code != 0 {
					t.Errorf("exit code %d after %v, want 0; output ends:\n%s", code, sig, tail(out))
				}
				for _, w := range l.want {
					if !strings.Contains(out, w) {
						t.Errorf("after %v, got no %q in the output (END and the map print); output ends:\n%s", sig, w, tail(out))
					}
				}
			})
		}
	}
}

// runUntilBusy runs gtrace with args and its output in a file, waits until
// busy says the load runs, sends sig and returns the output and exit code.
func runUntilBusy(t *testing.T, args []string, busy func(string) bool, sig syscall.Signal) (string, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out")
	cmd := gtraceCmd(append([]string{"-o", path}, args...)...)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	deadline := time.After(stopDeadline)
	for read := ""; !busy(read); read = readFile(path) {
		select {
		case <-done:
			t.Fatalf("gtrace exited before the load started: %s\n%s", stderr.String(), tail(read))
		case <-deadline:
			cmd.Process.Kill()
			t.Fatalf("the load did not start: %s\n%s", stderr.String(), tail(read))
		case <-time.After(20 * time.Millisecond):
		}
	}
	cmd.Process.Signal(sig)
	select {
	case <-done:
	case <-time.After(stopDeadline):
		cmd.Process.Kill()
		<-done
		t.Fatalf("gtrace did not stop after %v", sig)
	}
	return readFile(path) + stderr.String(), cmd.ProcessState.ExitCode()
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

// tail is the end of a long output, for failure messages.
func tail(s string) string {
	if len(s) > 2000 {
		return "..." + s[len(s)-2000:]
	}
	return s
}

// TestSigintConformance runs bpftrace's "sigint under heavy load" cases as
// ../shared/conformance/run runs them: the program with --unsafe, SIGINT two
// seconds after it attached (the case's "./testprogs/syscall nanosleep 2e9;
// pkill -SIGINT bpftrace"), and the case's expected regexp searched in
// stdout and stderr.
func TestSigintConformance(t *testing.T) {
	bpftest.RequireBPF(t)
	cases := conformanceCases(t, "sigint under heavy load")
	for _, c := range cases {
		t.Run(c["source_file"], func(t *testing.T) {
			var out syncBuffer
			cmd := gtraceCmd("--unsafe", "-e", c["program"])
			startAndWait(t, cmd, &out)
			time.Sleep(2 * time.Second)
			cmd.Process.Signal(syscall.SIGINT)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("gtrace after SIGINT: %v", err)
				}
			case <-time.After(stopDeadline):
				cmd.Process.Kill()
				<-done
				t.Fatalf("gtrace did not stop after SIGINT")
			}
			re := regexp.MustCompile("(?m)" + pyLookahead(c["expect"]))
			if !re.MatchString(out.String()) {
				t.Errorf("no match for %s in the output; it ends:\n%s", c["expect"], tail(out.String()))
			}
		})
	}
}

// pyLookahead rewrites the runner's Python "\A(?=X)" (X anywhere) as X,
// since Go's regexp has no lookahead.
func pyLookahead(re string) string {
	if strings.HasPrefix(re, `\A(?=`) && strings.HasSuffix(re, ")") {
		return re[len(`\A(?=`) : len(re)-1]
	}
	return re
}

// conformanceCases returns the cases called name in
// ../shared/conformance/bpftrace-cases.tsv: header-named, tab-separated
// columns with backslash escapes. Without the file the test skips, and
// fails under CI=true.
func conformanceCases(t *testing.T, name string) []map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sharedDir(), "conformance", "bpftrace-cases.tsv"))
	if err != nil {
		testenv.Missing(t, "no conformance cases (../shared/conformance): %v", err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	head := strings.Split(lines[0], "\t")
	var cases []map[string]string
	for _, line := range lines[1:] {
		c := map[string]string{}
		for i, v := range strings.Split(line, "\t") {
			if i < len(head) {
				c[head[i]] = unescapeTSV(v)
			}
		}
		if c["name"] == name {
			cases = append(cases, c)
		}
	}
	if len(cases) == 0 {
		t.Fatalf("no conformance case called %q", name)
	}
	return cases
}

// unescapeTSV undoes the TSV's escapes: \\ \n \t \r (others stay as written).
func unescapeTSV(s string) string {
	r := strings.NewReplacer(`\\`, `\`, `\n`, "\n", `\t`, "\t", `\r`, "\r")
	return r.Replace(s)
}
