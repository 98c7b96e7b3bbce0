// This file implements the probes the runtime runs itself besides BEGIN
// and END: self:signal:SIG (when gtrace receives SIG) and bench:NAME
// (with Options.Bench, each in a loop, timed).

package runtime

import (
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"github.com/gtrace/gtrace/runtime/format"
)

// Benchmark bounds: each bench probe runs in batches of benchBatch until
// it has run for benchTime or benchMaxIters times.
const (
	benchBatch    = 1000
	benchTime     = 200 * time.Millisecond
	benchMaxIters = 1 << 22
)

// runProgs are the programs of the self and bench probes, in script order.
type runProgs struct {
	self  map[syscall.Signal][]*ebpf.Program
	bench []benchProg
}

type benchProg struct {
	name string // NAME of bench:NAME
	prog *ebpf.Program
}

// add records program p of a self or bench target; it reports whether
// the target was one.
func (rp *runProgs) add(provider, target string, p *ebpf.Program) bool {
	switch provider {
	case "self":
		sig := selfSignal(target)
		if rp.self == nil {
			rp.self = map[syscall.Signal][]*ebpf.Program{}
		}
		rp.self[sig] = append(rp.self[sig], p)
		return true
	case "bench":
		rp.bench = append(rp.bench, benchProg{name: strings.TrimPrefix(target, "bench:"), prog: p})
		return true
	}
	return false
}

// selfSignal returns the signal of "self:signal:SIGUSR1".
func selfSignal(target string) syscall.Signal {
	switch target[strings.LastIndexByte(target, ':')+1:] {
	case "SIGUSR2":
		return syscall.SIGUSR2
	case "SIGHUP":
		return syscall.SIGHUP
	}
	return syscall.SIGUSR1
}

// notifySelf relays the signals of the self probes to a channel (nil when
// there are none); stop undoes it.
func (rp *runProgs) notifySelf() (ch chan os.Signal, stop func()) {
	if len(rp.self) == 0 {
		return nil, func() {}
	}
	ch = make(chan os.Signal, 1)
	for sig := range rp.self {
		signal.Notify(ch, sig)
	}
	return ch, func() { signal.Stop(ch) }
}

// handles reports whether a self probe handles sig, which then does not
// do what gtrace does by default (SIGUSR1: print the maps).
func (rp *runProgs) handles(sig os.Signal) bool {
	s, ok := sig.(syscall.Signal)
	return ok && len(rp.self[s]) > 0
}

// runSelf runs the self probes of sig, in script order.
func (s *Session) runSelf(sig os.Signal) {
	for _, p := range s.run.self[sig.(syscall.Signal)] {
		if _, err := runProbe(p, 0); err != nil {
			fmt.Fprintf(s.errw, "ERROR: run self:signal:%s: %v\n", signalName(sig), err)
		}
	}
}

func signalName(sig os.Signal) string {
	switch sig {
	case syscall.SIGUSR2:
		return "SIGUSR2"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return "SIGUSR1"
}

// benchResult is one bench probe's measurement.
type benchResult struct {
	name  string
	avgNS uint64
	iters uint64
}

// runBenches runs every bench probe, one after the other, and prints the
// results in order with the probes' own output.
func (s *Session) runBenches() error {
	if len(s.run.bench) == 0 {
		return nil
	}
	// The kernel's own count of each program's run time, while stats is
	// open (5.8+); without it the wall clock around each run, which counts
	// the system call too.
	stats, statsErr := ebpf.EnableStats(uint32(unix.BPF_STATS_RUN_TIME))
	if statsErr == nil {
		defer stats.Close()
	}
	var results []benchResult
	for _, b := range s.run.bench {
		r, err := bench(b, statsErr == nil)
		if err != nil {
			return fmt.Errorf("run bench:%s: %w", b.name, err)
		}
		results = append(results, r)
	}
	s.printOrdered(formatBench(&s.env.env, results))
	return nil
}

// bench runs one bench probe in batches until benchTime has passed.
func bench(b benchProg, kernelStats bool) (benchResult, error) {
	r := benchResult{name: b.name}
	var before ebpf.ProgramStats
	if kernelStats {
		if st, err := b.prog.Stats(); err == nil {
			before = *st
		} else {
			kernelStats = false
		}
	}
	start := time.Now()
	for time.Since(start) < benchTime && r.iters < benchMaxIters {
		for range benchBatch {
			if _, err := runProbe(b.prog, 0); err != nil {
				return r, err
			}
		}
		r.iters += benchBatch
	}
	total := uint64(time.Since(start))
	if kernelStats {
		if st, err := b.prog.Stats(); err == nil && st.RunCount > before.RunCount {
			total = uint64(st.Runtime - before.Runtime)
			r.iters = st.RunCount - before.RunCount
		}
	}
	r.avgNS = total / r.iters
	return r, nil
}

// formatBench is the benchmark table, or one JSON record per benchmark:
// {"type": "benchmark_result", "data": {"NAME": {"average": NS, "iters": N}}}.
func formatBench(env *format.Env, results []benchResult) string {
	var b strings.Builder
	if env.JSON {
		for _, r := range results {
			b.WriteString(format.Record("benchmark_result", fmt.Sprintf(`{"%s": {"average": %d, "iters": %d}}`, format.Escape(r.name), r.avgNS, r.iters)))
		}
		return b.String()
	}
	fmt.Fprintf(&b, "%-41s%-15s%s\n%s\n", "Benchmark", "Time(ns)", "Iterations", strings.Repeat("-", 66))
	for _, r := range results {
		fmt.Fprintf(&b, "%-41s%-15s%d\n", r.name, strconv.FormatUint(r.avgNS, 10), r.iters)
	}
	return b.String()
}

// printOrdered prints text once the reader has printed every record
// written so far; without a ring buffer it prints it at once.
func (s *Session) printOrdered(text string) {
	if s.rd != nil {
		s.mu.Lock()
		s.ordered = append(s.ordered, text)
		s.mu.Unlock()
		if err := s.writeFence(fenceText); err == nil {
			return
		}
		s.mu.Lock()
		s.ordered = s.ordered[:len(s.ordered)-1]
		s.mu.Unlock()
	}
	s.out.WriteString(text)
	s.out.Flush()
}

// takeOrdered returns the oldest text printOrdered queued (see fenceText).
func (s *Session) takeOrdered() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.ordered) == 0 {
		return ""
	}
	t := s.ordered[0]
	s.ordered = s.ordered[1:]
	return t
}
