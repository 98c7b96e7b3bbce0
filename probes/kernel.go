package probes

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/gtrace/gtrace/probes/internal/tracefs"
)

// tracefsRoot returns the tracefs directory, finding or mounting it on
// first use. A failure is remembered.
func (k *kernel) tracefsRoot() (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.tracefsRootLocked()
}

func (k *kernel) tracefsRootLocked() (string, error) {
	if k.root != "" || k.rootErr != nil {
		return k.root, k.rootErr
	}
	if k.opts.TracefsRoot != "" {
		k.root = k.opts.TracefsRoot
		return k.root, nil
	}
	root, mounted, err := tracefs.Find(os.Geteuid() == 0)
	if err != nil {
		k.rootErr = err
		return "", err
	}
	if mounted && k.opts.Stderr != nil {
		fmt.Fprintf(k.opts.Stderr, "gtrace: mounted tracefs at %s\n", root)
	}
	k.root = root
	return root, nil
}

// traceEvents returns every trace event as "category:event", sorted.
func (k *kernel) traceEvents() ([]string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.events != nil {
		return k.events, nil
	}
	root, err := k.tracefsRootLocked()
	if err != nil {
		return nil, err
	}
	evs, err := tracefs.Events(root)
	if err != nil {
		return nil, fmt.Errorf("list trace events: %w", err)
	}
	k.events = evs
	return evs, nil
}

// cpus returns the CPUs per-CPU probes attach to.
func (k *kernel) cpus() ([]int, error) {
	if k.opts.CPUs != nil {
		return k.opts.CPUs, nil
	}
	data, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		return nil, err
	}
	return parseCPUList(strings.TrimSpace(string(data)))
}

// parseCPUList parses a kernel CPU list such as "0-3,5,7-8".
func parseCPUList(s string) ([]int, error) {
	var cpus []int
	for _, r := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(r, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("bad cpu list %q", s)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return nil, fmt.Errorf("bad cpu list %q", s)
			}
		}
		for c := a; c <= b; c++ {
			cpus = append(cpus, c)
		}
	}
	return cpus, nil
}
