package probes

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"github.com/gtrace/gtrace/lang/probekind"
	"github.com/gtrace/gtrace/probes/internal/perf"
)

// hwswProvider is "software:EVENT[:COUNT]" or "hardware:EVENT[:COUNT]": a
// perf event on every CPU, sampled every COUNT occurrences. The events,
// their aliases and default counts are probekind's.
type hwswProvider struct {
	k    *kernel
	name string
}

var (
	_ Provider = (*hwswProvider)(nil)
	_ lister   = (*hwswProvider)(nil)
)

func (p *hwswProvider) Name() string { return p.name }

func (p *hwswProvider) kind() *probekind.Kind {
	k, _ := probekind.Lookup(p.name)
	return k
}

func (p *hwswProvider) perfType() uint32 {
	if p.name == "hardware" {
		return unix.PERF_TYPE_HARDWARE
	}
	return unix.PERF_TYPE_SOFTWARE
}

// List returns "software:EVENT:" for every event, as bpftrace lists them.
func (p *hwswProvider) List() ([]string, error) {
	events := p.kind().Events()
	names := make([]string, len(events))
	for i, ev := range events {
		names[i] = p.name + ":" + ev.Name + ":"
	}
	return names, nil
}

// event returns the perf event and count of a probe name as the checker
// keeps it: "software:cpu" or "software:cpu-clock:1000000".
func (p *hwswProvider) event(probe string) (probekind.PerfEvent, uint64, error) {
	rest, ok := strings.CutPrefix(probe, p.name+":")
	if !ok {
		return probekind.PerfEvent{}, 0, fmt.Errorf("invalid %s name %q", p.name, probe)
	}
	return p.kind().ParseEvent(strings.Split(rest, ":"))
}

func (p *hwswProvider) Attach(prog *ebpf.Program, probe string, cookie uint64) (io.Closer, error) {
	ev, count, err := p.event(probe)
	if err != nil {
		return nil, err
	}
	cpus, err := p.k.cpus()
	if err != nil {
		return nil, err
	}
	c, err := attachPerf(prog, perf.Event{Type: p.perfType(), Config: ev.Config, Period: count}, cpus, cookie)
	if p.name == "hardware" && (errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EOPNOTSUPP)) {
		return nil, notSupported("hardware events are not supported by this machine (no PMU): %w", err)
	}
	return c, err
}
