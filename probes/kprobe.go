package probes

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"

	"github.com/gtrace/gtrace/probes/internal/kallsyms"
)

// kprobeProvider is "kprobe:FUNC", "kprobe:MOD:FUNC", "kprobe:FUNC+OFFSET"
// and "kretprobe:FUNC" (MOD is "vmlinux" for the kernel itself, and the full
// name keeps it when it was given). Functions come from tracefs
// available_filter_functions, or from the text symbols of /proc/kallsyms
// when that file cannot be read, so scripts check on kernels without
// kprobes; only Attach needs them (CONFIG_KPROBES).
type kprobeProvider struct {
	k    *kernel
	name string // kprobe or kretprobe
}

var _ Provider = (*kprobeProvider)(nil)

func (p *kprobeProvider) Name() string { return p.name }

// kprobeTarget is a parsed kprobe name.
type kprobeTarget struct {
	mod, fn string // mod "" when not given
	off     string // "" or the offset as written ("0x10")
}

func parseKprobe(parts []string) (kprobeTarget, error) {
	var t kprobeTarget
	switch len(parts) {
	case 1:
		t.fn = parts[0]
	case 2:
		t.mod, t.fn = parts[0], parts[1]
	default:
		return t, fmt.Errorf("kprobe probe type requires 1 or 2 arguments, got %d", len(parts))
	}
	if fn, off, ok := strings.Cut(t.fn, "+"); ok {
		if _, err := strconv.ParseUint(off, 0, 64); err != nil {
			return t, fmt.Errorf("invalid offset %q in kprobe %s", off, t.fn)
		}
		if hasWild(fn) {
			return t, fmt.Errorf("kprobe %s: an offset cannot follow a wildcard", t.fn)
		}
		t.fn, t.off = fn, off
	}
	if t.fn == "" {
		return t, errors.New("kprobe probe type requires a function name")
	}
	return t, nil
}

func (p *kprobeProvider) Expand(parts []string) ([]string, error) {
	t, err := parseKprobe(parts)
	if err != nil {
		return nil, err
	}
	if t.off != "" && p.name == "kretprobe" {
		return nil, fmt.Errorf("kretprobe %s+%s: kretprobes do not take an offset", t.fn, t.off)
	}
	funcs, err := p.k.kernelFuncs()
	if err != nil {
		return nil, err
	}
	names := p.matches(t, funcs)
	if len(names) == 0 && !hasWild(t.fn) && !hasWild(t.mod) {
		// kprobes do not need ftrace: a function that
		// available_filter_functions leaves out (notrace) may still be
		// probed, so an exact name is also looked up in kallsyms.
		if ks, err := p.k.kallsymsFuncs(); err == nil {
			names = p.matches(t, ks)
		}
	}
	if len(names) == 0 {
		return nil, p.notFound(parts, t, funcs)
	}
	return names, nil
}

// matches returns the sorted full names of the functions t matches.
func (p *kprobeProvider) matches(t kprobeTarget, funcs []kallsyms.Func) []string {
	var names []string
	seen := map[string]bool{}
	// A pattern that spells a clone suffix itself (dcsnoop.bt's
	// lookup_fast.constprop.*) asks for clones.
	skipClones := hasWild(t.fn) && !strings.Contains(t.fn, ".")
	for _, f := range funcs {
		mod := cmp.Or(f.Module, "vmlinux")
		if !match(t.fn, f.Name) || (t.mod != "" && !match(t.mod, mod)) {
			continue
		}
		if skipClones && isClone(f.Name) {
			continue
		}
		n := p.name + ":" + f.Name
		if t.mod != "" {
			n = p.name + ":" + mod + ":" + f.Name
		}
		if t.off != "" {
			n += "+" + t.off
		}
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// isClone reports whether name is a compiler's copy of a function
// (vfs_kern_mount.part.0, .isra.N, .constprop.N, .cold, .llvm.N): a
// wildcard leaves them out, as bpftrace does, since they are parts of the
// function the user means and take other arguments; an exact name still
// reaches them.
func isClone(name string) bool {
	return strings.Contains(name, ".")
}

func (p *kprobeProvider) notFound(parts []string, t kprobeTarget, funcs []kallsyms.Func) error {
	nf := &NotFoundError{Probe: p.name + ":" + strings.Join(parts, ":")}
	if hasWild(t.fn) || t.mod != "" {
		return nf
	}
	names := make([]string, 0, len(funcs))
	for _, f := range funcs {
		if len(names) == 0 || names[len(names)-1] != f.Name {
			names = append(names, f.Name)
		}
	}
	for _, s := range similar(t.fn, names) {
		nf.Similar = append(nf.Similar, p.name+":"+s)
	}
	return nf
}

// List returns "kprobe:FUNC" for every kernel function (kretprobe lists
// the same functions).
func (p *kprobeProvider) List() ([]string, error) {
	funcs, err := p.k.kernelFuncs()
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(funcs))
	for _, f := range funcs {
		n := p.name + ":" + f.Name
		if len(names) == 0 || names[len(names)-1] != n {
			names = append(names, n)
		}
	}
	return names, nil
}

// Attach creates a kprobe or kretprobe. Needs a kernel with CONFIG_KPROBES;
// without it the error wraps ErrNotSupported and says so.
func (p *kprobeProvider) Attach(prog *ebpf.Program, probe string, cookie uint64) (io.Closer, error) {
	prov, rest, _ := strings.Cut(probe, ":")
	if prov != p.name {
		return nil, fmt.Errorf("invalid %s name %q", p.name, probe)
	}
	t, err := parseKprobe(strings.Split(rest, ":"))
	if err != nil {
		return nil, err
	}
	opts := &link.KprobeOptions{Cookie: cookie}
	if t.off != "" {
		opts.Offset, _ = strconv.ParseUint(t.off, 0, 64)
	}
	var l link.Link
	if p.name == "kretprobe" {
		l, err = link.Kretprobe(t.fn, prog, opts)
	} else {
		l, err = link.Kprobe(t.fn, prog, opts)
	}
	if err != nil {
		if !p.k.haveKprobes() {
			return nil, notSupported("kprobes are not supported by this kernel (built without CONFIG_KPROBES): %w", err)
		}
		return nil, p.k.kprobeError(t, p.name == "kretprobe", err)
	}
	return newCloser(l), nil
}

// kprobeError replaces err, from cilium/ebpf, with what the kernel says
// when asked directly through tracefs kprobe_events: cilium retries a
// failed symbol with the syscall wrapper prefix (__x64_), and reports that
// second failure ("token __x64_do_sys_openat2+0x1: not found") instead of
// the first.
func (k *kernel) kprobeError(t kprobeTarget, ret bool, err error) error {
	root, rerr := k.tracefsRoot()
	if rerr != nil {
		return err
	}
	sym := t.fn
	if t.mod != "" && t.mod != "vmlinux" {
		sym = t.mod + ":" + t.fn
	}
	if t.off != "" {
		sym += "+" + t.off
	}
	kind := "p"
	if ret {
		kind = "r"
	}
	event := fmt.Sprintf("gtrace_check_%d", os.Getpid())
	werr := writeKprobeEvents(root, fmt.Sprintf("%s:%s %s", kind, event, sym))
	if werr == nil {
		writeKprobeEvents(root, "-:"+event)
		return err
	}
	switch {
	case errors.Is(werr, unix.EILSEQ):
		return fmt.Errorf("the kernel refused %s: +%s is not on an instruction boundary (EILSEQ)", sym, t.off)
	case errors.Is(werr, unix.ENOENT):
		return fmt.Errorf("the kernel refused %s: no such function (ENOENT)", sym)
	case errors.Is(werr, unix.EINVAL):
		return fmt.Errorf("the kernel refused %s: the function cannot be probed (EINVAL: notrace, on the kprobe blacklist, or the offset is past its end)", sym)
	}
	return fmt.Errorf("the kernel refused %s: %w", sym, werr)
}

func writeKprobeEvents(root, line string) error {
	f, err := os.OpenFile(filepath.Join(root, "kprobe_events"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	_, werr := f.WriteString(line + "\n")
	cerr := f.Close()
	if werr != nil {
		return werr
	}
	return cerr
}

// haveKprobes reports whether the kernel can create kprobes: through the
// kprobe PMU (4.17+) or tracefs kprobe_events.
func (k *kernel) haveKprobes() bool {
	if _, err := os.Stat("/sys/bus/event_source/devices/kprobe"); err == nil {
		return true
	}
	root, err := k.tracefsRoot()
	if err != nil {
		return true // cannot tell: do not blame the kernel
	}
	_, err = os.Stat(root + "/kprobe_events")
	return err == nil
}

// kernelFuncs returns the kernel functions kprobes can name, read once:
// available_filter_functions when it can be read (it is not when ftrace is
// locked down), else the text symbols of kallsyms.
func (k *kernel) kernelFuncs() ([]kallsyms.Func, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.funcs != nil || k.funcsErr != nil {
		return k.funcs, k.funcsErr
	}
	k.funcs, k.funcsErr = k.readKernelFuncs()
	return k.funcs, k.funcsErr
}

func (k *kernel) readKernelFuncs() ([]kallsyms.Func, error) {
	if root, err := k.tracefsRootLocked(); err == nil {
		f, err := os.Open(filepath.Join(root, "available_filter_functions"))
		if err == nil {
			defer f.Close()
			if fs, err := kallsyms.ParseFilterFunctions(f); err == nil && len(fs) > 0 {
				return fs, nil
			}
		}
	}
	return k.readKallsyms()
}

// kallsymsFuncs returns the text symbols of kallsyms, read once.
func (k *kernel) kallsymsFuncs() ([]kallsyms.Func, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.ksyms == nil && k.ksymsErr == nil {
		k.ksyms, k.ksymsErr = k.readKallsyms()
	}
	return k.ksyms, k.ksymsErr
}

func (k *kernel) readKallsyms() ([]kallsyms.Func, error) {
	t, err := k.kallsymsLocked()
	if err != nil {
		return nil, fmt.Errorf("list kernel functions: %w", err)
	}
	return t.Funcs(), nil
}
