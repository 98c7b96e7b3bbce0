package probes

import (
	"fmt"
	"io"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"

	"github.com/gtrace/gtrace/lang/types"
	"github.com/gtrace/gtrace/probes/internal/tracefs"
)

// tracepointProvider is "tracepoint:CATEGORY:EVENT": static kernel trace
// events, with "args" read from their tracefs format file.
type tracepointProvider struct{ k *kernel }

var _ Provider = (*tracepointProvider)(nil)

func (*tracepointProvider) Name() string { return "tracepoint" }

func (p *tracepointProvider) Expand(parts []string) ([]string, error) {
	if len(parts) != 2 {
		return nil, fmt.Errorf("tracepoint probe type requires 2 arguments, got %d", len(parts))
	}
	evs, err := p.k.traceEvents()
	if err != nil {
		return nil, err
	}
	want := parts[0] + ":" + parts[1]
	var names []string
	for _, ev := range filter(want, evs) {
		names = append(names, "tracepoint:"+ev)
	}
	if len(names) == 0 {
		return nil, &NotFoundError{Probe: "tracepoint:" + want, Similar: tracepointHints(parts, evs)}
	}
	return names, nil
}

// tracepointHints suggests events of the same category when it exists,
// else of any category.
func tracepointHints(parts []string, evs []string) []string {
	if hasWild(parts[0]) || hasWild(parts[1]) {
		return nil
	}
	cands := filter(parts[0]+":*", evs)
	if len(cands) == 0 {
		cands = evs
	}
	hints := similar(parts[0]+":"+parts[1], cands)
	for i, h := range hints {
		hints[i] = "tracepoint:" + h
	}
	return hints
}

func (p *tracepointProvider) Args(probe string) (*types.Type, error) {
	f, err := p.format(probe)
	if err != nil {
		return nil, err
	}
	return f.args, nil
}

func (p *tracepointProvider) List() ([]string, error) {
	evs, err := p.k.traceEvents()
	if err != nil {
		return nil, err
	}
	names := make([]string, len(evs))
	for i, ev := range evs {
		names[i] = "tracepoint:" + ev
	}
	return names, nil
}

func (p *tracepointProvider) Describe(probe string) (string, error) {
	f, err := p.format(probe)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, fd := range f.fields {
		if !fd.Common() {
			b.WriteString("    " + fd.Decl + "\n")
		}
	}
	return b.String(), nil
}

func (p *tracepointProvider) Attach(prog *ebpf.Program, probe string, cookie uint64) (io.Closer, error) {
	cat, ev, err := splitTracepoint(probe)
	if err != nil {
		return nil, err
	}
	// cilium/ebpf finds tracefs once per process: make sure it is mounted
	// before the first call.
	if _, err := p.k.tracefsRoot(); err != nil {
		return nil, err
	}
	l, err := link.Tracepoint(cat, ev, prog, &link.TracepointOptions{Cookie: cookie})
	if err != nil {
		return nil, err
	}
	return newCloser(l), nil
}

// splitTracepoint splits "tracepoint:CAT:EVENT".
func splitTracepoint(probe string) (cat, ev string, err error) {
	parts := strings.Split(probe, ":")
	if len(parts) != 3 || parts[0] != "tracepoint" || parts[1] == "" || parts[2] == "" {
		return "", "", fmt.Errorf("invalid tracepoint name %q", probe)
	}
	return parts[1], parts[2], nil
}

// tpFormat is a parsed format file and the args type built from it.
type tpFormat struct {
	fields []tracefs.Field
	args   *types.Type
}

// format returns the cached format of a full tracepoint name.
func (p *tracepointProvider) format(probe string) (*tpFormat, error) {
	cat, ev, err := splitTracepoint(probe)
	if err != nil {
		return nil, err
	}
	p.k.mu.Lock()
	defer p.k.mu.Unlock()
	if f, ok := p.k.formats[probe]; ok {
		return f, nil
	}
	root, err := p.k.tracefsRootLocked()
	if err != nil {
		return nil, err
	}
	ft, err := tracefs.ReadFormat(root, cat, ev)
	if err != nil {
		return nil, fmt.Errorf("read format of %s: %w", probe, err)
	}
	f := &tpFormat{fields: ft.Fields, args: argsType(cat, ev, ft.Fields)}
	if p.k.formats == nil {
		p.k.formats = map[string]*tpFormat{}
	}
	p.k.formats[probe] = f
	return f, nil
}

// argsType builds the "args" struct of a tracepoint from its format fields.
func argsType(cat, ev string, fields []tracefs.Field) *types.Type {
	t := &types.Type{Kind: types.Struct, Name: "_tracepoint_" + cat + "_" + ev}
	user := cat == "syscalls"
	for i := range fields {
		f := &fields[i]
		t.Size = max(t.Size, f.Offset+f.Size)
		if f.Common() {
			continue
		}
		t.Fields = append(t.Fields, &types.Field{Name: f.Name, Offset: f.Offset, Type: fieldType(f, user)})
	}
	return t
}
