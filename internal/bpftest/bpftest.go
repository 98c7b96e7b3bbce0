// Package bpftest holds helpers for tests that need the kernel's BPF
// support (tier 1): they skip, naming the reason, where it is missing.
package bpftest

import (
	"os"
	"sync"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
)

// probeBPF loads a trivial program once per test binary to learn whether
// BPF works here.
var probeBPF = sync.OnceValue(func() error {
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type:         ebpf.RawTracepoint,
		License:      "GPL",
		Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()},
	})
	if err != nil {
		return err
	}
	return prog.Close()
})

// RequireBPF skips the test unless it runs as root on a kernel that loads
// BPF programs.
func RequireBPF(tb testing.TB) {
	tb.Helper()
	if os.Geteuid() != 0 {
		tb.Skip("skipped: needs root for BPF")
	}
	if err := probeBPF(); err != nil {
		tb.Skipf("skipped: this kernel cannot load BPF programs: %v", err)
	}
}
