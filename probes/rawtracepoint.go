package probes

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
)

// rawTracepointProvider is "rawtracepoint:EVENT": the same kernel trace
// events, with the tracepoint's raw arguments (arg0...) as context. The
// module prefix of newer bpftrace ("rawtracepoint:vmlinux:EVENT") is
// accepted and dropped.
type rawTracepointProvider struct{ k *kernel }

var _ Provider = (*rawTracepointProvider)(nil)

func (*rawTracepointProvider) Name() string { return "rawtracepoint" }

func (p *rawTracepointProvider) Expand(parts []string) ([]string, error) {
	if len(parts) == 2 {
		parts = parts[1:]
	}
	if len(parts) != 1 || parts[0] == "" {
		return nil, fmt.Errorf("rawtracepoint probe type requires 1 argument, got %d", len(parts))
	}
	all, err := p.List()
	if err != nil {
		return nil, err
	}
	want := "rawtracepoint:" + parts[0]
	names := filter(want, all)
	if len(names) == 0 {
		var hints []string
		if !hasWild(want) {
			hints = similar(want, all)
		}
		return nil, &NotFoundError{Probe: want, Similar: hints}
	}
	return names, nil
}

// List returns one name per distinct event name of tracefs.
func (p *rawTracepointProvider) List() ([]string, error) {
	evs, err := p.k.traceEvents()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var names []string
	for _, ev := range evs {
		_, name, _ := strings.Cut(ev, ":")
		if !seen[name] {
			seen[name] = true
			names = append(names, "rawtracepoint:"+name)
		}
	}
	sort.Strings(names)
	return names, nil
}

func (p *rawTracepointProvider) Attach(prog *ebpf.Program, probe string, _ uint64) (io.Closer, error) {
	name, ok := strings.CutPrefix(probe, "rawtracepoint:")
	if !ok || name == "" || strings.Contains(name, ":") {
		return nil, fmt.Errorf("invalid rawtracepoint name %q", probe)
	}
	l, err := link.AttachRawTracepoint(link.RawTracepointOptions{Name: name, Program: prog})
	if err != nil {
		return nil, err
	}
	return newCloser(l), nil
}
