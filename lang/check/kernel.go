package check

// This file resolves the kernel facts of calls and targets once, through
// the Resolver, into the Info: codegen reads them from there and asks the
// kernel nothing.

import (
	"fmt"
	"net/netip"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/types"
)

// resolvedCall is a call's kernel fact, or why there is none.
type resolvedCall struct {
	v   uint64
	err error
}

// symCall checks kaddr("sym"), uaddr("sym") and cgroupid("path") and
// resolves them.
func symCall(result *types.Type) func(ch *checker, c *lang.Call) *types.Type {
	return func(ch *checker, c *lang.Call) *types.Type {
		if !ch.argOf(c, 0, c.Args[0], argStrLit) {
			return nil
		}
		name := ch.info.Strings[c.Args[0]]
		sr, ok := ch.conf.resolver().(SymbolResolver)
		if !ok {
			return result // codegen says there is no symbol table
		}
		rc, seen := ch.resolved[c]
		if !seen {
			rc.v, rc.err = ch.resolveSym(sr, c, name)
			ch.resolved[c] = rc
		}
		if rc.err != nil {
			ch.symError(c, name, rc.err)
			return result
		}
		ch.info.Values[c] = rc.v
		return result
	}
}

// PercpuResolver is implemented by resolvers that know the kernel's
// per-CPU variables (from BTF): percpu_kaddr("var") needs the variable's
// BTF id, which the checker records in Info.Values, and its type.
type PercpuResolver interface {
	PercpuVar(name string) (btfID uint32, t *types.Type, err error)
}

// percpuCall checks percpu_kaddr("var"[, cpu]) (bpftrace 0.23+): a pointer
// to the per-CPU kernel variable var of the given CPU, or of the current
// one; NULL for a CPU that does not exist.
func percpuCall(ch *checker, c *lang.Call) *types.Type {
	if !ch.argOf(c, 0, c.Args[0], argStrLit) {
		return nil
	}
	if len(c.Args) == 2 {
		if t := ch.expr(c.Args[1]); t != nil && !t.IsInt() {
			ch.errorf(c.Args[1], "percpu_kaddr() takes a CPU number, not %s", t)
			return nil
		}
	}
	name := ch.info.Strings[c.Args[0]]
	result := types.NewPointer(types.Uint64, false)
	pr, ok := ch.conf.resolver().(PercpuResolver)
	if !ok {
		return result // codegen says there is no kernel BTF
	}
	id, t, err := pr.PercpuVar(name)
	if err != nil {
		if ch.final {
			ch.info.KernelErrors.Add(lang.NewError(ch.file, c.Args[0].Span(),
				fmt.Sprintf("percpu_kaddr(%q): %v", name, err), "percpu_kaddr() reads a per-CPU variable of the kernel's BTF (section .data..percpu)"))
		}
		return result
	}
	ch.info.Values[c] = uint64(id)
	if t == nil || t.Kind == types.None {
		return result
	}
	return types.NewPointer(t, false)
}

// UaddrSizer is implemented by resolvers that know the size of a user
// symbol: uaddr("sym") then points to a signed integer of that size (1, 2
// or 4 bytes; 8 otherwise), as bpftrace types it, so *uaddr("an_int")
// reads 4 bytes.
type UaddrSizer interface {
	UaddrSize(path, name string) (uint64, error)
}

// uaddrCall checks uaddr("sym"): a user pointer to an integer of the
// symbol's size.
func uaddrCall(ch *checker, c *lang.Call) *types.Type {
	t := symCall(types.NewPointer(types.Int64, true))(ch, c)
	us, ok := ch.conf.resolver().(UaddrSizer)
	if !ok || t == nil || ch.info.Values[c] == 0 {
		return t
	}
	size, err := us.UaddrSize(ch.targetBinary(), ch.info.Strings[c.Args[0]])
	if err != nil {
		return t
	}
	switch size {
	case 1:
		return types.NewPointer(types.Int8, true)
	case 2:
		return types.NewPointer(types.Int16, true)
	case 4:
		return types.NewPointer(types.Int32, true)
	}
	return t
}

func (ch *checker) resolveSym(sr SymbolResolver, c *lang.Call, name string) (uint64, error) {
	switch c.Name {
	case "kaddr":
		return sr.Kaddr(name)
	case "uaddr":
		return sr.Uaddr(ch.targetBinary(), name)
	}
	return sr.CgroupID(name)
}

// symError records a symbol that does not resolve in Info.KernelErrors,
// kaddr's in bpftrace's words, which scripts and tests match.
func (ch *checker) symError(c *lang.Call, name string, err error) {
	if !ch.final {
		return
	}
	msg, hints := fmt.Sprintf("%s(%q): %v", c.Name, name, err), []string(nil)
	if c.Name == "kaddr" {
		msg = "Failed to resolve kernel symbol: " + name
		if !strings.Contains(err.Error(), "failed to resolve kernel symbol") {
			hints = append(hints, err.Error())
		}
	}
	ch.info.KernelErrors.Add(lang.NewError(ch.file, c.Args[0].Span(), msg, hints...))
}

// targetBinary returns the binary of the current probe's first uprobe or
// usdt target ("uprobe:/bin/bash:readline" → "/bin/bash").
func (ch *checker) targetBinary() string {
	for _, t := range ch.targets[ch.probeIdx] {
		if parts := strings.SplitN(t.Name, ":", 3); len(parts) == 3 {
			return parts[1]
		}
	}
	return ""
}

// signalNumber resolves signal("NAME"), with or without "SIG".
func (ch *checker) signalNumber(c *lang.Call, s *lang.StrLit) bool {
	n := unix.SignalNum("SIG" + strings.TrimPrefix(s.Value, "SIG"))
	if n == 0 {
		ch.errorf(s, "signal(): unknown signal %q", s.Value)
		return false
	}
	ch.info.Values[c] = uint64(n)
	return true
}

// ptonBytes resolves pton("addr") to its 4 or 16 bytes.
func (ch *checker) ptonBytes(c *lang.Call, s string) ([]byte, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		ch.errorf(c.Args[0], "pton(): %q is not an IPv4 or IPv6 address", s)
		return nil, false
	}
	b := a.AsSlice()
	ch.info.Bytes[c] = b
	return b, true
}

// targetFacts records the kernel facts of new targets: the argument specs
// of usdt probes and the numbers of syscall tracepoints.
func (ch *checker) targetFacts(ap *lang.AttachPoint, ts []*Target) *lang.Error {
	r := ch.conf.resolver()
	for _, t := range ts {
		if ur, ok := r.(USDTResolver); ok && t.Provider == "usdt" {
			args, err := ur.USDTArgs(t.Name)
			if err != nil {
				return lang.NewError(ch.file, ap.Span(), err.Error())
			}
			t.USDTArgs = args
		}
		sr, ok := r.(SyscallResolver)
		if !ok || t.Provider != "tracepoint" {
			continue
		}
		for _, prefix := range []string{"tracepoint:syscalls:sys_enter_", "tracepoint:syscalls:sys_exit_"} {
			if name, ok := strings.CutPrefix(t.Name, prefix); ok {
				if nr, ok := sr.SyscallNumber(name); ok {
					ch.syscalls[t.Name] = nr
				}
			}
		}
	}
	return nil
}
