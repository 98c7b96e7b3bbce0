// This file attaches probes concurrently and detaches them with a worker
// pool: the kernel takes tens of milliseconds to tear down one tracepoint
// perf event, so hundreds of probes must not be closed one by one.

package runtime

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/cilium/ebpf"
)

// maxWorkers bounds the goroutines that attach or detach at once.
const maxWorkers = 32

// attachJob is one target of one program.
type attachJob struct {
	prog   *ebpf.Program
	target string
	cookie uint64
}

// attachAll attaches every job. On failure it detaches what it attached and
// returns the error of the first failing job (in job order).
func attachAll(a Attacher, jobs []attachJob) ([]io.Closer, error) {
	links := make([]io.Closer, len(jobs))
	errs := make([]error, len(jobs))
	parallel(len(jobs), func(i int) {
		j := jobs[i]
		l, err := a.Attach(j.prog, j.target, j.cookie)
		if err != nil {
			if !strings.Contains(err.Error(), j.target) {
				err = fmt.Errorf("attach %s: %w", j.target, err)
			}
			errs[i] = err
			return
		}
		links[i] = l
	})
	for _, err := range errs {
		if err != nil {
			detachAll(links)
			return nil, err
		}
	}
	return links, nil
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
