// This file attaches probes in script order and detaches them with a worker
// pool: the kernel takes tens of milliseconds to tear down one tracepoint
// perf event, so hundreds of probes must not be closed one by one. Attaching
// is cheap, and its order matters: the kernel puts a new perf event at the
// head of an event's list, so programs on one event run in the reverse order
// of attaching. Attaching the last probe first makes them run in script
// order, as in bpftrace, whose scripts rely on it (two probes on one event
// see each other's map updates in script order). Timers (interval, profile)
// are the exception: the one started first fires first, so they attach in
// script order.

package runtime

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/cilium/ebpf"

	"github.com/gtrace/gtrace/lang/probekind"
)

// maxWorkers bounds the goroutines that attach or detach at once.
const maxWorkers = 32

// attachJob is one target of one program.
type attachJob struct {
	prog   *ebpf.Program
	target string
	cookie uint64
	multi  *multiJob // non-nil: every target of the program at once (multi.go)
}

// attachAll attaches every job, one after another in attachOrder. A
// kprobe or kretprobe the kernel refuses (a function on its blacklist, an
// offset inside an instruction) is skipped with a warning on warn, so that
// one bad match of a wildcard does not abort the run; any other failure, or
// every job failing, detaches what was attached and returns the (first)
// error.
func attachAll(a Attacher, jobs []attachJob, warn io.Writer) ([]io.Closer, error) {
	if orderFree(jobs) {
		return attachParallel(a, jobs, warn)
	}
	links := make([]io.Closer, 0, len(jobs))
	var skipped []error
	for _, j := range attachOrder(jobs) {
		var err error
		if j.multi != nil {
			var ls []io.Closer
			ls, err = attachMulti(a, j)
			links = append(links, ls...)
		} else {
			err = attachOne(a, j, &links, &skipped)
		}
		if err != nil {
			detachAll(links)
			return nil, err
		}
	}
	if len(links) == 0 && len(skipped) > 0 {
		return nil, skipped[0]
	}
	for _, err := range skipped {
		fmt.Fprintf(warn, "WARNING: %v: skipped\n", err)
	}
	return links, nil
}

// orderFree reports whether the order of attaching jobs cannot matter:
// there are several, each of one target, none a timer, no two on the same
// target (programs on one event run in the reverse order of attaching).
func orderFree(jobs []attachJob) bool {
	if len(jobs) < 2 {
		return false
	}
	seen := make(map[string]bool, len(jobs))
	for _, j := range jobs {
		if j.multi != nil || isTimer(j.target) || seen[j.target] {
			return false
		}
		seen[j.target] = true
	}
	return true
}

// attachParallel attaches order-free jobs on the worker pool: without
// kprobe_multi (before 5.18, or 6.1 without CONFIG_FPROBE) each kprobe
// waits for the kernel to patch its function, so hundreds of them attached
// one by one took half a minute under qemu. Skips and errors are as in
// attachAll, in attachOrder.
func attachParallel(a Attacher, jobs []attachJob, warn io.Writer) ([]io.Closer, error) {
	jobs = attachOrder(jobs)
	links := make([]io.Closer, len(jobs))
	errs := make([]error, len(jobs))
	parallel(len(jobs), func(i int) {
		links[i], errs[i] = a.Attach(jobs[i].prog, jobs[i].target, jobs[i].cookie)
	})
	var ok []io.Closer
	var skipped []error
	for i, j := range jobs {
		if errs[i] == nil {
			ok = append(ok, links[i])
			continue
		}
		err := errs[i]
		if !strings.Contains(err.Error(), j.target) {
			err = fmt.Errorf("attach %s: %w", j.target, err)
		}
		if !skippable(j.target, err) {
			detachAll(ok)
			for _, l := range links[i+1:] {
				if l != nil {
					l.Close()
				}
			}
			return nil, err
		}
		skipped = append(skipped, err)
	}
	if len(ok) == 0 && len(skipped) > 0 {
		return nil, skipped[0]
	}
	for _, err := range skipped {
		fmt.Fprintf(warn, "WARNING: %v: skipped\n", err)
	}
	return ok, nil
}

// attachOne attaches one job, adding its link to links, or its error to
// skipped when skippable; other errors are returned.
func attachOne(a Attacher, j attachJob, links *[]io.Closer, skipped *[]error) error {
	l, err := a.Attach(j.prog, j.target, j.cookie)
	if err == nil {
		*links = append(*links, l)
		return nil
	}
	if !strings.Contains(err.Error(), j.target) {
		err = fmt.Errorf("attach %s: %w", j.target, err)
	}
	if skippable(j.target, err) {
		*skipped = append(*skipped, err)
		return nil
	}
	return err
}

// skippable reports whether a failed attach of target may be skipped: a
// kernel probe the kernel refuses, but not a kernel without kprobes.
func skippable(target string, err error) bool {
	if errors.Is(err, ebpf.ErrNotSupported) || strings.Contains(err.Error(), "not supported") {
		return false
	}
	return strings.HasPrefix(target, "kprobe:") || strings.HasPrefix(target, "kretprobe:")
}

// attachOrder returns the jobs from the last to the first, then the timer
// jobs (interval, profile, and the software clock events cpu-clock and
// task-clock) from the first to the last. The kernel runs the newest perf
// event of a tracepoint or counted software event (faults,
// context-switches) first, but each clock event has its own timer:
// attached in script order, two of the same period fire in script order.
func attachOrder(jobs []attachJob) []attachJob {
	var out, timers []attachJob
	for i := len(jobs) - 1; i >= 0; i-- {
		if !isTimer(jobs[i].target) {
			out = append(out, jobs[i])
		}
	}
	for _, j := range jobs {
		if isTimer(j.target) {
			timers = append(timers, j)
		}
	}
	return append(out, timers...)
}

func isTimer(target string) bool {
	parts := strings.Split(target, ":")
	switch parts[0] {
	case "interval", "profile":
		return true
	case "software":
		k, _ := probekind.Lookup("software")
		ev, ok := k.Event(parts[min(1, len(parts)-1)])
		return ok && (ev.Name == "cpu-clock" || ev.Name == "task-clock")
	}
	return false
}

// detachAll closes every non-nil closer concurrently and returns the first
// error.
func detachAll(cs []io.Closer) error {
	errs := make([]error, len(cs))
	parallel(len(cs), func(i int) {
		if cs[i] != nil {
			errs[i] = cs[i].Close()
		}
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// parallel calls f(0..n-1) on at most maxWorkers goroutines and waits.
func parallel(n int, f func(int)) {
	if n == 1 {
		f(0)
		return
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, maxWorkers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
