package main

// This file tests the probes gtrace runs itself besides BEGIN and END:
// self:signal:SIG probes (bpftrace 0.26) run, in script order, each time
// gtrace receives SIG; SIGUSR1 then no longer prints the maps.

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gtrace/gtrace/internal/bpftest"
)

func TestSelfSignal(t *testing.T) {
	bpftest.RequireBPF(t)
	path := filepath.Join(t.TempDir(), "out")
	cmd := gtraceCmd("-o", path, "-e", `BEGIN { printf("ready\n"); }
self:signal:SIGUSR1 { printf("first"); }
self:signal:SIGUSR1 { printf(" second\n"); @n++; if (@n == 2) { exit(); } }
self:signal:SIGUSR2 { printf("usr2\n"); }`)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	// Each signal is sent once the output shows what the last one did.
	steps := []struct {
		sig  syscall.Signal
		want string // in the output before the signal is sent
	}{
		{syscall.SIGUSR1, "ready\n"},
		{syscall.SIGUSR2, "first second\n"},
		{syscall.SIGUSR1, "usr2\n"},
	}
	deadline := time.After(stopDeadline)
	for _, st := range steps {
		for !strings.Contains(readFile(path), st.want) {
			select {
			case <-done:
				t.Fatalf("gtrace exited early: %s\n%s", stderr.String(), readFile(path))
			case <-deadline:
				cmd.Process.Kill()
				t.Fatalf("no %q in the output: %s\n%s", st.want, stderr.String(), readFile(path))
			case <-time.After(20 * time.Millisecond):
			}
		}
		cmd.Process.Signal(st.sig)
	}
	select {
	case <-done:
	case <-deadline:
		cmd.Process.Kill()
		<-done
		t.Fatalf("gtrace did not exit after the second SIGUSR1: %s\n%s", stderr.String(), readFile(path))
	}
	want := "Attaching 4 probes...\nready\nfirst second\nusr2\nfirst second\n\n\n@n: 2\n"
	if got := readFile(path); got != want || cmd.ProcessState.ExitCode() != 0 {
		t.Errorf("exit %d, output:\n%q\nwant:\n%q\nstderr: %s", cmd.ProcessState.ExitCode(), got, want, stderr.String())
	}
}
