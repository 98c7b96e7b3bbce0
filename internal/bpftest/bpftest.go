// Package bpftest holds helpers for tests that need the kernel's BPF
// support (tier 1). As cilium/ebpf's own testutils, they skip only when
// the kernel does not support what they load (ebpf.ErrNotSupported); any
// other failure to load is a failure. Not running as root is a missing
// prerequisite (internal/testenv): a skip, and under CI=true a failure.
package bpftest

import (
	"errors"
	"sync"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/gtrace/gtrace/internal/testenv"
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

// RequireBPF skips the test unless it runs as root (a failure under
// CI=true) on a kernel that supports BPF programs; it fails the test when
// loading a trivial program fails for another reason.
func RequireBPF(tb testing.TB) {
	tb.Helper()
	testenv.RequireRoot(tb, "BPF")
	SkipIfNotSupported(tb, probeBPF())
}

// SkipIfNotSupported skips the test when err says the kernel lacks a
// feature (ebpf.ErrNotSupported, naming it), and fails it on any other
// error.
func SkipIfNotSupported(tb testing.TB, err error) {
	tb.Helper()
	if err == nil {
		return
	}
	if errors.Is(err, ebpf.ErrNotSupported) {
		testenv.NoKernelFeature(tb, "a BPF feature", err) // err names it
	}
	tb.Fatalf("BPF: %v", err)
}
