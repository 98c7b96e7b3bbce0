package probes

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"

	"github.com/gtrace/gtrace/probes/internal/elfsym"
)

// uprobeProvider is "uprobe:BINARY:FUNC", "uprobe:BINARY:FUNC+OFFSET",
// "uprobe:BINARY:0xADDR" (a link-time address, as objdump shows it) and
// the same for "uretprobe". BINARY is resolved as resolveBinary says;
// FUNC may use wildcards and names a function symbol of .symtab or .dynsym.
// BINARY may be a glob ("./testprogs/uprobe*"), and with -p, empty or "*"
// for the process's executable. Full names carry the resolved binary:
// "uprobe:/usr/bin/bash:readline". Binaries whose path contains ':' are not
// supported.
type uprobeProvider struct {
	k    *kernel
	name string // uprobe or uretprobe
}

var _ Provider = (*uprobeProvider)(nil)
var _ patternLister = (*uprobeProvider)(nil)

func (p *uprobeProvider) Name() string { return p.name }

// List returns nothing: uprobes are listed only for a binary (ListPattern).

// ListPattern lists the functions of the binaries that pattern
// ("uprobe:/bin/bash:read*", "uprobe:/bin/bash", "uprobe:./bin/*:main",
// or with -p "uprobe:*") names.
func (p *uprobeProvider) ListPattern(pattern string) ([]string, error) {
	parts := strings.Split(pattern, ":")[1:]
	if len(parts) == 1 {
		parts = append(parts, "*")
	}
	if len(parts) != 2 {
		return nil, fmt.Errorf("listing %s probes needs a binary: %s:/path/to/binary[:function]", p.name, p.name)
	}
	names, err := p.Expand(parts)
	if errors.Is(err, ErrNoSuchProbe) {
		return nil, nil
	}
	return names, err
}

// uprobeTarget is a parsed uprobe name.
type uprobeTarget struct {
	bin  string // the binary part as written
	sym  string // function name or pattern; "" for an address
	addr uint64 // link-time address when sym is ""
	off  uint64 // offset into sym
	offs string // the offset as written, "" when none
}

func (p *uprobeProvider) parse(parts []string) (uprobeTarget, error) {
	var t uprobeTarget
	switch len(parts) {
	case 1:
		t.sym = parts[0]
	case 2:
		t.bin, t.sym = parts[0], parts[1]
	default:
		return t, fmt.Errorf("%s probe type requires 1 or 2 arguments, got %d", p.name, len(parts))
	}
	if a, ok := parseAddr(t.sym); ok {
		t.sym, t.addr = "", a
		return t, nil
	}
	if fn, off, ok := strings.Cut(t.sym, "+"); ok {
		n, err := strconv.ParseUint(off, 0, 64)
		if err != nil {
			return t, fmt.Errorf("invalid offset %q in %s %s", off, p.name, t.sym)
		}
		if hasWild(fn) {
			return t, fmt.Errorf("%s %s: an offset cannot follow a wildcard", p.name, t.sym)
		}
		t.sym, t.off, t.offs = fn, n, off
	}
	if t.sym == "" {
		return t, fmt.Errorf("%s probe type requires a function name", p.name)
	}
	return t, nil
}

// Expand returns the probes of every binary the name's binary part
// stands for (see kernel.binaries).
func (p *uprobeProvider) Expand(parts []string) ([]string, error) {
	t, err := p.parse(parts)
	if err != nil {
		return nil, err
	}
	paths, err := p.k.binaries(t.bin, false)
	if err != nil {
		return nil, err
	}
	var names []string
	var miss error
	for _, path := range paths {
		f, err := p.k.binary(path)
		if err != nil {
			if len(paths) > 1 {
				continue // a glob match that is not a usable ELF file
			}
			return nil, err
		}
		got, err := p.expandIn(f, t)
		var nf *NotFoundError
		if errors.As(err, &nf) {
			miss = err
			continue
		}
		if err != nil {
			return nil, err
		}
		names = append(names, got...)
	}
	if len(names) > 0 {
		return sortedUnique(names), nil
	}
	if miss == nil || len(paths) > 1 {
		miss = &NotFoundError{Probe: p.name + ":" + strings.Join(parts, ":")}
	}
	return nil, miss
}

// expandIn returns the probes t names in one binary.
func (p *uprobeProvider) expandIn(f *elfsym.File, t uprobeTarget) ([]string, error) {
	prefix := p.name + ":" + f.Path + ":"
	if t.sym == "" {
		if !f.Executable(t.addr) {
			return nil, addrError(f, t.addr)
		}
		return []string{fmt.Sprintf("%s%#x", prefix, t.addr)}, nil
	}
	if t.offs != "" {
		fn, ok := f.Func(t.sym)
		if !ok {
			return nil, p.notFound(prefix, t.sym+"+"+t.offs, f)
		}
		if fn.Size != 0 && t.off >= fn.Size {
			return nil, offsetError(t, fn.Size)
		}
		if err := p.checkOffset(f, fn, t.off); err != nil {
			return nil, err
		}
		return []string{prefix + t.sym + "+" + t.offs}, nil
	}
	// An exact name wins, so a Go name such as "main.(*T).m" is not taken
	// as a pattern.
	if _, ok := f.Func(t.sym); ok {
		return []string{prefix + t.sym}, nil
	}
	var names []string
	for _, fn := range f.Funcs {
		if match(t.sym, fn.Name) {
			names = append(names, prefix+fn.Name)
		}
	}
	if len(names) == 0 {
		return nil, p.notFound(prefix, t.sym, f)
	}
	return names, nil
}

// offsetError refuses an offset past the end of a function, in
// bpftrace's words, which its tests match.
func offsetError(t uprobeTarget, size uint64) error {
	return &hintedError{
		msg:   fmt.Sprintf("Offset outside the function bounds ('%s' size is %d)", t.sym, size),
		hints: []string{fmt.Sprintf("offset %s is past the end of %s: offsets run from 0 to %d", t.offs, t.sym, size-1)},
	}
}

// addrError refuses an address outside the code of f, in bpftrace's
// words, with the ranges that are code as the hint.
func addrError(f *elfsym.File, addr uint64) error {
	hint := fmt.Sprintf("%#x is not in an executable segment of %s", addr, f.Path)
	if r := f.ExecRanges(); len(r) > 0 {
		hint += " (code: " + strings.Join(r, ", ") + ")"
	}
	return &hintedError{
		msg:   fmt.Sprintf("Could not resolve address: %s:%#x", f.Path, addr),
		hints: []string{hint},
	}
}

func (p *uprobeProvider) notFound(prefix, sym string, f *elfsym.File) error {
	nf := &NotFoundError{Probe: prefix + sym}
	if hasWild(sym) {
		return nf
	}
	names := make([]string, len(f.Funcs))
	for i, fn := range f.Funcs {
		names[i] = fn.Name
	}
	base, _, _ := strings.Cut(sym, "+")
	for _, s := range similar(base, names) {
		nf.Similar = append(nf.Similar, prefix+s)
	}
	return nf
}

// ABI returns the calling convention of the function a full uprobe or
// uretprobe name probes: "go" for a function written in Go in a Go program
// (Go's register ABI, see elfsym.File.GoABI), "" for the C convention.
// Other probes, and addresses, are "".
func (r *Registry) ABI(probe string) (string, error) {
	prov, path, sym, err := splitUprobe(probe)
	if err != nil || (prov != "uprobe" && prov != "uretprobe") {
		return "", nil
	}
	fn, _, _ := strings.Cut(sym, "+")
	if _, isAddr := parseAddr(fn); isAddr {
		return "", nil
	}
	f, err := r.k.binary(path)
	if err != nil {
		return "", err
	}
	if e, ok := f.Func(fn); ok && f.GoABI(e) {
		return "go", nil
	}
	return "", nil
}

// splitUprobe splits a full uprobe or USDT name into provider, binary and
// the rest.
func splitUprobe(probe string) (prov, path, rest string, err error) {
	prov, r, _ := strings.Cut(probe, ":")
	path, rest, ok := strings.Cut(r, ":")
	if !ok || path == "" || rest == "" {
		return "", "", "", fmt.Errorf("invalid %s name %q", prov, probe)
	}
	return prov, path, rest, nil
}

// Attach places a uprobe (or uretprobe) for every process, or for the
// process of Options.PID. Needs a kernel with CONFIG_UPROBES. A uretprobe
// on a function of a Go program is a uprobe on each of its RET
// instructions (attachReturns). An offset must fall on an instruction
// boundary (checked by Expand).
func (p *uprobeProvider) Attach(prog *ebpf.Program, probe string, cookie uint64) (io.Closer, error) {
	prov, path, sym, err := splitUprobe(probe)
	if err != nil {
		return nil, err
	}
	if prov != p.name {
		return nil, fmt.Errorf("invalid %s name %q", p.name, probe)
	}
	t, err := p.parse([]string{path, sym})
	if err != nil {
		return nil, err
	}
	f, err := p.k.binary(path)
	if err != nil {
		return nil, err
	}
	ex, err := link.OpenExecutable(path)
	if err != nil {
		return nil, err
	}
	if p.name == "uretprobe" && f.Go {
		return p.attachReturns(ex, f, t, prog, cookie)
	}
	off, err := p.entryOffset(f, t)
	if err != nil {
		return nil, err
	}
	opts := &link.UprobeOptions{Address: off, PID: p.k.opts.PID, Cookie: cookie}
	var l link.Link
	if p.name == "uretprobe" {
		l, err = ex.Uretprobe(sym, prog, opts)
	} else {
		l, err = ex.Uprobe(sym, prog, opts)
	}
	if err != nil {
		return nil, err
	}
	return newCloser(l), nil
}

// entryOffset returns the file offset a uprobe target is placed at: for
// a function written in Go, after its stack check (funcCode.body), so that
// a call that grows the stack is seen once.
func (p *uprobeProvider) entryOffset(f *elfsym.File, t uprobeTarget) (uint64, error) {
	fn, ok := f.Func(t.sym)
	if t.sym == "" || t.offs != "" || !ok || !f.GoABI(fn) || fn.Size == 0 {
		return uprobeOffset(f, t)
	}
	fc, err := decodeFunc(f, fn)
	if err != nil {
		return 0, err
	}
	return f.Offset(fn.Addr + fc.body)
}

// checkOffset refuses an offset into fn that is not the start of one of
// its instructions. A function without a size is not checked.
func (p *uprobeProvider) checkOffset(f *elfsym.File, fn elfsym.Func, off uint64) error {
	if fn.Size == 0 || off == 0 {
		return nil
	}
	fc, err := decodeFunc(f, fn)
	if err != nil {
		return fmt.Errorf("%s: %w", p.name, err)
	}
	if err := fc.checkBoundary(fn.Name, off); err != nil {
		return fmt.Errorf("%s: %w", p.name, err)
	}
	return nil
}

// attachReturns is a uretprobe on a function of a Go program: a uprobe on
// each RET instruction of the function. A real uretprobe replaces the
// return address on the stack with a trampoline's, which the Go runtime
// finds when it copies a growing goroutine stack or unwinds it, and aborts.
// At a RET the results are still in their registers (RAX first).
func (p *uprobeProvider) attachReturns(ex *link.Executable, f *elfsym.File, t uprobeTarget, prog *ebpf.Program, cookie uint64) (io.Closer, error) {
	fn, ok := f.Func(t.sym)
	if t.sym == "" || t.offs != "" || !ok {
		return nil, fmt.Errorf("uretprobe in a Go program needs a function name, not an address or offset")
	}
	fc, err := decodeFunc(f, fn)
	if err != nil {
		return nil, err
	}
	if len(fc.rets) == 0 {
		return nil, fmt.Errorf("%s has no RET instruction to place the uretprobe of a Go function on", fn.Name)
	}
	c := newCloser()
	for _, r := range fc.rets {
		l, err := p.uprobeAt(ex, f, fn.Name, fn.Addr+r, prog, cookie)
		if err != nil {
			c.Close()
			return nil, err
		}
		c.closers = append(c.closers, l)
	}
	return c, nil
}

// uprobeAt places a uprobe at a link-time address of f.
func (p *uprobeProvider) uprobeAt(ex *link.Executable, f *elfsym.File, sym string, addr uint64, prog *ebpf.Program, cookie uint64) (link.Link, error) {
	off, err := f.Offset(addr)
	if err != nil {
		return nil, err
	}
	return ex.Uprobe(sym, prog, &link.UprobeOptions{Address: off, PID: p.k.opts.PID, Cookie: cookie})
}

// uprobeOffset returns the file offset a uprobe target is placed at.
func uprobeOffset(f *elfsym.File, t uprobeTarget) (uint64, error) {
	addr := t.addr
	if t.sym != "" {
		fn, ok := f.Func(t.sym)
		if !ok {
			return 0, fmt.Errorf("function %s not found in %s", t.sym, f.Path)
		}
		addr = fn.Addr + t.off
	}
	return f.Offset(addr)
}

// sortedUnique sorts names and drops repeats, in place.
func sortedUnique(names []string) []string {
	sort.Strings(names)
	out := names[:0]
	for i, n := range names {
		if i == 0 || n != names[i-1] {
			out = append(out, n)
		}
	}
	return out
}
