// Tier-1 tests: they attach a tiny counting program (built here with
// cilium/ebpf/asm) to real probes, trigger them and read the count. They
// need root and BPF and skip, naming the reason, without them.
package probes

import (
	"errors"
	"io"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"golang.org/x/sys/unix"

	"github.com/gtrace/gtrace/internal/bpftest"
	"github.com/gtrace/gtrace/internal/testenv"
)

// counter is a one-entry array map of {u64 count; u64 cookie} and a program
// that increments count and stores its BPF cookie on every run.
type counter struct {
	m    *ebpf.Map
	prog *ebpf.Program
}

func newCounter(t *testing.T, typ ebpf.ProgramType, withCookie bool) *counter {
	t.Helper()
	return newCounterFor(t, typ, ebpf.AttachNone, withCookie)
}

// newCounterFor is newCounter with an expected attach type (for multi
// links).
func newCounterFor(t testing.TB, typ ebpf.ProgramType, at ebpf.AttachType, withCookie bool) *counter {
	t.Helper()
	m, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.Array, KeySize: 4, ValueSize: 16, MaxEntries: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	insns := asm.Instructions{
		asm.Mov.Reg(asm.R6, asm.R1),
		asm.StoreImm(asm.R10, -4, 0, asm.Word),
		asm.LoadMapPtr(asm.R1, m.FD()),
		asm.Mov.Reg(asm.R2, asm.R10),
		asm.Add.Imm(asm.R2, -4),
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, "out"),
		asm.Mov.Reg(asm.R7, asm.R0),
		asm.Mov.Imm(asm.R1, 1),
		asm.StoreXAdd(asm.R7, asm.R1, asm.DWord),
	}
	if withCookie {
		insns = append(insns,
			asm.Mov.Reg(asm.R1, asm.R6),
			asm.FnGetAttachCookie.Call(),
			asm.StoreMem(asm.R7, 8, asm.R0, asm.DWord),
		)
	}
	insns = append(insns, asm.Mov.Imm(asm.R0, 0).WithSymbol("out"), asm.Return())
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{Type: typ, AttachType: at, License: "GPL", Instructions: insns})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { prog.Close() })
	return &counter{m: m, prog: prog}
}

func (c *counter) read(t *testing.T) (count, cookie uint64) {
	t.Helper()
	var v [2]uint64
	if err := c.m.Lookup(uint32(0), &v); err != nil {
		t.Fatal(err)
	}
	return v[0], v[1]
}

// waitCount polls until the count is at least n or a generous deadline
// passes; it is not a timing assertion.
func (c *counter) waitCount(t *testing.T, n uint64, trigger func()) uint64 {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if trigger != nil {
			trigger()
		}
		got, _ := c.read(t)
		if got >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func getpids() {
	for range 10 {
		syscall.Getpid()
	}
}

// openFDs counts this process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

func TestAttach(t *testing.T) {
	bpftest.RequireBPF(t)
	tests := []struct {
		name    string
		probe   string
		typ     ebpf.ProgramType
		cookie  bool
		trigger func()
	}{
		{"tracepoint", "tracepoint:syscalls:sys_enter_getpid", ebpf.TracePoint, true, getpids},
		{"rawtracepoint", "rawtracepoint:sys_enter", ebpf.RawTracepoint, false, getpids},
		{"interval", "interval:ms:10", ebpf.PerfEvent, true, nil},
		{"interval hz", "interval:hz:100", ebpf.PerfEvent, true, nil},
		{"profile", "profile:hz:199", ebpf.PerfEvent, true, spin},
		{"software", "software:cpu-clock:100000", ebpf.PerfEvent, true, spin},
		{"software as written", "software:cpu", ebpf.PerfEvent, true, spin},
	}
	r := New(&Options{Stderr: os.Stderr})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCounter(t, tt.typ, tt.cookie)
			before := openFDs(t)
			cl, err := r.Attach(c.prog, tt.probe, 42)
			if err != nil {
				t.Fatalf("Attach(%q): %v", tt.probe, err)
			}
			if got := c.waitCount(t, 1, tt.trigger); got < 1 {
				t.Errorf("%s fired %d times, want at least 1", tt.probe, got)
			}
			if _, cookie := c.read(t); tt.cookie && cookie != 42 {
				t.Errorf("cookie = %d, want 42", cookie)
			}
			if err := cl.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if err := cl.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
			if after := openFDs(t); after != before {
				t.Errorf("open fds after Close = %d, want %d as before Attach", after, before)
			}
			n1, _ := c.read(t)
			if tt.trigger != nil {
				tt.trigger()
			} else {
				time.Sleep(50 * time.Millisecond)
			}
			if n2, _ := c.read(t); n2 != n1 {
				t.Errorf("count went from %d to %d after Close, want no change", n1, n2)
			}
		})
	}
}

// spin keeps a CPU busy for a moment, so per-CPU timers fire.
func spin() {
	end := time.Now().Add(20 * time.Millisecond)
	for time.Now().Before(end) {
	}
}

// TestAttachHardware counts CPU cycles where the machine has a PMU; where
// it has none, attaching must fail with ErrNotSupported, and the test
// skips naming the missing PMU.
func TestAttachHardware(t *testing.T) {
	bpftest.RequireBPF(t)
	c := newCounter(t, ebpf.PerfEvent, false)
	cl, err := New(nil).Attach(c.prog, "hardware:cpu-cycles:100000", 0)
	if errors.Is(err, ErrNotSupported) {
		// The cause stays wrapped: perf_event_open's errno.
		if !errors.Is(err, unix.ENOENT) && !errors.Is(err, unix.EOPNOTSUPP) {
			t.Errorf("%v: the perf_event_open errno is not wrapped", err)
		}
		testenv.NoKernelFeature(t, "a hardware PMU (hardware perf events)", err)
	}
	if err != nil {
		t.Fatalf("attach hardware:cpu-cycles: %v, want success or ErrNotSupported", err)
	}
	defer cl.Close()
	if got := c.waitCount(t, 1, spin); got < 1 {
		t.Errorf("hardware:cpu-cycles:100000 ran %d times while spinning, want at least 1", got)
	}
}

func TestAttachBEGIN(t *testing.T) {
	bpftest.RequireBPF(t)
	c := newCounter(t, ebpf.RawTracepoint, false)
	if _, err := New(nil).Attach(c.prog, "BEGIN", 0); err == nil {
		t.Errorf("Attach(BEGIN): got no error")
	}
}

func TestKernelExpand(t *testing.T) {
	bpftest.RequireBPF(t)
	r := New(&Options{Stderr: os.Stderr})
	names, err := r.Expand("tracepoint", []string{"syscalls", "sys_enter_*"})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 100 {
		t.Errorf("got %d syscalls:sys_enter_* tracepoints, want over 100", len(names))
	}
	args, err := r.Args("tracepoint:syscalls:sys_enter_openat")
	if err != nil {
		t.Fatal(err)
	}
	if f := args.FieldByName("filename"); f == nil || f.Offset != 24 || !f.Type.UserSpace {
		t.Errorf("sys_enter_openat filename: got %+v, want a user pointer at offset 24", f)
	}
	_, err = r.Expand("kprobe", []string{"vfs_read"})
	if err != nil && !errors.Is(err, ErrNotSupported) {
		t.Errorf("kprobe: got %v, want nil or ErrNotSupported", err)
	}
}

// TestCloseConcurrently attaches one program to many tracepoints and
// detaches them all at once, as the runtime does.
func TestCloseConcurrently(t *testing.T) {
	bpftest.RequireBPF(t)
	r := New(&Options{Stderr: os.Stderr})
	names, err := r.Expand("tracepoint", []string{"syscalls", "sys_enter_get*"})
	if err != nil {
		t.Fatal(err)
	}
	c := newCounter(t, ebpf.TracePoint, false)
	before := openFDs(t)
	var closers []io.Closer
	for i, name := range names {
		cl, err := r.Attach(c.prog, name, uint64(i))
		if err != nil {
			t.Fatalf("Attach(%q): %v", name, err)
		}
		closers = append(closers, cl)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(closers))
	for i, cl := range closers {
		wg.Go(func() { errs[i] = cl.Close() })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Errorf("Close: %v", err)
	}
	if after := openFDs(t); after != before {
		t.Errorf("open fds after Close = %d, want %d as before Attach", after, before)
	}
}
