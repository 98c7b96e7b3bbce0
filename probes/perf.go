package probes

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"github.com/gtrace/gtrace/lang/types"
	"github.com/gtrace/gtrace/probes/internal/perf"
)

// This file implements the providers built on perf events: interval,
// profile, software and hardware.

// rate is a parsed "UNIT:N" of interval and profile probes.
type rate struct {
	unit string // s, ms, us, ns or hz
	n    uint64
}

// nsPerUnit gives the length of each time unit.
var nsPerUnit = map[string]uint64{"s": 1e9, "ms": 1e6, "us": 1e3, "ns": 1}

// parseRate parses ["ms", "100"] or the newer single-part ["100ms"].
func parseRate(provider string, parts []string) (rate, error) {
	if len(parts) == 1 {
		i := strings.IndexFunc(parts[0], func(r rune) bool { return r >= 'a' && r <= 'z' && r != 'e' && r != 'x' })
		if i > 0 {
			parts = []string{parts[0][i:], parts[0][:i]}
		}
	}
	if len(parts) != 2 {
		return rate{}, fmt.Errorf("%s probe type requires 2 arguments, got %d", provider, len(parts))
	}
	unit := parts[0]
	if _, ok := nsPerUnit[unit]; !ok && unit != "hz" {
		return rate{}, fmt.Errorf("%s is not an accepted unit of time", unit)
	}
	n, err := parseCount(parts[1])
	if err != nil {
		return rate{}, fmt.Errorf("%s probe %s: %w", provider, parts[1], err)
	}
	if n == 0 {
		return rate{}, fmt.Errorf("%s probe rate must be greater than 0", provider)
	}
	return rate{unit, n}, nil
}

// parseCount parses a probe count: decimal, 0x hex, with '_' separators,
// or an integer in exponent form ("1e6").
func parseCount(s string) (uint64, error) {
	s = strings.ReplaceAll(s, "_", "")
	if m, e, ok := strings.Cut(s, "e"); ok && !strings.HasPrefix(s, "0x") {
		mant, err1 := strconv.ParseUint(m, 10, 64)
		exp, err2 := strconv.ParseUint(e, 10, 8)
		if err1 != nil || err2 != nil || exp > 19 {
			return 0, errors.New("not a valid count")
		}
		n := mant
		for range exp {
			if n > ^uint64(0)/10 {
				return 0, errors.New("count out of range")
			}
			n *= 10
		}
		return n, nil
	}
	n, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		return 0, errors.New("not a valid count")
	}
	return n, nil
}

func (r rate) String() string { return r.unit + ":" + strconv.FormatUint(r.n, 10) }

// event returns the cpu-clock event sampling at the rate. Frequencies
// become a period for interval (one CPU, exact spacing) and a sampling
// frequency for profile, as bpftrace does.
func (r rate) event(freq bool) perf.Event {
	ev := perf.Event{Type: unix.PERF_TYPE_SOFTWARE, Config: unix.PERF_COUNT_SW_CPU_CLOCK}
	switch {
	case r.unit == "hz" && freq:
		ev.Freq = r.n
	case r.unit == "hz":
		ev.Period = max(1, 1e9/r.n)
	default:
		ev.Period = r.n * nsPerUnit[r.unit]
	}
	return ev
}

// parseRateProbe parses a full "interval:ms:100" style name.
func parseRateProbe(provider, probe string) (rate, error) {
	rest, ok := strings.CutPrefix(probe, provider+":")
	if !ok {
		return rate{}, fmt.Errorf("invalid %s name %q", provider, probe)
	}
	return parseRate(provider, strings.Split(rest, ":"))
}

// intervalProvider is "interval:UNIT:N": a timer on one CPU.
type intervalProvider struct{ k *kernel }

var _ Provider = (*intervalProvider)(nil)

func (*intervalProvider) Name() string                     { return "interval" }
func (*intervalProvider) ProgramType() ebpf.ProgramType    { return ebpf.PerfEvent }
func (*intervalProvider) Args(string) (*types.Type, error) { return nil, nil }
func (*intervalProvider) List() ([]string, error)          { return nil, nil }
func (*intervalProvider) Describe(string) (string, error)  { return "", nil }

func (*intervalProvider) Expand(parts []string) ([]string, error) {
	r, err := parseRate("interval", parts)
	if err != nil {
		return nil, err
	}
	return []string{"interval:" + r.String()}, nil
}

func (p *intervalProvider) Attach(prog *ebpf.Program, probe string, cookie uint64) (io.Closer, error) {
	r, err := parseRateProbe("interval", probe)
	if err != nil {
		return nil, err
	}
	cpus, err := p.k.cpus()
	if err != nil {
		return nil, err
	}
	return attachPerf(prog, r.event(false), cpus[:1], cookie)
}

// profileProvider is "profile:UNIT:N": a timer on every CPU.
type profileProvider struct{ k *kernel }

var _ Provider = (*profileProvider)(nil)

func (*profileProvider) Name() string                     { return "profile" }
func (*profileProvider) ProgramType() ebpf.ProgramType    { return ebpf.PerfEvent }
func (*profileProvider) Args(string) (*types.Type, error) { return nil, nil }
func (*profileProvider) List() ([]string, error)          { return nil, nil }
func (*profileProvider) Describe(string) (string, error)  { return "", nil }

func (*profileProvider) Expand(parts []string) ([]string, error) {
	r, err := parseRate("profile", parts)
	if err != nil {
		return nil, err
	}
	return []string{"profile:" + r.String()}, nil
}

func (p *profileProvider) Attach(prog *ebpf.Program, probe string, cookie uint64) (io.Closer, error) {
	r, err := parseRateProbe("profile", probe)
	if err != nil {
		return nil, err
	}
	cpus, err := p.k.cpus()
	if err != nil {
		return nil, err
	}
	return attachPerf(prog, r.event(true), cpus, cookie)
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
