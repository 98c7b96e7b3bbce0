package probes

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
	"github.com/cilium/ebpf/link"

	"github.com/gtrace/gtrace/lang/types"
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

// Args returns the raw tracepoint's arguments, named and typed from the
// kernel's BTF function __bpf_trace_EVENT(void *__data, ARGS...): a struct with one 8-byte
// field per argument, at 8*i, as the program's context holds them. Integer
// arguments are widened to 64 bits, because the verifier allows only
// 8-byte reads of a raw tracepoint's context. nil, nil without BTF.
func (p *rawTracepointProvider) Args(probe string) (*types.Type, error) {
	name, ok := strings.CutPrefix(probe, "rawtracepoint:")
	if !ok {
		return nil, fmt.Errorf("invalid rawtracepoint name %q", probe)
	}
	p.k.mu.Lock()
	spec, err := p.k.btfLocked()
	p.k.mu.Unlock()
	if err != nil {
		return nil, nil
	}
	proto := rawTracepointProto(spec, name)
	if proto == nil || len(proto.Params) == 0 {
		return nil, nil
	}
	t := &types.Type{Kind: types.Struct, Name: "rawtracepoint_" + name}
	for i, param := range proto.Params[1:] {
		ft := convertBTF(param.Type, 0)
		if ft.Kind == types.Int {
			ft = types.NewInt(8, ft.Signed)
		}
		if ft.Size != 8 {
			ft = types.Uint64
		}
		fname := param.Name
		if fname == "" {
			fname = fmt.Sprintf("arg%d", i)
		}
		t.Fields = append(t.Fields, &types.Field{Name: fname, Offset: 8 * i, Type: ft})
	}
	t.Size = 8 * len(t.Fields)
	return t, nil
}

// rawTracepointProto returns the prototype of the function a raw
// tracepoint's programs are called through. __bpf_trace_EVENT names the
// parameters; the typedef btf_trace_EVENT, a pointer to the same
// prototype, does not, but is the fallback. nil when BTF has neither.
func rawTracepointProto(spec *btf.Spec, name string) *btf.FuncProto {
	var fn *btf.Func
	if err := spec.TypeByName("__bpf_trace_"+name, &fn); err == nil {
		if proto, ok := fn.Type.(*btf.FuncProto); ok {
			return proto
		}
	}
	var td *btf.Typedef
	if err := spec.TypeByName("btf_trace_"+name, &td); err != nil {
		return nil
	}
	if ptr, ok := btf.UnderlyingType(td.Type).(*btf.Pointer); ok {
		if proto, ok := ptr.Target.(*btf.FuncProto); ok {
			return proto
		}
	}
	return nil
}
