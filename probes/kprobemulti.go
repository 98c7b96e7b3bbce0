package probes

// This file attaches one program to many kernel functions through one
// kprobe_multi link (fprobe, Linux 5.18+ with CONFIG_FPROBE): a wildcard
// over hundreds of functions then attaches and detaches in one system call
// each, where separate kprobes cost tens of milliseconds apiece to tear down.

import (
	"cmp"
	"fmt"
	"io"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
)

// minMulti is the fewest targets worth a kprobe_multi link.
const minMulti = 2

// CanAttachKprobeMulti reports whether targets can share one kprobe_multi link:
// the kernel has kprobe_multi, there are at least two, all are kprobes or
// all kretprobes, without offsets, of functions of the kernel proper that
// ftrace can trace (available_filter_functions: fprobe is built on
// ftrace). A program serving them must be loaded with
// ebpf.AttachTraceKprobeMulti, and then attaches only through AttachKprobeMulti.
func (r *Registry) CanAttachKprobeMulti(targets []string) bool {
	if len(targets) < minMulti || KernelFeatures().KprobeMulti != nil {
		return false
	}
	funcs, err := r.k.kernelFuncs()
	if err != nil {
		return false
	}
	traceable := make(map[string]bool, len(funcs))
	for _, f := range funcs {
		if f.Module == "" {
			traceable[f.Name] = true
		}
	}
	kind := ""
	for _, t := range targets {
		prov, rest, _ := strings.Cut(t, ":")
		if kind == "" {
			kind = prov
		}
		if prov != kind || (prov != "kprobe" && prov != "kretprobe") {
			return false
		}
		kt, err := parseKprobe(strings.Split(rest, ":"))
		if err != nil || kt.off != "" || cmp.Or(kt.mod, "vmlinux") != "vmlinux" || !traceable[kt.fn] {
			return false
		}
	}
	return true
}

// AttachKprobeMulti attaches prog (loaded with ebpf.AttachTraceKprobeMulti) to
// every target CanAttachKprobeMulti accepted, through one link; cookies[i] is
// targets[i]'s BPF cookie. The Closer detaches them all at once. It fails
// as a whole if the kernel refuses any one function.
func (r *Registry) AttachKprobeMulti(prog *ebpf.Program, targets []string, cookies []uint64) (io.Closer, error) {
	if len(targets) == 0 || len(cookies) != len(targets) {
		return nil, fmt.Errorf("kprobe_multi: %d targets, %d cookies", len(targets), len(cookies))
	}
	opts := link.KprobeMultiOptions{Symbols: make([]string, len(targets))}
	retprobe := strings.HasPrefix(targets[0], "kretprobe:")
	useCookies := false
	for i, t := range targets {
		_, rest, _ := strings.Cut(t, ":")
		kt, err := parseKprobe(strings.Split(rest, ":"))
		if err != nil {
			return nil, err
		}
		opts.Symbols[i] = kt.fn
		useCookies = useCookies || cookies[i] != 0
	}
	if useCookies {
		opts.Cookies = cookies
	}
	var l link.Link
	var err error
	if retprobe {
		l, err = link.KretprobeMulti(prog, opts)
	} else {
		l, err = link.KprobeMulti(prog, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("attach %s and %d more through kprobe_multi: %w", targets[0], len(targets)-1, err)
	}
	return newCloser(l), nil
}
