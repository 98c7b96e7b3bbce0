package runtime

// This file tests when output is written: the reader batches lines in one
// buffer and writes them when the ring buffer is drained (line by line on a
// terminal), and a line is visible while the session still runs.

import (
	"bufio"
	"context"
	"encoding/binary"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/google/go-cmp/cmp"

	"github.com/gtrace/gtrace/codegen"
	"github.com/gtrace/gtrace/lang/types"

	"github.com/gtrace/gtrace/internal/testenv"
)

// writeLog records each Write as one string.
type writeLog struct{ writes []string }

func (w *writeLog) Write(p []byte) (int, error) {
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

// TestFlushPolicy feeds three printf records to a reader, the ring buffer
// reporting bytes left after the first two: one write of three lines, or,
// on a terminal, one write per line.
func TestFlushPolicy(t *testing.T) {
	evs := []*codegen.Event{{Kind: codegen.EvPrintf, Format: "line %d\n", Args: []*types.Type{types.Int64}}}
	for _, tt := range []struct {
		name string
		tty  bool
		want []string
	}{
		{"file", false, []string{"line 0\nline 1\nline 2\n"}},
		{"terminal", true, []string{"line 0\n", "line 1\n", "line 2\n"}},
	} {
		var w writeLog
		s := &Session{prog: &codegen.Program{Events: evs}, printers: newPrinters(evs),
			out: bufio.NewWriter(&w), env: &envState{}, tty: tt.tty}
		r := &reader{s: s}
		for i, remaining := range []int{48, 24, 0} {
			rec := make([]byte, 16)
			binary.NativeEndian.PutUint64(rec[8:], uint64(i))
			if _, err := r.record(rec); err != nil {
				t.Fatal(err)
			}
			r.flush(remaining, i+1)
		}
		if diff := cmp.Diff(tt.want, w.writes); diff != "" {
			t.Errorf("%s: writes (-want +got):\n%s", tt.name, diff)
		}
	}
}

// TestIsTerminal checks the terminal test on a pseudo-terminal and a file.
func TestIsTerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Errorf("a regular file is taken for a terminal")
	}
	tty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		testenv.Missing(t, "no pseudo-terminals (/dev/ptmx): %v", err)
	}
	defer tty.Close()
	if !isTerminal(tty) {
		t.Errorf("/dev/ptmx is not taken for a terminal")
	}
}

// TestOutputWhileRunning checks that BEGIN's line is written while the
// session runs, not only at exit: the ring buffer drained, the reader
// flushes.
func TestOutputWhileRunning(t *testing.T) {
	requireBPF(t)
	b := newBuilder()
	hello := b.event(codegen.Event{Kind: codegen.EvPrintf, Format: "hello\n"})
	b.probe("BEGIN", ebpf.RawTracepoint, "BEGIN", []string{"BEGIN"}, concat(emit(hello), ret()))
	// A probe attached keeps the session running until it is cancelled.
	b.probe("tp", ebpf.TracePoint, "tracepoint", []string{"tracepoint:syscalls:sys_enter_getpid"}, ret())
	var stdout lockedBuffer
	s, err := Load(b.p, &Options{Stdout: &stdout, Quiet: true, Attacher: newTracepointAttacher(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := s.Run(ctx); done <- err }()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(stdout.String(), "hello\n") && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	got := stdout.String()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got != "hello\n" {
		t.Errorf("got %q while running, want %q", got, "hello\n")
	}
}

// TestRingBufSize checks the ring buffer sizes: pages per possible CPU,
// rounded up to a power of two, the default capped.
func TestRingBufSize(t *testing.T) {
	cpus, err := ebpf.PossibleCPU()
	if err != nil {
		t.Fatal(err)
	}
	page := os.Getpagesize()
	for _, tt := range []struct {
		pages, want int
	}{
		{1, pow2(page * cpus)},
		{3, pow2(3 * page * cpus)},
		{0, min(pow2(DefaultRBPages*page*cpus), MaxDefaultRingBuf)},
	} {
		got := RingBufSize(tt.pages)
		if got != tt.want || got&(got-1) != 0 || got < page {
			t.Errorf("RingBufSize(%d) = %d, want %d (a power of two, at least a page)", tt.pages, got, tt.want)
		}
	}
}
