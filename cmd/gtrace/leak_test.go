package main

// This file checks that nothing stays in the kernel after gtrace exits, for
// every way it can exit: exit(), Ctrl-C (SIGINT), SIGTERM, the end of a -c
// command, and the death of a -p process. Each run uses a map with a name
// unique to the run; after gtrace has exited, no BPF map, program or link
// that refers to it may remain (maps are freed with the last program that
// uses them, programs with their last link or perf event).

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cilium/ebpf"

	"github.com/gtrace/gtrace/internal/bpftest"
)

// gtraceCmd returns a command running this test binary as gtrace.
func gtraceCmd(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "GTRACE_AS_MAIN=1")
	return cmd
}

// mapsNamed returns the ids of the kernel's BPF maps called name.
func mapsNamed(t *testing.T, name string) []ebpf.MapID {
	t.Helper()
	var ids []ebpf.MapID
	for id := ebpf.MapID(0); ; {
		next, err := ebpf.MapGetNextID(id)
		if err != nil {
			return ids
		}
		id = next
		m, err := ebpf.NewMapFromID(id)
		if err != nil {
			continue // freed meanwhile
		}
		if info, err := m.Info(); err == nil && info.Name == name {
			ids = append(ids, id)
		}
		m.Close()
	}
}

// waitGone waits until no map called name exists. The kernel frees BPF
// objects after an RCU grace period, so this polls; a leak fails after a
// generous deadline (this is a correctness check, not a timing assertion).
func waitGone(t *testing.T, name string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for len(mapsNamed(t, name)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("map %s still exists after gtrace exited: gtrace leaked kernel objects", name)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startAndWait starts cmd and waits until its output shows it attached.
func startAndWait(t *testing.T, cmd *exec.Cmd, out *syncBuffer) {
	t.Helper()
	startUntil(t, cmd, out, "Attaching")
}

// readyProbe, appended to a script, prints "ready" once every probe is
// attached: gtrace attaches interval and profile probes last, in the
// script's order, so this one comes after all the others. ("Attaching N
// probes..." is printed before the probes attach.)
const readyProbe = ` interval:ms:10 { printf("ready\n"); }`

// startUntil starts cmd and waits until its output shows marker.
func startUntil(t *testing.T, cmd *exec.Cmd, out *syncBuffer, marker string) {
	t.Helper()
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(out.String(), marker) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("gtrace did not print %q within a minute: %s", marker, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestNoLeakAfterExit(t *testing.T) {
	bpftest.RequireBPF(t)
	for i, tc := range []struct {
		name string
		run  func(t *testing.T, script string) string
	}{
		{"exit", func(t *testing.T, script string) string {
			out, _ := gtraceCmd("-e", script+" interval:ms:50 { exit(); }").CombinedOutput()
			return string(out)
		}},
		{"SIGINT", signalRun(syscall.SIGINT)},
		{"SIGTERM", signalRun(syscall.SIGTERM)},
		{"child", func(t *testing.T, script string) string {
			out, _ := gtraceCmd("-c", "/bin/sleep 0.2", "-e", script).CombinedOutput()
			return string(out)
		}},
		{"pid", func(t *testing.T, script string) string {
			target := newPipedCat(t)
			var out syncBuffer
			cmd := gtraceCmd("-p", fmt.Sprint(target.pid()), "-e", script+readyProbe)
			startUntil(t, cmd, &out, "ready\n")
			target.close()
			cmd.Wait()
			return out.String()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := fmt.Sprintf("lk%d_%d", os.Getpid()%100000, i)
			script := fmt.Sprintf("tracepoint:syscalls:sys_enter_getpid, tracepoint:sched:sched_switch, interval:ms:10, profile:hz:99 { @%s = count(); }", name)
			out := tc.run(t, script)
			if !strings.Contains(out, "@"+name+": ") {
				t.Fatalf("gtrace did not run the script to its end; output:\n%s", out)
			}
			waitGone(t, "AT_"+name)
		})
	}
}

func signalRun(sig syscall.Signal) func(t *testing.T, script string) string {
	return func(t *testing.T, script string) string {
		var out syncBuffer
		cmd := gtraceCmd("-e", script+readyProbe)
		startUntil(t, cmd, &out, "ready\n") // some events counted
		cmd.Process.Signal(sig)
		if err := cmd.Wait(); err != nil {
			t.Errorf("gtrace after %v: %v", sig, err)
		}
		return out.String()
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
