package probes

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"

	"github.com/gtrace/gtrace/lang/probekind"
	"github.com/gtrace/gtrace/lang/types"
	"github.com/gtrace/gtrace/probes/internal/elfsym"
	"github.com/gtrace/gtrace/probes/internal/kallsyms"
	"github.com/gtrace/gtrace/probes/internal/ldcache"
)

// Options configures a Registry. A nil *Options means the defaults.
type Options struct {
	// TracefsRoot is the tracefs directory to read. "" means the running
	// kernel's: /sys/kernel/tracing (or /sys/kernel/debug/tracing), which is
	// mounted when it is not (a line on Stderr says so).
	TracefsRoot string
	// Stderr receives notices such as the tracefs mount. nil discards them.
	Stderr io.Writer
	// BTFPath is a BTF file to read kernel types from. "" means the running
	// kernel's (/sys/kernel/btf/vmlinux).
	BTFPath string
	// CPUs lists the CPUs profile and software probes attach to. nil means
	// the online CPUs.
	CPUs []int
	// KallsymsPath is the kallsyms file kprobe names are checked against
	// when tracefs available_filter_functions cannot be read. "" means
	// /proc/kallsyms.
	KallsymsPath string
	// PID restricts uprobes, uretprobes and USDT probes to one process
	// (gtrace -p); 0 means every process. A uprobe with no binary
	// ("uprobe:FUNC") names a function of this process's executable.
	PID int
	// IncludeDirs are searched first for the headers a script #includes
	// (gtrace -I).
	IncludeDirs []string
}

// Provider is the implementation of one kind of probe; the facts about
// the kind (aliases, program type, allowed builtins, part syntax) are its
// row in lang/probekind. Name is the kind's canonical name; full probe
// names start with it. A Provider implements whichever of expander,
// argser, lister, patternLister and describer its kind needs.
type Provider interface {
	// Name is the canonical provider name ("tracepoint").
	Name() string
	// Attach attaches prog to a full probe name. Close the returned Closer
	// to detach.
	Attach(prog *ebpf.Program, probe string, cookie uint64) (io.Closer, error)
}

// expander is a Provider whose attach points name kernel or binary
// objects (probekind.Kind.Resolve): Expand returns the full names of the
// probes parts name, wildcards expanded, sorted. No match is a
// *NotFoundError.
type expander interface {
	Expand(parts []string) ([]string, error)
}

// argser is a Provider whose probes have a typed "args": Args returns its
// type for a full probe name, or nil.
type argser interface {
	Args(probe string) (*types.Type, error)
}

// lister is a Provider that can list all its probes: List returns the
// full names "gtrace -l" shows, sorted.
type lister interface {
	List() ([]string, error)
}

// describer is a Provider with something to say under a probe in
// "gtrace -lv": Describe returns those lines ("" when there are none).
type describer interface {
	Describe(probe string) (string, error)
}

// Registry answers questions about probes and attaches them. It implements
// check.Resolver and its optional interfaces (EnumResolver, ABIResolver,
// SymbolResolver, USDTResolver, SyscallResolver, HeaderResolver), so the checker learns
// every kernel fact a script needs, once. It is safe for concurrent use.
type Registry struct {
	k         *kernel
	providers map[string]Provider
	order     []string // provider names in listing order
}

// New returns a Registry. It touches the kernel only when asked something.
func New(opts *Options) *Registry {
	if opts == nil {
		opts = &Options{}
	}
	k := &kernel{opts: *opts}
	r := &Registry{k: k, providers: map[string]Provider{}}
	for _, p := range []Provider{
		specialProvider{"BEGIN"},
		specialProvider{"END"},
		specialProvider{"self"},
		specialProvider{"bench"},
		&hwswProvider{k: k, name: "hardware"},
		&rateProvider{k: k, name: "interval"},
		&kprobeProvider{k: k, name: "kprobe"},
		&kprobeProvider{k: k, name: "kretprobe"},
		&kfuncProvider{k: k, name: "kfunc"},
		&kfuncProvider{k: k, name: "kretfunc"},
		&rateProvider{k: k, name: "profile"},
		&uprobeProvider{k: k, name: "uprobe"},
		&uprobeProvider{k: k, name: "uretprobe"},
		&usdtProvider{k: k},
		&rawTracepointProvider{k: k},
		&hwswProvider{k: k, name: "software"},
		&tracepointProvider{k: k},
	} {
		r.providers[p.Name()] = p
		r.order = append(r.order, p.Name())
	}
	return r
}

// provider returns the provider called name (any spelling) and its kind.
func (r *Registry) provider(name string) (Provider, *probekind.Kind, error) {
	kind, ok := probekind.Lookup(name)
	if !ok {
		return nil, nil, fmt.Errorf("unknown probe type %q", name)
	}
	p, ok := r.providers[kind.Name]
	if !ok {
		return nil, nil, notSupported("%s probes are not supported yet", kind.Name)
	}
	return p, kind, nil
}

// providerOf returns the provider of a full probe name.
func (r *Registry) providerOf(probe string) (Provider, error) {
	name, _, _ := strings.Cut(probe, ":")
	p, _, err := r.provider(name)
	return p, err
}

// Expand returns the full names of the probes that provider:parts... names,
// wildcards expanded, sorted. No match is a *NotFoundError. The parts are
// checked against the kind's spelling first; a kind that names nothing in
// the kernel (interval, software...) has one probe, its canonical name.
func (r *Registry) Expand(provider string, parts []string) ([]string, error) {
	p, kind, err := r.provider(provider)
	if err != nil {
		return nil, err
	}
	name, parts, err := kind.Probe(parts)
	if err != nil {
		return nil, err
	}
	if e, ok := p.(expander); ok && kind.Resolve {
		return e.Expand(parts)
	}
	return []string{name}, nil
}

// Args returns the type of "args" for a full probe name: a Struct for
// tracepoints, nil, nil for providers without args.
func (r *Registry) Args(probe string) (*types.Type, error) {
	p, err := r.providerOf(probe)
	if err != nil {
		return nil, err
	}
	if a, ok := p.(argser); ok {
		return a.Args(probe)
	}
	return nil, nil
}

// Retval returns the type and context offset of a kretfunc's return
// value (check.RetvalResolver); nil, nil for other probes.
func (r *Registry) Retval(probe string) (*types.Field, error) {
	p, err := r.providerOf(probe)
	if err != nil {
		return nil, err
	}
	if k, ok := p.(*kfuncProvider); ok && k.name == "kretfunc" {
		return k.Retval(probe)
	}
	return nil, nil
}

// Attach attaches prog to the full probe name, with cookie as its BPF
// cookie (bpf_get_attach_cookie). The returned Closer detaches it; it is
// safe to call concurrently with other Closers, and more than once.
// BEGIN and END are not attached: the runtime runs them itself.
func (r *Registry) Attach(prog *ebpf.Program, probe string, cookie uint64) (io.Closer, error) {
	p, err := r.providerOf(probe)
	if err != nil {
		return nil, err
	}
	c, err := p.Attach(prog, probe, cookie)
	if err != nil {
		return nil, fmt.Errorf("attach %s: %w", probe, err)
	}
	return c, nil
}

// List returns the probes "gtrace -l [pattern]" prints, sorted. The pattern
// may use '*' and '?', may use a provider alias ("t:sched:*"), and may leave
// the provider out ("sched:sched_switch" lists tracepoint:sched:sched_switch).
// Raw tracepoints and kretprobes are listed only when the pattern names
// their provider. uprobe and USDT probes are listed for a named binary
// ("uprobe:/bin/bash:read*", "*:./prog:*"), or with Options.PID for the
// process ("" or "*" then lists only those, as "bpftrace -l -p PID" does).
func (r *Registry) List(pattern string) ([]string, error) {
	if pattern == "" {
		pattern = "*"
	}
	if r.k.opts.PID != 0 && pattern == "*" {
		return r.listProcess()
	}
	if prov, rest, ok := strings.Cut(pattern, ":"); ok {
		if kind, known := probekind.Lookup(prov); known {
			return r.listProvider(kind.Name, kind.Name+":"+rest)
		}
	}
	names, err := r.listAll(pattern)
	if err != nil || len(names) > 0 || strings.HasPrefix(pattern, "*") {
		return names, err
	}
	return r.listAll("*:" + pattern)
}

// patternLister is a Provider that cannot list all its probes, only those
// of a pattern ("uprobe:/bin/bash:read*": the binary must be named).
type patternLister interface {
	ListPattern(pattern string) ([]string, error)
}

func (r *Registry) listProvider(canon, pattern string) ([]string, error) {
	p, ok := r.providers[canon]
	if !ok {
		return nil, notSupported("%s probes are not supported yet", canon)
	}
	if pl, ok := p.(patternLister); ok {
		return pl.ListPattern(pattern)
	}
	l, ok := p.(lister)
	if !ok {
		return nil, nil
	}
	names, err := l.List()
	if err != nil {
		return nil, err
	}
	return filter(pattern, names), nil
}

// listProcess lists the uprobes and USDT probes of the -p process
// ("gtrace -l -p PID").
func (r *Registry) listProcess() ([]string, error) {
	var all []string
	for _, name := range []string{"uprobe", "usdt"} {
		names, err := r.providers[name].(patternLister).ListPattern(name + ":*")
		if err != nil {
			return nil, err
		}
		all = append(all, names...)
	}
	return all, nil
}

func (r *Registry) listAll(pattern string) ([]string, error) {
	var all []string
	var errs []error
	for _, name := range r.order {
		if kind, _ := probekind.Lookup(name); kind.ListNamed {
			continue
		}
		if pl, ok := r.providers[name].(patternLister); ok {
			// "*:./bin/prog:*" lists the uprobes and USDT probes of a binary.
			prov, rest, _ := strings.Cut(pattern, ":")
			if bin, _, _ := strings.Cut(rest, ":"); strings.ContainsRune(bin, '/') && match(prov, name) {
				names, err := pl.ListPattern(name + ":" + rest)
				errs = append(errs, err)
				all = append(all, names...)
			}
			continue
		}
		l, ok := r.providers[name].(lister)
		if !ok {
			continue
		}
		names, err := l.List()
		errs = append(errs, err)
		all = append(all, filter(pattern, names)...)
	}
	sort.Strings(all)
	if len(all) == 0 {
		return nil, errors.Join(errs...)
	}
	return all, nil
}

// Describe returns what "gtrace -lv" prints under a full probe name: for
// tracepoints one "    TYPE NAME\n" line per field, as bpftrace -lv does;
// "" for probes without args.
func (r *Registry) Describe(probe string) (string, error) {
	p, err := r.providerOf(probe)
	if err != nil {
		return "", err
	}
	if d, ok := p.(describer); ok {
		return d.Describe(probe)
	}
	return "", nil
}

// kernel holds the kernel facts the providers share, read lazily.
type kernel struct {
	opts Options

	mu      sync.Mutex
	root    string // tracefs directory, "" until found
	rootErr error
	events  []string // "category:event", sorted
	formats map[string]*tpFormat
	structs map[string]*types.Type
	btf     *btf.Spec
	btfErr  error
	// btfNames lists the BTF structs and unions, for hints.
	btfNames []string
	// enumVals holds every BTF enumerator by name.
	enumVals map[string]int64
	// funcs are the kernel functions kprobes can name, sorted.
	funcs    []kallsyms.Func
	funcsErr error
	// ksyms are the text symbols of kallsyms, for names funcs lacks.
	ksyms    []kallsyms.Func
	ksymsErr error
	// ktab is /proc/kallsyms, read once (kallsymsLocked) for kprobe names,
	// kaddr() and the symbolizer.
	ktab    *kallsyms.Table
	ktabErr error
	// elfs caches the binaries of uprobes and USDT probes, by path.
	elfs map[string]*elfsym.File
	// ld is /etc/ld.so.cache, read when ldRead.
	ld     []ldcache.Entry
	ldRead bool
}
