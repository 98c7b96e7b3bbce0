package probekind

// This file lists the perf events of software and hardware probes.

import (
	"fmt"
	"slices"
)

// PerfEvent is a named software or hardware perf event.
type PerfEvent struct {
	Name   string
	Alias  string // short spelling, "" if none
	Config uint64 // perf_event_attr.config: PERF_COUNT_SW_* or PERF_COUNT_HW_* (linux/perf_event.h)
	Period uint64 // default sample period
}

// SoftwareEvents are the "software:" events, sorted by name. Config is
// PERF_COUNT_SW_*; probes tests it against golang.org/x/sys/unix.
var SoftwareEvents = []PerfEvent{
	{"alignment-faults", "", 7, 1},
	{"bpf-output", "", 10, 1},
	{"context-switches", "cs", 3, 1000},
	{"cpu-clock", "cpu", 0, 1000000},
	{"cpu-migrations", "", 4, 1},
	{"dummy", "", 9, 1},
	{"emulation-faults", "", 8, 1},
	{"major-faults", "", 6, 1},
	{"minor-faults", "", 5, 100},
	{"page-faults", "faults", 2, 100},
	{"task-clock", "", 1, 1000000},
}

// HardwareEvents are the "hardware:" events, sorted by name. Config is
// PERF_COUNT_HW_*.
var HardwareEvents = []PerfEvent{
	{"backend-stalls", "", 8, 1000000},
	{"branch-instructions", "branches", 4, 100000},
	{"branch-misses", "", 5, 100000},
	{"bus-cycles", "", 6, 100000},
	{"cache-misses", "", 3, 1000000},
	{"cache-references", "", 2, 1000000},
	{"cpu-cycles", "cycles", 0, 1000000},
	{"frontend-stalls", "", 7, 1000000},
	{"instructions", "", 1, 1000000},
	{"ref-cycles", "", 9, 1000000},
}

// Events returns the perf events of a kind (nil for kinds that are not
// software or hardware).
func (k *Kind) Events() []PerfEvent {
	switch k.Name {
	case "software":
		return SoftwareEvents
	case "hardware":
		return HardwareEvents
	}
	return nil
}

// Event returns the event of k named name or its alias.
func (k *Kind) Event(name string) (PerfEvent, bool) {
	i := slices.IndexFunc(k.Events(), func(ev PerfEvent) bool {
		return ev.Name == name || ev.Alias != "" && ev.Alias == name
	})
	if i < 0 {
		return PerfEvent{}, false
	}
	return k.Events()[i], true
}

// ParseEvent returns the event and sample period of the parts of a
// software or hardware probe: EVENT[:COUNT], the count defaulting to the
// event's.
func (k *Kind) ParseEvent(parts []string) (PerfEvent, uint64, error) {
	if len(parts) < 1 || len(parts) > 2 {
		return PerfEvent{}, 0, k.needErr()
	}
	ev, ok := k.Event(parts[0])
	if !ok {
		return PerfEvent{}, 0, fmt.Errorf("unknown %s event %q", k.Name, parts[0])
	}
	if len(parts) == 1 || parts[1] == "" {
		return ev, ev.Period, nil
	}
	n, ok := ParseCount(parts[1])
	if !ok || n == 0 {
		return PerfEvent{}, 0, fmt.Errorf("%s event count must be a positive integer, not %q", k.Name, parts[1])
	}
	return ev, n, nil
}

func (k *Kind) checkEvent(parts []string) error {
	if len(parts) == 2 && parts[1] == "" {
		// "software:cpu:" is accepted by the checker only with a count.
		return fmt.Errorf("%s event count must be a positive integer, not %q", k.Name, "")
	}
	_, _, err := k.ParseEvent(parts)
	return err
}
