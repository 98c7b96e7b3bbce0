// Tier-1 tests: they open real perf events (internal/bpftest says when
// they skip).
package perf

import (
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"golang.org/x/sys/unix"

	"github.com/gtrace/gtrace/internal/bpftest"
)

func TestOpenAttachClose(t *testing.T) {
	bpftest.RequireBPF(t)
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type: ebpf.PerfEvent, License: "GPL",
		Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()},
	})
	bpftest.SkipIfNotSupported(t, err)
	defer prog.Close()
	for _, cookie := range []uint64{0, 7} {
		fd, err := Open(Event{Type: unix.PERF_TYPE_SOFTWARE, Config: unix.PERF_COUNT_SW_CPU_CLOCK, Period: 1e6}, 0)
		if err != nil {
			t.Fatal(err)
		}
		l, err := Attach(prog, fd, cookie)
		if err != nil {
			t.Fatalf("Attach with cookie %d: %v", cookie, err)
		}
		for range 2 {
			if err := l.Close(); err != nil {
				t.Errorf("Link.Close: %v", err)
			}
			if err := fd.Close(); err != nil {
				t.Errorf("FD.Close: %v", err)
			}
		}
	}
}
