package probes

// This file attaches many uprobes of one binary through one uprobe_multi
// link (kernel 6.6+): one syscall and one file descriptor instead of a
// perf event per probe, and one teardown.

import (
	"fmt"
	"io"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"
	"github.com/cilium/ebpf/link"
)

// CanAttachUprobeMulti reports whether targets can share one uprobe_multi
// link: the kernel has uprobe_multi links, and the targets are at least
// two uprobes (or two uretprobes, not on Go functions, whose return probes
// are uprobes on RET instructions) of functions of one binary. A program
// serving them must be loaded with ebpf.AttachTraceUprobeMulti, and then
// attaches only through AttachUprobeMulti.
func (r *Registry) CanAttachUprobeMulti(targets []string) bool {
	if len(targets) < 2 || features.HaveBPFLinkUprobeMulti() != nil {
		return false
	}
	kind, path := "", ""
	for _, t := range targets {
		prov, bin, sym, err := splitUprobe(t)
		if err != nil || (prov != "uprobe" && prov != "uretprobe") || (kind != "" && (prov != kind || bin != path)) {
			return false
		}
		kind, path = prov, bin
		if _, isAddr := parseAddr(sym); isAddr || strings.ContainsRune(sym, '+') {
			return false
		}
	}
	f, err := r.k.binary(path)
	return err == nil && !(kind == "uretprobe" && f.Go)
}

// AttachUprobeMulti attaches prog (loaded with ebpf.AttachTraceUprobeMulti)
// to every target CanAttachUprobeMulti accepted, through one link;
// cookies[i] is targets[i]'s BPF cookie. It fails as a whole if the kernel
// refuses any one of them; the caller may then attach them one by one
// with a plain program. The Closer detaches them all.
func (r *Registry) AttachUprobeMulti(prog *ebpf.Program, targets []string, cookies []uint64) (io.Closer, error) {
	if len(targets) == 0 || len(cookies) != len(targets) {
		return nil, fmt.Errorf("uprobe_multi: %d targets, %d cookies", len(targets), len(cookies))
	}
	prov, path, _, err := splitUprobe(targets[0])
	if err != nil {
		return nil, err
	}
	p, ok := r.providers[prov].(*uprobeProvider)
	if !ok {
		return nil, fmt.Errorf("uprobe_multi: %s is not a uprobe", targets[0])
	}
	f, err := r.k.binary(path)
	if err != nil {
		return nil, err
	}
	offs := make([]uint64, len(targets))
	for i, t := range targets {
		_, _, sym, err := splitUprobe(t)
		if err != nil {
			return nil, err
		}
		ut, err := p.parse([]string{path, sym})
		if err != nil {
			return nil, err
		}
		if offs[i], err = p.entryOffset(f, ut); err != nil {
			return nil, err
		}
	}
	ex, err := link.OpenExecutable(path)
	if err != nil {
		return nil, err
	}
	opts := &link.UprobeMultiOptions{Addresses: offs, Cookies: cookies, PID: uint32(r.k.opts.PID)}
	var l link.Link
	if prov == "uretprobe" {
		l, err = ex.UretprobeMulti(nil, prog, opts)
	} else {
		l, err = ex.UprobeMulti(nil, prog, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("attach %s and %d more through uprobe_multi: %w", targets[0], len(targets)-1, err)
	}
	return newCloser(l), nil
}

// MultiAttachType returns the attach type a program serving every target
// through one link must be loaded with (runtime.MultiAttacher):
// ebpf.AttachTraceKprobeMulti for kprobes CanAttachKprobeMulti accepts,
// ebpf.AttachTraceUprobeMulti for uprobes CanAttachUprobeMulti accepts.
func (r *Registry) MultiAttachType(targets []string) (ebpf.AttachType, bool) {
	if r.CanAttachKprobeMulti(targets) {
		return ebpf.AttachTraceKprobeMulti, true
	}
	if r.CanAttachUprobeMulti(targets) {
		return ebpf.AttachTraceUprobeMulti, true
	}
	return ebpf.AttachNone, false
}

// AttachMulti attaches prog to every target through one link
// (runtime.MultiAttacher); see AttachUprobeMulti.
func (r *Registry) AttachMulti(prog *ebpf.Program, targets []string, cookies []uint64) (io.Closer, error) {
	if len(targets) > 0 && (strings.HasPrefix(targets[0], "kprobe:") || strings.HasPrefix(targets[0], "kretprobe:")) {
		return r.AttachKprobeMulti(prog, targets, cookies)
	}
	return r.AttachUprobeMulti(prog, targets, cookies)
}
