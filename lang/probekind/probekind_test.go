package probekind

import (
	"strings"
	"testing"
)

// TestSpellings checks that every spelling names one kind and that the
// kinds' rows are complete.
func TestSpellings(t *testing.T) {
	seen := map[string]string{}
	for _, k := range Kinds {
		for _, s := range append([]string{k.Name}, k.Aliases...) {
			if prev, dup := seen[s]; dup {
				t.Errorf("%q names both %s and %s", s, prev, k.Name)
			}
			seen[s] = k.Name
			if got, _ := Lookup(s); got != k {
				t.Errorf("Lookup(%q) = %v, want %s", s, got, k.Name)
			}
		}
		if k.Parts.Max > 0 && (k.Parts.Need == "" || !strings.HasPrefix(k.Parts.Usage, k.Name+":")) {
			t.Errorf("%s: Parts.Need %q / Usage %q incomplete", k.Name, k.Parts.Need, k.Parts.Usage)
		}
		if k.Parts.Form == Event && k.Events() == nil {
			t.Errorf("%s: Event form without events", k.Name)
		}
	}
	if _, ok := Lookup("nope"); ok {
		t.Errorf("Lookup(nope) found a kind")
	}
	if got := Canonical("aw"); got != "asyncwatchpoint" {
		t.Errorf("Canonical(aw) = %q", got)
	}
}

func TestProbe(t *testing.T) {
	for _, tc := range []struct {
		kind  string
		parts []string
		want  string // name or error
	}{
		{"BEGIN", nil, "BEGIN"},
		{"END", []string{"x"}, "END probes take no arguments"},
		{"t", []string{"sched", "sched_switch"}, "tracepoint:sched:sched_switch"},
		{"t", []string{"sched", ""}, "tracepoint probes need a category and an event: tracepoint:category:event"},
		{"t", []string{"", "x"}, "tracepoint probes need a category and an event: tracepoint:category:event"},
		{"rt", []string{"", "sys_enter"}, "rawtracepoint::sys_enter"},
		{"k", []string{"vfs_read+0x10"}, "kprobe:vfs_read+0x10"},
		{"k", []string{"vfs_read+x"}, `invalid offset "x" in kprobe probe`},
		{"kr", []string{"vfs_read+1"}, "kretprobe probes do not take an offset"},
		{"k", []string{"a", "b", "c"}, "kprobe probes need a function name: kprobe:function"},
		{"u", []string{"/bin/sh", ""}, "uprobe probes need a binary and a function: uprobe:path:function"},
		{"i", []string{"1s"}, "interval:s:1"},
		{"i", []string{"ms", "100"}, "interval:ms:100"},
		{"p", []string{"hz", "99"}, "profile:hz:99"},
		{"i", []string{"m", "1"}, `invalid unit "m" in interval probe: use s, ms, us, ns or hz`},
		{"i", []string{"ns", "0"}, `interval probe count must be a positive integer, not "0"`},
		{"i", []string{"s"}, "interval probes need a unit and a count: interval:ms:100"},
		{"s", []string{"cs"}, "software:cs"},
		{"s", []string{"cs", "7"}, "software:cs:7"},
		{"s", []string{"cs", ""}, `software event count must be a positive integer, not ""`},
		{"h", []string{"nope"}, `unknown hardware event "nope"`},
		{"aw", []string{"0x10", "4", "w"}, "asyncwatchpoint:0x10:4:w"},
		{"w", []string{"0x10", "4"}, "watchpoint probes need an address, a length and a mode: watchpoint:addr:len:rwx"},
	} {
		k, ok := Lookup(tc.kind)
		if !ok {
			t.Fatalf("no kind %q", tc.kind)
		}
		name, _, err := k.Probe(tc.parts)
		got := name
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%s %q: got %q, want %q", tc.kind, tc.parts, got, tc.want)
		}
	}
}

func TestRate(t *testing.T) {
	k, _ := Lookup("interval")
	for _, tc := range []struct {
		parts []string
		ns    uint64
		hz    bool
	}{
		{[]string{"s", "2"}, 2e9, false},
		{[]string{"ms", "100"}, 1e8, false},
		{[]string{"us", "3"}, 3000, false},
		{[]string{"ns", "5"}, 5, false},
		{[]string{"hz", "4"}, 25e7, true},
		{[]string{"hz", "2000000000"}, 1, true},
	} {
		r, err := k.ParseRate(tc.parts)
		if err != nil || r.Nanos() != tc.ns || r.Hz() != tc.hz {
			t.Errorf("%q: %+v (ns %d, hz %v), %v; want ns %d hz %v", tc.parts, r, r.Nanos(), r.Hz(), err, tc.ns, tc.hz)
		}
	}
}

func TestEvents(t *testing.T) {
	s, _ := Lookup("software")
	ev, n, err := s.ParseEvent([]string{"faults"})
	if err != nil || ev.Name != "page-faults" || n != 100 {
		t.Errorf("software:faults = %+v, %d, %v; want page-faults, 100", ev, n, err)
	}
	ev, n, err = s.ParseEvent([]string{"cpu-clock", "5"})
	if err != nil || ev.Name != "cpu-clock" || n != 5 {
		t.Errorf("software:cpu-clock:5 = %+v, %d, %v", ev, n, err)
	}
	if _, ok := Lookup("tracepoint"); ok {
		if k, _ := Lookup("tracepoint"); k.Events() != nil {
			t.Errorf("tracepoint has perf events")
		}
	}
}

func TestNames(t *testing.T) {
	if got := List(Names(Retval)); got != "kretprobe, uretprobe and kretfunc" {
		t.Errorf("retval kinds: %q", got)
	}
	if got := List(Names(Override)); got != "kprobe" {
		t.Errorf("override kinds: %q", got)
	}
}
