package runtime

import (
	"io"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/google/go-cmp/cmp"

	"github.com/gtrace/gtrace/codegen"
)

// syscallProgram is BEGIN { exit(); } plus a fast-path probe serving three
// syscall tracepoints.
func syscallProgram() *codegen.Program {
	b := newBuilder()
	exit := b.event(codegen.Event{Kind: codegen.EvExit})
	b.probe("BEGIN", ebpf.RawTracepoint, "BEGIN", []string{"BEGIN"}, concat(emit(exit), ret()))
	b.p.Spec.Programs["sys"] = &ebpf.ProgramSpec{Name: "sys", Type: ebpf.RawTracepoint, License: "GPL", Instructions: ret()}
	b.p.Spec.Maps["sysnr"] = &ebpf.MapSpec{Name: "sysnr", Type: ebpf.Array, KeySize: 4, ValueSize: 8, MaxEntries: 1024}
	b.p.Probes = append(b.p.Probes, &codegen.Probe{
		Program: "sys", Provider: "rawtracepoint",
		Targets:        []string{"tracepoint:syscalls:sys_enter_read", "tracepoint:syscalls:sys_enter_openat", "tracepoint:syscalls:sys_enter_write"},
		Cookies:        []uint64{1, 2, 3},
		Syscall:        "sys_enter",
		SyscallMap:     "sysnr",
		SyscallNumbers: []int{0, 257, 1},
	})
	return b.p
}

func TestSyscallMapFilled(t *testing.T) {
	requireBPF(t)
	s, err := Load(syscallProgram(), &Options{Stdout: io.Discard, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := map[uint32]uint64{}
	var k uint32
	var v uint64
	it := s.coll.Maps["sysnr"].Iterate()
	for it.Next(&k, &v) {
		if v != 0 {
			got[k] = v
		}
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	want := map[uint32]uint64{0: 2, 257: 3, 1: 4}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("syscall map (-want +got):\n%s", diff)
	}
}

func TestSyscallAttachOnce(t *testing.T) {
	requireBPF(t)
	fa := &fakeAttacher{closed: make(chan string, 10)}
	stdout, _, _, err := run(t, syscallProgram(), &Options{Attacher: fa})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if want := "Attaching 4 probes...\n\n\n"; stdout != want {
		t.Errorf("got stdout %q, want %q", stdout, want)
	}
	close(fa.closed)
	var got []string
	for name := range fa.closed {
		got = append(got, name)
	}
	if want := []string{"rawtracepoint:sys_enter"}; !cmp.Equal(got, want) {
		t.Errorf("attached %q, want %q", got, want)
	}
}
