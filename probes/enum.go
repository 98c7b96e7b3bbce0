package probes

import (
	"fmt"

	"github.com/cilium/ebpf/btf"
)

// Enum returns the value of a kernel enumerator ("TCP_ESTABLISHED",
// "SKB_DROP_REASON_NOT_SPECIFIED") from BTF, which implements
// check.EnumResolver. The first enum that defines the name wins. A missing
// name is a *NotFoundError.
func (r *Registry) Enum(name string) (int64, error) {
	vals, err := r.k.enums()
	if err != nil {
		return 0, err
	}
	v, ok := vals[name]
	if !ok {
		return 0, &NotFoundError{Probe: "enum value " + name}
	}
	return v, nil
}

// enums returns every enumerator of the kernel's BTF, read once.
func (k *kernel) enums() (map[string]int64, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.enumVals != nil {
		return k.enumVals, nil
	}
	spec, err := k.btfLocked()
	if err != nil {
		return nil, err
	}
	vals := map[string]int64{}
	for t, err := range spec.All() {
		if err != nil {
			return nil, fmt.Errorf("read kernel BTF: %w", err)
		}
		e, ok := t.(*btf.Enum)
		if !ok {
			continue
		}
		for _, v := range e.Values {
			if _, dup := vals[v.Name]; !dup {
				vals[v.Name] = enumValue(e, v.Value)
			}
		}
	}
	k.enumVals = vals
	return vals, nil
}

// enumValue sign-extends the values of signed enums of 1, 2 or 4 bytes.
func enumValue(e *btf.Enum, v uint64) int64 {
	if !e.Signed || e.Size >= 8 {
		return int64(v)
	}
	shift := 64 - 8*e.Size
	return int64(v<<shift) >> shift
}
