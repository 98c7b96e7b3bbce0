package runtime

import (
	"io"
	"os"
	"sync"

	"github.com/cilium/ebpf"

	"github.com/gtrace/gtrace/runtime/format"
)

// Attacher attaches a loaded program to one concrete probe. probes.Registry
// implements it; tests fake it.
type Attacher interface {
	// Attach attaches prog to probe (a full probe name such as
	// "tracepoint:sched:sched_switch") with the given BPF cookie. The
	// returned Closer detaches it.
	Attach(prog *ebpf.Program, probe string, cookie uint64) (io.Closer, error)
}

// Symbolizer turns addresses into symbol names for stacks, ksym(), usym()
// and func. probes.Symbolizer implements it; tests fake it. Addresses of a
// process that has exited must still resolve: the runtime symbolizes when
// it prints, often after the -c or -p process is gone.
type Symbolizer interface {
	// KernelSymbol returns the kernel function addr lies in and addr's
	// offset from its start.
	KernelSymbol(addr uint64) (name string, off uint64, ok bool)
	// UserSymbol returns the function addr lies in within process pid,
	// addr's offset from its start, and the path of the file mapped at
	// addr (set when only the file is known).
	UserSymbol(pid uint32, addr uint64) (name string, off uint64, module string, ok bool)
}

// Options configures a Session. A nil *Options means the defaults: output to
// os.Stdout and os.Stderr, text output, no attacher (only BEGIN and END run).
type Options struct {
	Stdout io.Writer // program output; nil means os.Stdout
	Stderr io.Writer // warnings and lost events; nil means os.Stderr
	JSON   bool      // -f json
	Quiet  bool      // -q: no "Attaching N probes..."
	// Verbose (-v) reports verifier rejections with the full verifier log.
	Verbose bool
	// DryRun loads every program into the verifier and stops: Run attaches
	// nothing and prints nothing.
	DryRun bool
	// Unsafe allows system() events to run commands.
	Unsafe bool
	// Attacher attaches every probe that is not BEGIN or END.
	Attacher Attacher
	// Symbolizer resolves addresses; nil prints them in hex.
	Symbolizer Symbolizer
	// Cmd is the -c command line (argv). Its process is started before the
	// probes are attached, held until they are, and its exit ends the
	// session. Its pid is the "cpid" builtin.
	Cmd []string
	// PID is the -p process: the session ends when it exits.
	PID int
	// PrintMaps, when a value arrives on it, makes Run print every map, in
	// order with the events, as bpftrace does on SIGUSR1 (the caller
	// relays the signal: signal.Notify(ch, syscall.SIGUSR1)).
	PrintMaps <-chan os.Signal
	// Bench (--mode bench) runs each bench:NAME probe in a loop after
	// BEGIN, prints how long one run takes, and ends. Without it bench
	// probes do not run.
	Bench bool
	// Stdin is given to Cmd; nil means os.Stdin (the child inherits it, as
	// with bpftrace).
	Stdin io.Reader
	// Env adds variables to Cmd's environment (os.Environ() is always used).
	Env []string
	// NoWarnings drops the messages of warnf() (--no-warnings).
	NoWarnings bool
	// NoExitMaps leaves the maps unprinted when the program ends (config
	// print_maps_on_exit = 0); print() and SIGUSR1 still print them.
	NoExitMaps bool
	// DumpMap, when set, prints each map of the dump at exit and on
	// SIGUSR1 instead of the text or JSON form (-f folded sets it).
	DumpMap func(w io.Writer, env *format.Env, m *format.Map) error
}

func (o *Options) stdout() io.Writer {
	if o == nil || o.Stdout == nil {
		return os.Stdout
	}
	return o.Stdout
}

func (o *Options) stdin() io.Reader {
	if o == nil || o.Stdin == nil {
		return os.Stdin
	}
	return o.Stdin
}

func (o *Options) stderr() io.Writer {
	if o == nil || o.Stderr == nil {
		return os.Stderr
	}
	return o.Stderr
}

// syncWriter serialises writes of the session and of the -c child when they
// share a writer that is not a file (a file is handed to the child as is).
type syncWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (w syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

// share returns the writer the session and the child should use for w.
func share(mu *sync.Mutex, w io.Writer) io.Writer {
	if _, ok := w.(*os.File); ok {
		return w
	}
	return syncWriter{mu, w}
}

// DefaultRBPages is the output ring buffer's default size in pages per
// possible CPU (1 MiB each with 4 KiB pages), before the MaxDefaultRingBuf
// cap. The kernel maps the whole ring into the reader at once, so it
// counts in gtrace's resident memory (twice: the data pages are mapped
// twice).
const DefaultRBPages = 256

// MaxDefaultRingBuf caps the default ring buffer size (not an explicit one).
const MaxDefaultRingBuf = 64 << 20

// RingBufSize returns the bytes of an output ring buffer of pagesPerCPU
// pages for each possible CPU (bpftrace's perf_rb_pages), rounded up to a
// power of two as the kernel requires, at most 1 GiB. pagesPerCPU <= 0 means
// DefaultRBPages, capped at MaxDefaultRingBuf: the default scales with the
// machine.
func RingBufSize(pagesPerCPU int) int {
	cpus, err := ebpf.PossibleCPU()
	if err != nil || cpus < 1 {
		cpus = 1
	}
	page := os.Getpagesize()
	if pagesPerCPU <= 0 {
		return min(pow2(DefaultRBPages*page*cpus), MaxDefaultRingBuf)
	}
	return min(pow2(min(pagesPerCPU, 1<<18)*page*cpus), 1<<30)
}

// pow2 rounds n up to a power of two.
func pow2(n int) int {
	p := 1
	for p < n {
		p <<= 1
	}
	return p
}
