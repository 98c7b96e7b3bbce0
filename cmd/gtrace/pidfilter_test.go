package main

import (
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gtrace/gtrace/internal/bpftest"
)

// TestPIDFilter: -p PID runs every probe but BEGIN, END and interval only
// in that process, and ends the session when the process exits. The
// target is a cat reading a pipe from the test, so it lives until the test
// lets it go: lines are written to it until gtrace shows that it traced
// one of cat's reads (so its probes are attached, however long that took
// on a loaded machine), then the pipe is closed and cat exits.
func TestPIDFilter(t *testing.T) {
	bpftest.RequireBPF(t)
	t.Parallel()
	target := newPipedCat(t)
	var out syncBuffer
	cmd := gtraceCmd("-q", "-p", fmt.Sprint(target.pid()), "-e",
		`BEGIN { @begin = 1; } tracepoint:raw_syscalls:sys_enter { @[comm] = count(); } `+
			`tracepoint:syscalls:sys_exit_read { printf("read %d\n", args->ret); }`)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	target.feedUntil(t, func() bool { return strings.Contains(out.String(), "read 2\n") }, done, &out)
	target.close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("gtrace: %v\n%s", err, out.String())
		}
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		t.Fatalf("gtrace did not end when its -p process exited:\n%s", out.String())
	}
	got := out.String()
	for _, re := range []string{`(?m)^read 0$`, `(?m)^@\[cat\]: [1-9][0-9]*$`, `(?m)^@begin: 1$`} {
		if !regexp.MustCompile(re).MatchString(got) {
			t.Errorf("output does not match %s:\n%s", re, got)
		}
	}
	if n := strings.Count(got, "\n@["); n != 1 {
		t.Errorf("got %d keys in @, want 1 (only cat's syscalls):\n%s", n, got)
	}
}

// pipedCat is a cat process (output to /dev/null) reading a pipe that the
// test writes to: it lives until the test closes the pipe.
type pipedCat struct {
	cmd *exec.Cmd
	in  io.WriteCloser
}

func newPipedCat(t *testing.T) *pipedCat {
	t.Helper()
	cmd := exec.Command("cat")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &pipedCat{cmd: cmd, in: in}
	t.Cleanup(func() {
		c.close()
		cmd.Wait()
	})
	return c
}

func (c *pipedCat) pid() int { return c.cmd.Process.Pid }

// close closes the pipe: cat reads its end and exits.
func (c *pipedCat) close() { c.in.Close() }

// feedUntil writes a line to cat every 50 ms until ok holds. It fails the
// test when gtrace ends first (done) or ok does not hold within a minute
// (a generous bound for a loaded machine, not a timing assertion).
func (c *pipedCat) feedUntil(t *testing.T, ok func() bool, done <-chan error, out fmt.Stringer) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !ok() {
		if _, err := io.WriteString(c.in, "x\n"); err != nil {
			t.Fatalf("write to cat: %v", err)
		}
		select {
		case err := <-done:
			t.Fatalf("gtrace ended before it traced cat: %v\n%s", err, out)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("gtrace did not trace cat within a minute:\n%s", out)
		}
	}
}
