package probes

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"

	"github.com/gtrace/gtrace/probes/internal/elfsym"
	"github.com/gtrace/gtrace/probes/internal/stapsdt"
)

// usdtProvider is "usdt:BINARY:PROVIDER:NAME" and "usdt:BINARY:NAME" (any
// provider): the SystemTap SDT probes of a binary's .note.stapsdt section.
// Full names carry the resolved binary and the provider:
// "usdt:/usr/bin/python3.11:python:function__entry". One name may stand
// for several probe sites; Attach attaches them all.
type usdtProvider struct{ k *kernel }

var _ Provider = (*usdtProvider)(nil)
var _ patternLister = (*usdtProvider)(nil)

func (*usdtProvider) Name() string { return "usdt" }

// List returns nothing: USDT probes are listed only for a binary.

// ListPattern lists the USDT probes of the binaries pattern names
// ("usdt:/usr/bin/python3.11:*", "usdt:/usr/bin/python3.11", or with -p
// "usdt:*").
func (p *usdtProvider) ListPattern(pattern string) ([]string, error) {
	parts := strings.Split(pattern, ":")[1:]
	if len(parts) == 1 {
		parts = append(parts, "*")
	}
	if len(parts) == 2 && parts[1] == "*" {
		parts = append(parts, "*")
	}
	if len(parts) < 2 || len(parts) > 3 {
		return nil, errors.New("listing usdt probes needs a binary: usdt:/path/to/binary[:provider:name]")
	}
	names, err := p.Expand(parts)
	if errors.Is(err, ErrNoSuchProbe) {
		return nil, nil
	}
	return names, err
}

// usdtTarget is a parsed USDT name.
type usdtTarget struct {
	bin, provider, name string // provider "*" when not given or empty
}

func parseUSDT(parts []string) (usdtTarget, error) {
	var t usdtTarget
	switch len(parts) {
	case 2:
		t.bin, t.provider, t.name = parts[0], "*", parts[1]
	case 3:
		t.bin, t.provider, t.name = parts[0], parts[1], parts[2]
	default:
		return t, errors.New("usdt probe type requires 2 or 3 arguments")
	}
	if t.provider == "" {
		t.provider = "*"
	}
	if t.name == "" {
		return t, errors.New("usdt probe type requires a probe name")
	}
	return t, nil
}

// sites returns the probe sites of f that t matches.
func (t usdtTarget) sites(f *elfsym.File) []stapsdt.Probe {
	var out []stapsdt.Probe
	for _, s := range f.USDT {
		if match(t.provider, s.Provider) && match(t.name, s.Name) {
			out = append(out, s)
		}
	}
	return out
}

// Expand returns the probes of every binary the name's binary part stands
// for (see kernel.binaries; with -p and no binary, the libraries the
// process has mapped too).
func (p *usdtProvider) Expand(parts []string) ([]string, error) {
	t, err := parseUSDT(parts)
	if err != nil {
		return nil, err
	}
	paths, err := p.k.binaries(t.bin, true)
	if err != nil {
		return nil, err
	}
	var names []string
	var last *elfsym.File
	for _, path := range paths {
		f, err := p.k.binary(path)
		if err != nil {
			if len(paths) > 1 {
				continue
			}
			return nil, err
		}
		last = f
		for _, s := range t.sites(f) {
			names = append(names, "usdt:"+f.Path+":"+s.Provider+":"+s.Name)
		}
	}
	if len(names) > 0 {
		return sortedUnique(names), nil
	}
	if len(paths) == 1 && last != nil {
		return nil, p.notFound("usdt:"+last.Path+":", t, last)
	}
	return nil, &NotFoundError{Probe: "usdt:" + strings.Join(parts, ":")}
}

func (p *usdtProvider) notFound(prefix string, t usdtTarget, f *elfsym.File) error {
	want := t.provider + ":" + t.name
	nf := &NotFoundError{Probe: prefix + want}
	if t.provider == "*" {
		nf.Probe = prefix + t.name
	}
	if hasWild(want) && t.provider != "*" || hasWild(t.name) {
		return nf
	}
	var cands []string
	for _, s := range f.USDT {
		c := s.Provider + ":" + s.Name
		if t.provider == "*" {
			c = s.Name
		}
		cands = append(cands, c)
	}
	for _, s := range similar(strings.TrimPrefix(want, "*:"), sortedUnique(cands)) {
		for _, site := range f.USDT {
			if s == site.Name || s == site.Provider+":"+site.Name {
				nf.Similar = append(nf.Similar, prefix+site.Provider+":"+site.Name)
				break
			}
		}
	}
	return nf
}

// USDTArgs returns the argument spec ("-4@%eax 8@-16(%rbp)") of every site
// of a full USDT probe name, in note order.
func (r *Registry) USDTArgs(probe string) ([]string, error) {
	f, t, err := r.usdtSites(probe)
	if err != nil {
		return nil, err
	}
	var specs []string
	for _, s := range t.sites(f) {
		specs = append(specs, s.Args)
	}
	return specs, nil
}

func (r *Registry) usdtSites(probe string) (*elfsym.File, usdtTarget, error) {
	prov, path, rest, err := splitUprobe(probe)
	if err != nil || prov != "usdt" {
		return nil, usdtTarget{}, fmt.Errorf("invalid usdt name %q", probe)
	}
	t, err := parseUSDT(append([]string{path}, strings.Split(rest, ":")...))
	if err != nil {
		return nil, t, err
	}
	f, err := r.k.binary(path)
	return f, t, err
}

// Locations returns the number of places a full probe name attaches to:
// the sites of a USDT probe (a probe inlined or used in several places has
// one site per use), 1 for anything else.
func (r *Registry) Locations(probe string) int {
	if !strings.HasPrefix(probe, "usdt:") {
		return 1
	}
	f, t, err := r.usdtSites(probe)
	if err != nil {
		return 1
	}
	return max(len(t.sites(f)), 1)
}

// Attach places a uprobe on every site of a full USDT probe name, with
// the kernel incrementing the probe's semaphore (when it has one) while it
// is attached (RefCtrOffset, kernel 4.20+).
func (p *usdtProvider) Attach(prog *ebpf.Program, probe string, cookie uint64) (io.Closer, error) {
	prov, path, rest, err := splitUprobe(probe)
	if err != nil || prov != "usdt" {
		return nil, fmt.Errorf("invalid usdt name %q", probe)
	}
	parts := append([]string{path}, strings.Split(rest, ":")...)
	if len(parts) != 3 {
		return nil, fmt.Errorf("invalid usdt name %q", probe)
	}
	t, err := parseUSDT(parts)
	if err != nil {
		return nil, err
	}
	f, err := p.k.binary(path)
	if err != nil {
		return nil, err
	}
	sites := t.sites(f)
	if len(sites) == 0 {
		return nil, &NotFoundError{Probe: probe}
	}
	ex, err := link.OpenExecutable(path)
	if err != nil {
		return nil, err
	}
	c := newCloser()
	for _, s := range sites {
		l, err := p.attachSite(ex, f, s, prog, cookie)
		if err != nil {
			c.Close()
			return nil, err
		}
		c.closers = append(c.closers, l)
	}
	return c, nil
}

func (p *usdtProvider) attachSite(ex *link.Executable, f *elfsym.File, s stapsdt.Probe, prog *ebpf.Program, cookie uint64) (link.Link, error) {
	off, err := f.Offset(s.PC)
	if err != nil {
		return nil, err
	}
	opts := &link.UprobeOptions{Address: off, PID: p.k.opts.PID, Cookie: cookie}
	if s.Semaphore != 0 {
		if opts.RefCtrOffset, err = f.Offset(s.Semaphore); err != nil {
			return nil, fmt.Errorf("semaphore of %s:%s: %w", s.Provider, s.Name, err)
		}
	}
	return ex.Uprobe(s.Provider+"_"+s.Name, prog, opts)
}
