package probes

import (
	"errors"
	"golang.org/x/sys/unix"
	"os"
	"sync"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/features"
)

// Features are what the running kernel offers gtrace's kernel probes. Each
// field is a probe's result: nil when the kernel has it, an error
// (wrapping ebpf.ErrNotSupported when it lacks it) otherwise.
type Features struct {
	Kprobes     error // kprobes can be created (CONFIG_KPROBES: kprobe PMU or kprobe_events)
	KprobeMulti error // BPF_LINK_TYPE_KPROBE_MULTI (5.18+ with CONFIG_FPROBE)
	Cookies     error // bpf_get_attach_cookie in kprobe programs (5.15+)
	FuncIP      error // bpf_get_func_ip in kprobe programs (5.15+)
}

// KernelFeatures probes the running kernel once per process; later calls
// return the same answers. It needs root for real answers: without the
// privilege to load BPF every feature reads as missing.
var KernelFeatures = sync.OnceValue(func() *Features {
	return &Features{
		Kprobes:     haveKprobes(),
		KprobeMulti: features.HaveBPFLinkKprobeMulti(),
		Cookies:     features.HaveProgramHelper(ebpf.Kprobe, asm.FnGetAttachCookie),
		FuncIP:      features.HaveProgramHelper(ebpf.Kprobe, asm.FnGetFuncIp),
	}
})

// KfuncSupport reports, once per process, whether fentry programs load and
// attach to kernel functions (BTF, 5.5+): nil when they do. It is apart
// from KernelFeatures because its probe loads the kernel's BTF, which
// costs a kprobe script seconds under an emulated CPU.
var KfuncSupport = sync.OnceValue(haveKfunc)

// errNoKprobes is Features.Kprobes on kernels without CONFIG_KPROBES.
var errNoKprobes = notSupported("kprobes are not supported by this kernel (built without CONFIG_KPROBES)")

func haveKprobes() error {
	if _, err := os.Stat("/sys/bus/event_source/devices/kprobe"); err == nil {
		return nil
	}
	for _, root := range []string{"/sys/kernel/tracing", "/sys/kernel/debug/tracing"} {
		if _, err := os.Stat(root + "/kprobe_events"); err == nil {
			return nil
		}
	}
	return errNoKprobes
}

// haveKfunc loads an fentry program on a function every kernel has. The
// program type alone is not enough: some kernels know BPF_PROG_TYPE_TRACING
// and still refuse to load fentry programs (EPERM).
func haveKfunc() error {
	if err := features.HaveProgramType(ebpf.Tracing); err != nil {
		return err
	}
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type:         ebpf.Tracing,
		AttachType:   ebpf.AttachTraceFEntry,
		AttachTo:     "vfs_read",
		License:      "GPL",
		Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()},
	})
	if err != nil {
		if errors.Is(err, ebpf.ErrNotSupported) {
			return err
		}
		return notSupported("fentry programs cannot be loaded: %v", err)
	}
	return prog.Close()
}

// PerCPURead reports whether programs may read every CPU's value of a
// per-CPU map: bpf_map_lookup_percpu_elem (5.19+) and bpf_loop (5.17+).
// nil when they may; asked once per process.
var PerCPURead = sync.OnceValue(func() error {
	if err := features.HaveProgramHelper(ebpf.RawTracepoint, asm.FnLoop); err != nil {
		return err
	}
	return features.HaveProgramHelper(ebpf.RawTracepoint, asm.FnMapLookupPercpuElem)
})

// initPIDNamespaceIno is the inode of the initial pid namespace
// (PROC_PID_INIT_INO in the kernel).
const initPIDNamespaceIno = 0xEFFFFFFC

// PIDNamespaced reports whether gtrace runs in a pid namespace other than
// the initial one (in a container, under unshare --pid). A namespace that
// cannot be read counts as the initial one.
func PIDNamespaced() bool {
	var st unix.Stat_t
	return unix.Stat("/proc/self/ns/pid", &st) == nil && st.Ino != initPIDNamespaceIno
}
