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
	"github.com/cilium/ebpf/link"

	"github.com/gtrace/gtrace/lang/types"
)

// kfuncProvider is "kfunc:[MODULE:]FUNC" (fentry) and
// "kretfunc:[MODULE:]FUNC" (fexit): BPF_PROG_TYPE_TRACING programs bound
// to one kernel function when they are loaded. Full probe names carry the
// module: "kfunc:vmlinux:vfs_read". The function's BTF prototype names and
// types args; each argument is one 8-byte word of the context, the return
// value of a kretfunc the word after them.
type kfuncProvider struct {
	k    *kernel
	name string // "kfunc" or "kretfunc"

	once  sync.Once
	funcs []string // vmlinux functions with BTF that can be traced, sorted
	err   error
}

var _ Provider = (*kfuncProvider)(nil)

func (p *kfuncProvider) Name() string { return p.name }

// kfuncTarget is a full kfunc name taken apart.
type kfuncTarget struct{ module, fn string }

func parseKfunc(probe string) (kfuncTarget, error) {
	parts := strings.Split(probe, ":")
	if len(parts) != 3 || parts[1] == "" || parts[2] == "" {
		return kfuncTarget{}, fmt.Errorf("invalid kfunc name %q", probe)
	}
	return kfuncTarget{module: parts[1], fn: parts[2]}, nil
}

// Expand takes FUNC (a vmlinux function, or a module's when vmlinux has
// none of that name) or MODULE:FUNC; both MODULE and FUNC may have
// wildcards.
func (p *kfuncProvider) Expand(parts []string) ([]string, error) {
	module, pattern := "vmlinux", parts[len(parts)-1]
	if len(parts) == 2 && parts[0] != "" {
		module = parts[0]
	}
	want := p.name + ":" + module + ":" + pattern
	var names []string
	if hasWild(module) {
		names, err := p.wildFuncs(module, pattern)
		if err == nil && len(names) == 0 {
			err = &NotFoundError{Probe: want}
		}
		return names, err
	}
	if module == "vmlinux" {
		all, err := p.vmlinuxFuncs()
		if err != nil {
			return nil, err
		}
		names = filter(want, all)
		if len(names) == 0 && len(parts) == 1 && !hasWild(pattern) {
			if m := p.moduleOf(pattern); m != "" {
				return p.Expand([]string{m, pattern})
			}
		}
		if len(names) == 0 {
			var hints []string
			if !hasWild(pattern) {
				hints = similar(want, all)
			}
			return nil, &NotFoundError{Probe: want, Similar: hints}
		}
		return names, nil
	}
	all, err := p.moduleFuncs(module)
	if err != nil {
		return nil, err
	}
	names = filter(want, all)
	if len(names) == 0 {
		return nil, &NotFoundError{Probe: want}
	}
	return names, nil
}

// moduleOf returns the module kallsyms puts fn in, "" if none.
func (p *kfuncProvider) moduleOf(fn string) string {
	funcs, err := p.k.kernelFuncs()
	if err != nil {
		return ""
	}
	for _, f := range funcs {
		if f.Name == fn && f.Module != "" {
			return f.Module
		}
	}
	return ""
}

// ListPattern lists the functions "NAME:FUNC" or "NAME:MODULE:FUNC"
// matches: vmlinux's, and a module's when the pattern names it.
func (p *kfuncProvider) ListPattern(pattern string) ([]string, error) {
	parts := strings.Split(pattern, ":")[1:]
	module, fn := "vmlinux", "*"
	switch len(parts) {
	case 1:
		fn = parts[0]
	case 2:
		module, fn = parts[0], parts[1]
	default:
		return nil, nil
	}
	if hasWild(module) {
		return p.wildFuncs(module, fn)
	}
	if module != "vmlinux" {
		all, err := p.moduleFuncs(module)
		return filter(p.name+":"+module+":"+fn, all), err
	}
	all, err := p.vmlinuxFuncs()
	return filter(p.name+":"+module+":"+fn, all), err
}

// wildFuncs returns the functions named fnPat of vmlinux and of every
// module matching modPat. Only the modules that the kernel lists a
// matching traceable function in have their BTF read, so "kfunc:*:F"
// costs a file or two; a module without BTF is left out.
func (p *kfuncProvider) wildFuncs(modPat, fnPat string) ([]string, error) {
	want := p.name + ":" + modPat + ":" + fnPat
	var out []string
	if match(modPat, "vmlinux") {
		all, err := p.vmlinuxFuncs()
		if err != nil {
			return nil, err
		}
		out = filter(want, all)
	}
	funcs, err := p.k.kernelFuncs()
	if err != nil {
		return out, nil
	}
	mods := map[string]bool{}
	for _, f := range funcs {
		if f.Module != "" && !mods[f.Module] && match(modPat, f.Module) && match(fnPat, f.Name) {
			mods[f.Module] = true
		}
	}
	for m := range mods {
		if all, err := p.moduleFuncs(m); err == nil {
			out = append(out, filter(want, all)...)
		}
	}
	sort.Strings(out)
	return compactStrings(out), nil
}

// vmlinuxFuncs returns "NAME:vmlinux:FUNC" for every function of vmlinux's
// BTF the kernel lists as traceable (available_filter_functions, else
// kallsyms; every BTF function when neither can be read).
func (p *kfuncProvider) vmlinuxFuncs() ([]string, error) {
	p.once.Do(func() {
		p.k.mu.Lock()
		spec, err := p.k.btfLocked()
		p.k.mu.Unlock()
		if err != nil {
			p.err = notSupported("kfunc probes need kernel BTF: %v", err)
			return
		}
		traceable := p.traceable("")
		for t, err := range spec.All() {
			if err != nil {
				p.err = err
				return
			}
			fn, ok := t.(*btf.Func)
			if !ok || fn.Name == "" || (traceable != nil && !traceable[fn.Name]) {
				continue
			}
			p.funcs = append(p.funcs, p.name+":vmlinux:"+fn.Name)
		}
		sort.Strings(p.funcs)
		p.funcs = compactStrings(p.funcs)
	})
	return p.funcs, p.err
}

// traceable returns the set of function names of module ("" for vmlinux)
// the kernel lists, nil when it cannot be read.
func (p *kfuncProvider) traceable(module string) map[string]bool {
	funcs, err := p.k.kernelFuncs()
	if err != nil || len(funcs) == 0 {
		return nil
	}
	set := map[string]bool{}
	for _, f := range funcs {
		if f.Module == module {
			set[f.Name] = true
		}
	}
	return set
}

// moduleFuncs returns the functions of module that its BTF describes.
func (p *kfuncProvider) moduleFuncs(module string) ([]string, error) {
	spec, err := btf.LoadKernelModuleSpec(module)
	if err != nil {
		return nil, fmt.Errorf("BTF of module %s: %w", module, err)
	}
	var names []string
	if set := p.traceable(module); set != nil {
		for fn := range set {
			var f *btf.Func
			if spec.TypeByName(fn, &f) == nil {
				names = append(names, p.name+":"+module+":"+fn)
			}
		}
	}
	sort.Strings(names)
	return names, nil
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// proto returns the BTF prototype of a full kfunc name.
func (p *kfuncProvider) proto(probe string) (*btf.FuncProto, error) {
	t, err := parseKfunc(probe)
	if err != nil {
		return nil, err
	}
	var spec *btf.Spec
	if t.module == "vmlinux" {
		p.k.mu.Lock()
		spec, err = p.k.btfLocked()
		p.k.mu.Unlock()
	} else {
		spec, err = btf.LoadKernelModuleSpec(t.module)
	}
	if err != nil {
		return nil, err
	}
	var fn *btf.Func
	if err := spec.TypeByName(t.fn, &fn); err != nil {
		return nil, fmt.Errorf("no BTF for %s: %w", t.fn, err)
	}
	proto, ok := fn.Type.(*btf.FuncProto)
	if !ok {
		return nil, fmt.Errorf("BTF of %s is not a function", t.fn)
	}
	return proto, nil
}

// Args returns the function's arguments as a struct: one field per
// parameter at its 8-byte slot of the context (a struct passed by value
// takes as many slots as it has words), typed from BTF, plus nothing else:
// the return value is Retval's.
func (p *kfuncProvider) Args(probe string) (*types.Type, error) {
	proto, err := p.proto(probe)
	if err != nil {
		return nil, err
	}
	args, _ := kfuncLayout(probe, proto)
	return args, nil
}

// Retval returns the type and context offset of a kretfunc's return
// value: the word after the arguments.
func (p *kfuncProvider) Retval(probe string) (*types.Field, error) {
	proto, err := p.proto(probe)
	if err != nil {
		return nil, err
	}
	_, ret := kfuncLayout(probe, proto)
	return ret, nil
}

// kfuncLayout lays out a prototype's arguments and return value in the
// context of a tracing program.
func kfuncLayout(probe string, proto *btf.FuncProto) (*types.Type, *types.Field) {
	args := &types.Type{Kind: types.Struct, Name: strings.ReplaceAll(probe, ":", "_")}
	slot := 0
	for i, param := range proto.Params {
		ft, words := slotType(param.Type)
		name := param.Name
		if name == "" {
			name = fmt.Sprintf("arg%d", i)
		}
		args.Fields = append(args.Fields, &types.Field{Name: name, Offset: 8 * slot, Type: ft})
		slot += words
	}
	args.Size = 8 * slot
	ret := &types.Field{Name: "retval", Offset: 8 * slot, Type: types.Uint64}
	if _, void := proto.Return.(*btf.Void); !void && proto.Return != nil {
		ret.Type, _ = slotType(proto.Return)
	}
	return args, ret
}

// slotType is the type a value of t is read as from the context, and how
// many 8-byte words it takes there. Integers and pointers are read at their
// own size; anything else as its first word.
func slotType(t btf.Type) (*types.Type, int) {
	ct := convertBTF(t, 0)
	words := max(1, (ct.Size+7)/8)
	switch ct.Kind {
	case types.Int, types.Pointer:
		if ct.Size <= 8 && ct.Size > 0 {
			return ct, words
		}
	}
	return types.Uint64, words
}

// Describe returns "    TYPE NAME" per parameter and the return value's
// "    TYPE retval", as bpftrace -lv prints them.
func (p *kfuncProvider) Describe(probe string) (string, error) {
	proto, err := p.proto(probe)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for i, param := range proto.Params {
		name := param.Name
		if name == "" {
			name = fmt.Sprintf("arg%d", i)
		}
		fmt.Fprintf(&b, "    %s %s\n", cDecl(param.Type), name)
	}
	if _, void := proto.Return.(*btf.Void); !void && proto.Return != nil {
		fmt.Fprintf(&b, "    %s retval\n", cDecl(proto.Return))
	}
	return b.String(), nil
}

// cDecl spells a BTF type as C does in a declaration ("struct file *").
func cDecl(t btf.Type) string {
	switch v := t.(type) {
	case nil, *btf.Void:
		return "void"
	case *btf.Pointer:
		return cDecl(v.Target) + " *"
	case *btf.Const:
		return "const " + cDecl(v.Type)
	case *btf.Volatile:
		return "volatile " + cDecl(v.Type)
	case *btf.Restrict:
		return cDecl(v.Type)
	case *btf.TypeTag:
		return cDecl(v.Type)
	case *btf.Struct:
		return "struct " + v.Name
	case *btf.Union:
		return "union " + v.Name
	case *btf.Enum:
		return "enum " + v.Name
	case *btf.Fwd:
		if v.Kind == btf.FwdUnion {
			return "union " + v.Name
		}
		return "struct " + v.Name
	case *btf.FuncProto:
		return "void"
	case *btf.Array:
		return cDecl(v.Type) + " *"
	}
	if n := t.TypeName(); n != "" {
		return n
	}
	return "void"
}

// Attach attaches a tracing program loaded for the probe's function.
func (p *kfuncProvider) Attach(prog *ebpf.Program, probe string, _ uint64) (io.Closer, error) {
	if _, err := parseKfunc(probe); err != nil {
		return nil, err
	}
	at := ebpf.AttachTraceFEntry
	if p.name == "kretfunc" {
		at = ebpf.AttachTraceFExit
	}
	l, err := link.AttachTracing(link.TracingOptions{Program: prog, AttachType: at})
	if err != nil {
		if errors.Is(err, ebpf.ErrNotSupported) {
			return nil, notSupported("%s probes: the kernel cannot attach fentry/fexit programs: %v", p.name, err)
		}
		return nil, err
	}
	return newCloser(l), nil
}
