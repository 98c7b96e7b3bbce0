package runtime

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/ringbuf"
	"github.com/cilium/ebpf/rlimit"
	"golang.org/x/sys/unix"

	"github.com/gtrace/gtrace/codegen"
	"github.com/gtrace/gtrace/runtime/format"
)

// Session is a loaded program: its maps and programs live in the kernel
// until Close. Run it once.
type Session struct {
	prog   *codegen.Program
	opts   Options
	coll   *ebpf.Collection
	multi  map[string]bool // programs loaded to attach through one multi link
	out    *bufio.Writer   // stdout, flushed whenever the ring buffer is empty
	stdout io.Writer       // shared with the -c child
	errw   io.Writer
	child  *Child
	env    *envState
	fence  *ebpf.Program // writes fence records; nil without a ring buffer
	tty    bool          // stdout is a terminal: flush after every record
	// printers hold the parsed format of each printf, cat and system
	// event, by event id (nil for other events).
	printers []*format.Printer
	// stopCtx is cancelled when a signal stops the session: it kills the
	// command a system() is running.
	stopCtx  context.Context
	stopCmds context.CancelFunc

	rd      *ringbuf.Reader
	links   []io.Closer
	stopped chan int // exit(): the code; buffered
	// cleared holds the array maps clear() emptied (see clearMap); only
	// the reader goroutine touches it until it has finished.
	cleared map[string]bool
	// run holds the self and bench probes' programs (filled by plan).
	run runProgs
	// ordered are texts waiting for their fenceText (see printOrdered).
	ordered []string
	mu      sync.Mutex
	ran     bool
	closed  bool
}

// Load creates p's maps and programs in the kernel. A program the verifier
// rejects gives a *RejectError naming the probe and the statement. With a
// -c command in opts it starts the command, held until Run has attached the
// probes. The Session must be Closed.
func Load(p *codegen.Program, opts *Options) (*Session, error) {
	s := &Session{prog: p, stopped: make(chan int, 1), cleared: map[string]bool{}}
	if opts != nil {
		s.opts = *opts
	}
	var mu sync.Mutex
	s.stdout, s.errw = share(&mu, opts.stdout()), share(&mu, opts.stderr())
	s.out = bufio.NewWriterSize(s.stdout, 64<<10)
	s.tty = isTerminal(opts.stdout())
	s.printers = newPrinters(p.Events)
	s.stopCtx, s.stopCmds = context.WithCancel(context.Background())
	// The kernel charges BPF memory to the memory cgroup since 5.11, so a
	// failure to raise RLIMIT_MEMLOCK (no CAP_SYS_RESOURCE) is not fatal.
	_ = rlimit.RemoveMemlock()
	spec, multi := multiSpec(p, s.opts.Attacher)
	s.multi = multi
	coll, err := ebpf.NewCollectionWithOptions(spec, ebpf.CollectionOptions{})
	if err != nil {
		return nil, rejectError(p, err, s.opts.Verbose)
	}
	s.coll = coll
	if err := s.setup(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// setup prepares everything Run needs that can fail before attaching.
func (s *Session) setup() error {
	for _, pr := range s.prog.Probes {
		if s.coll.Programs[pr.Program] == nil {
			return fmt.Errorf("load: probe %s: no program %q", pr.Provider, pr.Program)
		}
	}
	if s.prog.RingBuf != "" {
		m := s.coll.Maps[s.prog.RingBuf]
		if m == nil {
			return fmt.Errorf("load: no ring buffer map %q", s.prog.RingBuf)
		}
		rd, err := ringbuf.NewReader(m)
		if err != nil {
			return fmt.Errorf("load: ring buffer: %w", err)
		}
		s.rd = rd
		if s.fence, err = newFence(m); err != nil {
			return err
		}
	}
	s.env = newEnvState(s.prog, s.coll, s.opts.JSON, s.opts.Symbolizer)
	s.markUnwritten()
	if err := s.fillSyscallMaps(); err != nil {
		return err
	}
	if s.opts.DryRun {
		return nil
	}
	if pid := s.opts.PID; pid > 0 && errors.Is(unix.Kill(pid, 0), unix.ESRCH) {
		return fmt.Errorf("process %d does not exist", pid)
	}
	if len(s.opts.Cmd) > 0 {
		c, err := StartChild(s.opts.Cmd, s.opts.stdin(), s.stdout, s.errw, s.opts.Env)
		if err != nil {
			return err
		}
		s.child = c
	}
	return s.fillGlobals()
}

// newPrinters parses the format of every printf, cat and system event once.
func newPrinters(evs []*codegen.Event) []*format.Printer {
	ps := make([]*format.Printer, len(evs))
	for i, ev := range evs {
		switch ev.Kind {
		case codegen.EvPrintf, codegen.EvCat, codegen.EvSystem, codegen.EvErrorf, codegen.EvWarnf:
			ps[i] = format.NewPrinter(ev.Format, ev.Args)
		}
	}
	return ps
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// ChildPID returns the pid of the -c command, 0 without one.
func (s *Session) ChildPID() int {
	if s.child == nil {
		return 0
	}
	return s.child.Pid()
}

// fillGlobals writes the start time (CLOCK_MONOTONIC, the clock of
// bpf_ktime_get_ns, for elapsed), the child's pid (cpid) and the offset of
// the wall clock (for tseries) and ncpus into codegen's globals map when the program
// has one.
func (s *Session) fillGlobals() error {
	m := s.coll.Maps[codegen.GlobalsName]
	if m == nil {
		return nil
	}
	v := make([]byte, m.ValueSize())
	if len(v) >= codegen.GlobalStartNs+8 {
		binary.NativeEndian.PutUint64(v[codegen.GlobalStartNs:], uint64(monotonicNow()))
	}
	if len(v) >= codegen.GlobalCpid+8 {
		binary.NativeEndian.PutUint64(v[codegen.GlobalCpid:], uint64(s.ChildPID()))
	}
	if len(v) >= codegen.GlobalWallNs+8 {
		binary.NativeEndian.PutUint64(v[codegen.GlobalWallNs:], uint64(time.Now().UnixNano()-monotonicNow()))
	}
	if n, err := ebpf.PossibleCPU(); err == nil && len(v) >= codegen.GlobalNcpus+8 {
		binary.NativeEndian.PutUint64(v[codegen.GlobalNcpus:], uint64(n))
	}
	if len(v) >= codegen.GlobalPidnsIno+8 {
		fillClockAndNS(v)
	}
	if err := m.Put(uint32(0), v); err != nil {
		return fmt.Errorf("load: fill %s: %w", codegen.GlobalsName, err)
	}
	return nil
}

// Close detaches every probe and frees every kernel object. It is
// idempotent and safe to call after a failed Run.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.stopCmds()
	err := detachAll(s.links)
	s.links = nil
	if s.child != nil {
		s.child.Kill()
	}
	if s.rd != nil {
		s.rd.Close()
	}
	if s.fence != nil {
		s.fence.Close()
	}
	if s.coll != nil {
		s.coll.Close()
	}
	return err
}

// monotonicNow reads CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns.
func monotonicNow() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return 0
	}
	return ts.Nano()
}

// fillClockAndNS writes TAI's offset from the boot clock (nsecs(sw_tai))
// and the device and inode of gtrace's pid namespace (pid(curr_ns)) into
// a globals value. A namespace that cannot be read leaves zeros, which
// match no namespace: pid(curr_ns) then reads 0.
func fillClockAndNS(v []byte) {
	var tai, boot unix.Timespec
	if unix.ClockGettime(unix.CLOCK_TAI, &tai) == nil && unix.ClockGettime(unix.CLOCK_BOOTTIME, &boot) == nil {
		binary.NativeEndian.PutUint64(v[codegen.GlobalTaiOff:], uint64(tai.Nano()-boot.Nano()))
	}
	var st unix.Stat_t
	if unix.Stat("/proc/self/ns/pid", &st) == nil {
		binary.NativeEndian.PutUint64(v[codegen.GlobalPidnsDev:], st.Dev)
		binary.NativeEndian.PutUint64(v[codegen.GlobalPidnsIno:], st.Ino)
	}
}
