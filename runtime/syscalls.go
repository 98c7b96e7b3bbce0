// This file prepares the syscall fast path of codegen: one program on the
// raw sys_enter/sys_exit tracepoint serving many syscall tracepoints,
// filtered through an array map from syscall number to probe id + 1.

package runtime

import (
	"fmt"

	"github.com/cilium/ebpf"

	"github.com/gtrace/gtrace/codegen"
)

// fillSyscallMaps writes, for every fast-path probe, each target's probe id
// + 1 at its syscall number, so that the program serves exactly those
// syscalls.
func (s *Session) fillSyscallMaps() error {
	for _, pr := range s.prog.Probes {
		if pr.Syscall == "" {
			continue
		}
		if err := fillSyscallMap(s.coll.Maps[pr.SyscallMap], pr); err != nil {
			return fmt.Errorf("load: fill %s: %w", pr.SyscallMap, err)
		}
	}
	return nil
}

func fillSyscallMap(m *ebpf.Map, pr *codegen.Probe) error {
	if m == nil {
		return fmt.Errorf("no map")
	}
	if len(pr.SyscallNumbers) != len(pr.Targets) || len(pr.Cookies) != len(pr.Targets) {
		return fmt.Errorf("%d syscall numbers and %d cookies for %d targets", len(pr.SyscallNumbers), len(pr.Cookies), len(pr.Targets))
	}
	keys := make([]uint32, len(pr.Targets))
	vals := make([]uint64, len(pr.Targets))
	for i, nr := range pr.SyscallNumbers {
		keys[i], vals[i] = uint32(nr), pr.Cookies[i]+1
	}
	if _, err := m.BatchUpdate(keys, vals, nil); err == nil {
		return nil
	}
	for i := range keys {
		if err := m.Put(keys[i], vals[i]); err != nil {
			return err
		}
	}
	return nil
}

// syscallJob returns the single attach job of a fast-path probe.
func syscallJob(p *ebpf.Program, pr *codegen.Probe) attachJob {
	return attachJob{prog: p, target: "rawtracepoint:" + pr.Syscall}
}
