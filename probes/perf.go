package probes

import (
	"fmt"
	"io"
	"strings"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"github.com/gtrace/gtrace/lang/probekind"
	"github.com/gtrace/gtrace/probes/internal/perf"
)

// This file implements the providers built on perf events: interval,
// profile, software and hardware.

// rateEvent returns the cpu-clock event of an interval or profile probe
// (a full name, "interval:ms:100"). Frequencies become a period for
// interval (one CPU, exact spacing) and a sampling frequency for profile,
// as bpftrace does.
func rateEvent(kind, probe string, freq bool) (perf.Event, error) {
	k, _ := probekind.Lookup(kind)
	rest, ok := strings.CutPrefix(probe, kind+":")
	if !ok {
		return perf.Event{}, fmt.Errorf("invalid %s name %q", kind, probe)
	}
	r, err := k.ParseRate(strings.Split(rest, ":"))
	if err != nil {
		return perf.Event{}, err
	}
	ev := perf.Event{Type: unix.PERF_TYPE_SOFTWARE, Config: unix.PERF_COUNT_SW_CPU_CLOCK}
	if r.Hz() && freq {
		ev.Freq = r.N
	} else {
		ev.Period = r.Nanos()
	}
	return ev, nil
}

// rateProvider is "interval:UNIT:N", a timer on one CPU, or
// "profile:UNIT:N", a timer on every CPU.
type rateProvider struct {
	k    *kernel
	name string // "interval" or "profile"
}

var _ Provider = (*rateProvider)(nil)

func (p *rateProvider) Name() string { return p.name }

func (p *rateProvider) Attach(prog *ebpf.Program, probe string, cookie uint64) (io.Closer, error) {
	profile := p.name == "profile"
	ev, err := rateEvent(p.name, probe, profile)
	if err != nil {
		return nil, err
	}
	cpus, err := p.k.cpus()
	if err != nil {
		return nil, err
	}
	if !profile {
		cpus = cpus[:1]
	}
	return attachPerf(prog, ev, cpus, cookie)
}

// attachPerf opens ev on each CPU and attaches prog to each. On error it
// closes what it opened.
func attachPerf(prog *ebpf.Program, ev perf.Event, cpus []int, cookie uint64) (io.Closer, error) {
	var cs []io.Closer
	fail := func(err error) (io.Closer, error) {
		newCloser(cs...).Close()
		return nil, err
	}
	for _, cpu := range cpus {
		fd, err := perf.Open(ev, cpu)
		if err != nil {
			return fail(err)
		}
		cs = append(cs, fd)
		l, err := perf.Attach(prog, fd, cookie)
		if err != nil {
			return fail(err)
		}
		cs = append(cs, l)
	}
	return newCloser(cs...), nil
}
