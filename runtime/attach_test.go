package runtime

import (
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/google/go-cmp/cmp"
)

func TestAttachOrder(t *testing.T) {
	t.Parallel()
	var jobs []attachJob
	for _, n := range []string{"tracepoint:a:b", "interval:ms:1", "software:faults:1", "software:cpu-clock:1000", "profile:hz:9", "software:task-clock:99", "uprobe:/x:f"} {
		jobs = append(jobs, attachJob{target: n})
	}
	var got []string
	for _, j := range attachOrder(jobs) {
		got = append(got, j.target)
	}
	// Other probes (counted software events too) attach last-first;
	// timers and the software clock events last, in script order, so
	// that two on one event fire in script order.
	want := []string{"uprobe:/x:f", "software:faults:1", "tracepoint:a:b", "interval:ms:1", "software:cpu-clock:1000", "profile:hz:9", "software:task-clock:99"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("attach order (-want +got):\n%s", diff)
	}
}

// refusingAttacher refuses the targets in refuse and counts the others.
type refusingAttacher struct {
	refuse   map[string]error
	mu       sync.Mutex
	attached []string
}

func (a *refusingAttacher) Attach(_ *ebpf.Program, target string, _ uint64) (io.Closer, error) {
	if err := a.refuse[target]; err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.attached = append(a.attached, target)
	return io.NopCloser(nil), nil
}

func TestAttachAllSkipsRefusedKprobes(t *testing.T) {
	t.Parallel()
	refused := errors.New("the kernel refused f+1: +1 is not on an instruction boundary (EILSEQ)")
	tests := []struct {
		name     string
		targets  []string
		refuse   map[string]error
		wantErr  string
		wantWarn string
		wantN    int
	}{
		{"one of three refused", []string{"kprobe:a", "kprobe:b", "kprobe:c"}, map[string]error{"kprobe:b": refused},
			"", "WARNING: attach kprobe:b: the kernel refused f+1: +1 is not on an instruction boundary (EILSEQ): skipped\n", 2},
		{"all refused", []string{"kprobe:a", "kretprobe:b"}, map[string]error{"kprobe:a": refused, "kretprobe:b": refused},
			"attach kretprobe:b: the kernel refused", "", 0},
		{"no kprobes at all", []string{"kprobe:a", "kprobe:b"}, map[string]error{"kprobe:a": ebpf.ErrNotSupported},
			"attach kprobe:a: not supported", "", 0},
		{"a tracepoint is not skipped", []string{"kprobe:a", "tracepoint:x:y"}, map[string]error{"tracepoint:x:y": refused},
			"attach tracepoint:x:y", "", 0},
	}
	for _, tt := range tests {
		a := &refusingAttacher{refuse: tt.refuse}
		var jobs []attachJob
		for _, n := range tt.targets {
			jobs = append(jobs, attachJob{target: n})
		}
		var warn strings.Builder
		links, err := attachAll(a, jobs, &warn)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: got error %v, want one containing %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || len(links) != tt.wantN || warn.String() != tt.wantWarn {
			t.Errorf("%s: got %d links, error %v, warning %q; want %d links, warning %q", tt.name, len(links), err, warn.String(), tt.wantN, tt.wantWarn)
		}
	}
}

func TestOrderFree(t *testing.T) {
	t.Parallel()
	multi := attachJob{target: "kprobe:a", multi: &multiJob{}}
	tests := []struct {
		name string
		jobs []attachJob
		want bool
	}{
		{"distinct kprobes", []attachJob{{target: "kprobe:a"}, {target: "kretprobe:a"}, {target: "kprobe:b"}}, true},
		{"one job", []attachJob{{target: "kprobe:a"}}, false},
		{"two programs on one target", []attachJob{{target: "kprobe:a"}, {target: "kprobe:b"}, {target: "kprobe:a"}}, false},
		{"a timer", []attachJob{{target: "kprobe:a"}, {target: "interval:s:1"}}, false},
		{"a multi link", []attachJob{multi, {target: "kprobe:b"}}, false},
	}
	for _, tt := range tests {
		if got := orderFree(tt.jobs); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

// barrierAttacher's Attach returns only once n calls are in it at the same
// time (or fails after a minute): jobs attached one by one cannot pass it.
type barrierAttacher struct {
	n       int
	mu      sync.Mutex
	arrived int
	all     chan struct{}
}

func (a *barrierAttacher) Attach(_ *ebpf.Program, target string, _ uint64) (io.Closer, error) {
	a.mu.Lock()
	a.arrived++
	if a.arrived == a.n {
		close(a.all)
	}
	a.mu.Unlock()
	select {
	case <-a.all:
		return io.NopCloser(nil), nil
	case <-time.After(time.Minute):
		return nil, errors.New("attached alone: " + target)
	}
}

// TestAttachParallel checks that order-free jobs (hundreds of kprobes on
// kernels without kprobe_multi) attach concurrently.
func TestAttachParallel(t *testing.T) {
	t.Parallel()
	a := &barrierAttacher{n: 8, all: make(chan struct{})}
	var jobs []attachJob
	for i := range a.n {
		jobs = append(jobs, attachJob{target: "kprobe:f" + string(rune('a'+i))})
	}
	links, err := attachAll(a, jobs, io.Discard)
	if err != nil || len(links) != a.n {
		t.Fatalf("got %d links, error %v; want %d links", len(links), err, a.n)
	}
}
