// This file implements fences: records the runtime itself writes into the
// output ring buffer. Probes stay attached while END runs (maps are printed
// before the slow detach), so END's records share the ring with records of
// probes that still fire. A fence before END and one after it bracket END's
// records; records before the first fence that follow exit() are dropped,
// as bpftrace drops events once exiting.

package runtime

import (
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
)

// FenceID is the event id of a fence record: {FenceID, nonce}.
const FenceID = ^uint64(0)

// newFence loads a raw-tracepoint program that writes {FenceID, nonce} to
// rb, the nonce being its context's first u64.
func newFence(rb *ebpf.Map) (*ebpf.Program, error) {
	insns := asm.Instructions{
		asm.LoadMem(asm.R2, asm.R1, 0, asm.DWord), // nonce = ctx[0]
		asm.StoreMem(asm.RFP, -8, asm.R2, asm.DWord),
		asm.LoadImm(asm.R2, -1, asm.DWord),
		asm.StoreMem(asm.RFP, -16, asm.R2, asm.DWord),
		asm.LoadMapPtr(asm.R1, rb.FD()),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -16),
		asm.Mov.Imm(asm.R3, 16),
		asm.Mov.Imm(asm.R4, 0),
		asm.FnRingbufOutput.Call(),
		asm.Return(),
	}
	p, err := ebpf.NewProgramWithOptions(&ebpf.ProgramSpec{
		Name: "gtrace_fence", Type: ebpf.RawTracepoint, License: "GPL", Instructions: insns,
	}, ebpf.ProgramOptions{})
	if err != nil {
		return nil, fmt.Errorf("load fence program: %w", err)
	}
	return p, nil
}

// runProbe runs a BEGIN/END-style program once with BPF_PROG_TEST_RUN,
// whatever its type, and returns its return value. ctx0 is the first u64
// of a raw tracepoint context.
func runProbe(p *ebpf.Program, ctx0 uint64) (uint32, error) {
	opts := &ebpf.RunOptions{}
	switch p.Type() {
	case ebpf.RawTracepoint, ebpf.RawTracepointWritable:
		// The kernel accepts at most 12 u64 arguments here.
		var args [12]uint64
		args[0] = ctx0
		opts.Context = args
	default:
		// XDP and socket programs need at least an Ethernet header of data.
		opts.Data = make([]byte, 64)
	}
	return p.Run(opts)
}
