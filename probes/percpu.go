package probes

// This file finds the kernel's per-CPU variables in its BTF, for
// percpu_kaddr().

import (
	"fmt"

	"github.com/cilium/ebpf/btf"

	"github.com/gtrace/gtrace/lang/types"
)

// percpuSection is the BTF data section of the kernel's per-CPU variables.
const percpuSection = ".data..percpu"

// PercpuVar returns the BTF type id (in vmlinux) of the per-CPU kernel
// variable name ("runqueues") and its type, for percpu_kaddr(). It needs
// the kernel's BTF.
func (r *Registry) PercpuVar(name string) (uint32, *types.Type, error) {
	id, t, err := r.k.percpuVar(name)
	if err != nil {
		return 0, nil, err
	}
	// The verifier finds the variable's address in kallsyms, which lists
	// data symbols only with CONFIG_KALLSYMS_ALL.
	if _, err := r.Kaddr(name); err != nil {
		return 0, nil, fmt.Errorf("the kernel cannot address per-CPU variable %s: it is not in /proc/kallsyms (CONFIG_KALLSYMS_ALL is off?)", name)
	}
	return id, t, nil
}

func (k *kernel) percpuVar(name string) (uint32, *types.Type, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	spec, err := k.btfLocked()
	if err != nil {
		return 0, nil, err
	}
	var sec *btf.Datasec
	if err := spec.TypeByName(percpuSection, &sec); err != nil {
		return 0, nil, fmt.Errorf("kernel BTF has no %s section: %w", percpuSection, err)
	}
	for _, vs := range sec.Vars {
		v, ok := vs.Type.(*btf.Var)
		if !ok || v.Name != name {
			continue
		}
		id, err := spec.TypeID(v)
		if err != nil {
			return 0, nil, err
		}
		return uint32(id), convertBTF(v.Type, 0), nil
	}
	return 0, nil, &NotFoundError{Probe: "per-CPU variable " + name}
}
