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

// perfEvent is a named software or hardware perf event.
type perfEvent struct {
	name   string
	alias  string // short spelling, "" if none
	config uint64
	count  uint64 // default sample period
}

// softwareEvents are the "software:" events, sorted by name.
var softwareEvents = []perfEvent{
	{"alignment-faults", "", unix.PERF_COUNT_SW_ALIGNMENT_FAULTS, 1},
	{"bpf-output", "", unix.PERF_COUNT_SW_BPF_OUTPUT, 1},
	{"context-switches", "cs", unix.PERF_COUNT_SW_CONTEXT_SWITCHES, 1000},
	{"cpu-clock", "cpu", unix.PERF_COUNT_SW_CPU_CLOCK, 1000000},
	{"cpu-migrations", "", unix.PERF_COUNT_SW_CPU_MIGRATIONS, 1},
	{"dummy", "", unix.PERF_COUNT_SW_DUMMY, 1},
	{"emulation-faults", "", unix.PERF_COUNT_SW_EMULATION_FAULTS, 1},
	{"major-faults", "", unix.PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1},
	{"minor-faults", "", unix.PERF_COUNT_SW_PAGE_FAULTS_MIN, 100},
	{"page-faults", "faults", unix.PERF_COUNT_SW_PAGE_FAULTS, 100},
	{"task-clock", "", unix.PERF_COUNT_SW_TASK_CLOCK, 1000000},
}

// hardwareEvents are the "hardware:" events, sorted by name.
var hardwareEvents = []perfEvent{
	{"backend-stalls", "", unix.PERF_COUNT_HW_STALLED_CYCLES_BACKEND, 1000000},
	{"branch-instructions", "branches", unix.PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 100000},
	{"branch-misses", "", unix.PERF_COUNT_HW_BRANCH_MISSES, 100000},
	{"bus-cycles", "", unix.PERF_COUNT_HW_BUS_CYCLES, 100000},
	{"cache-misses", "", unix.PERF_COUNT_HW_CACHE_MISSES, 1000000},
	{"cache-references", "", unix.PERF_COUNT_HW_CACHE_REFERENCES, 1000000},
	{"cpu-cycles", "cycles", unix.PERF_COUNT_HW_CPU_CYCLES, 1000000},
	{"frontend-stalls", "", unix.PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, 1000000},
	{"instructions", "", unix.PERF_COUNT_HW_INSTRUCTIONS, 1000000},
	{"ref-cycles", "", unix.PERF_COUNT_HW_REF_CPU_CYCLES, 1000000},
}

// hwswProvider is "software:EVENT[:COUNT]" or "hardware:EVENT[:COUNT]": a
// perf event on every CPU, sampled every COUNT occurrences.
type hwswProvider struct {
	k      *kernel
	name   string
	events []perfEvent
}

var _ Provider = (*hwswProvider)(nil)

func (p *hwswProvider) Name() string                   { return p.name }
func (*hwswProvider) ProgramType() ebpf.ProgramType    { return ebpf.PerfEvent }
func (*hwswProvider) Args(string) (*types.Type, error) { return nil, nil }
func (*hwswProvider) Describe(string) (string, error)  { return "", nil }
func (p *hwswProvider) perfType() uint32 {
	if p.name == "hardware" {
		return unix.PERF_TYPE_HARDWARE
	}
	return unix.PERF_TYPE_SOFTWARE
}

// List returns "software:EVENT:" for every event, as bpftrace lists them.
func (p *hwswProvider) List() ([]string, error) {
	names := make([]string, len(p.events))
	for i, ev := range p.events {
		names[i] = p.name + ":" + ev.name + ":"
	}
	return names, nil
}

func (p *hwswProvider) Expand(parts []string) ([]string, error) {
	if len(parts) < 1 || len(parts) > 2 || parts[0] == "" {
		return nil, fmt.Errorf("%s probe type requires 1 or 2 arguments, got %d", p.name, len(parts))
	}
	var count uint64
	if len(parts) == 2 {
		n, err := parseCount(parts[1])
		if err != nil || n == 0 {
			return nil, fmt.Errorf("%s probe count %q must be a positive integer", p.name, parts[1])
		}
		count = n
	}
	var names []string
	for _, ev := range p.events {
		if match(parts[0], ev.name) || (ev.alias != "" && !hasWild(parts[0]) && parts[0] == ev.alias) {
			names = append(names, p.name+":"+ev.name+":"+strconv.FormatUint(orDefault(count, ev.count), 10))
		}
	}
	if len(names) == 0 {
		return nil, p.notFound(parts[0])
	}
	return names, nil
}

// orDefault returns a if it is not zero, else b.
func orDefault(a, b uint64) uint64 {
	if a != 0 {
		return a
	}
	return b
}

func (p *hwswProvider) notFound(name string) error {
	var cands []string
	for _, ev := range p.events {
		cands = append(cands, p.name+":"+ev.name)
	}
	var hints []string
	if !hasWild(name) {
		hints = similar(p.name+":"+name, cands)
	}
	return &NotFoundError{Probe: p.name + ":" + name, Similar: hints}
}

// event returns the perf event and count of a probe name. Besides the
// canonical "software:cpu-clock:1000000" it takes the name as written, with
// an alias and without a count ("software:cpu"), as the checker keeps it.
func (p *hwswProvider) event(probe string) (perfEvent, uint64, error) {
	parts := strings.Split(probe, ":")
	if len(parts) < 2 || len(parts) > 3 || parts[0] != p.name {
		return perfEvent{}, 0, fmt.Errorf("invalid %s name %q", p.name, probe)
	}
	var count uint64
	if len(parts) == 3 && parts[2] != "" {
		n, err := parseCount(parts[2])
		if err != nil || n == 0 {
			return perfEvent{}, 0, fmt.Errorf("invalid %s name %q", p.name, probe)
		}
		count = n
	}
	for _, ev := range p.events {
		if ev.name == parts[1] || (ev.alias != "" && ev.alias == parts[1]) {
			return ev, orDefault(count, ev.count), nil
		}
	}
	return perfEvent{}, 0, p.notFound(parts[1])
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
	c, err := attachPerf(prog, perf.Event{Type: p.perfType(), Config: ev.config, Period: count}, cpus, cookie)
	if p.name == "hardware" && (errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EOPNOTSUPP)) {
		return nil, notSupported("hardware events are not supported by this machine (no PMU): %v", err)
	}
	return c, err
}
