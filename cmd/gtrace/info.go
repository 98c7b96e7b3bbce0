package main

// This file implements --info: what the running kernel supports, probed
// with cilium/ebpf's feature tests, in bpftrace's "name: yes/no" layout.

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/features"
	"golang.org/x/sys/unix"

	"github.com/gtrace/gtrace/probes"
)

func printInfo(stdout, stderr io.Writer) int {
	var u unix.Utsname
	if err := unix.Uname(&u); err == nil {
		fmt.Fprintf(stdout, "System\n  OS: %s %s %s\n  Arch: %s\n\n", unix.ByteSliceToString(u.Sysname[:]),
			unix.ByteSliceToString(u.Release[:]), unix.ByteSliceToString(u.Version[:]), unix.ByteSliceToString(u.Machine[:]))
	}
	fmt.Fprintf(stdout, "Build\n  version: %s\n  LLVM: none (gtrace emits eBPF directly)\n\n", version)
	fmt.Fprintln(stdout, "Kernel helpers")
	for _, h := range []struct {
		name string
		fn   asm.BuiltinFunc
	}{
		{"probe_read", asm.FnProbeRead}, {"probe_read_str", asm.FnProbeReadStr},
		{"probe_read_user", asm.FnProbeReadUser}, {"probe_read_user_str", asm.FnProbeReadUserStr},
		{"probe_read_kernel", asm.FnProbeReadKernel}, {"probe_read_kernel_str", asm.FnProbeReadKernelStr},
		{"get_current_cgroup_id", asm.FnGetCurrentCgroupId}, {"send_signal", asm.FnSendSignal},
		{"override_return", asm.FnOverrideReturn}, {"get_boot_ns", asm.FnKtimeGetBootNs},
		{"get_func_ip", asm.FnGetFuncIp}, {"get_attach_cookie", asm.FnGetAttachCookie},
		{"jiffies64", asm.FnJiffies64}, {"ringbuf_output", asm.FnRingbufOutput},
	} {
		fmt.Fprintf(stdout, "  %s: %s\n", h.name, yesNo(features.HaveProgramHelper(ebpf.Kprobe, h.fn)))
	}
	fmt.Fprintln(stdout, "\nMap types")
	for _, m := range []struct {
		name string
		typ  ebpf.MapType
	}{
		{"hash", ebpf.Hash}, {"percpu hash", ebpf.PerCPUHash}, {"array", ebpf.Array},
		{"percpu array", ebpf.PerCPUArray}, {"stack_trace", ebpf.StackTrace},
		{"perf_event_array", ebpf.PerfEventArray}, {"ringbuf", ebpf.RingBuf},
	} {
		fmt.Fprintf(stdout, "  %s: %s\n", m.name, yesNo(features.HaveMapType(m.typ)))
	}
	kf := probes.KernelFeatures()
	fmt.Fprintln(stdout, "\nKernel features")
	fmt.Fprintf(stdout, "  btf: %s\n", yesNo(haveBTF()))
	fmt.Fprintf(stdout, "  attach cookies: %s\n", yesNo(kf.Cookies))
	fmt.Fprintf(stdout, "  get_func_ip: %s\n", yesNo(kf.FuncIP))
	fmt.Fprintln(stdout, "\nProbe types")
	for _, p := range []struct {
		name string
		typ  ebpf.ProgramType
	}{
		{"kprobe", ebpf.Kprobe}, {"tracepoint", ebpf.TracePoint}, {"perf_event", ebpf.PerfEvent},
		{"raw_tracepoint", ebpf.RawTracepoint},
	} {
		fmt.Fprintf(stdout, "  %s: %s\n", p.name, yesNo(features.HaveProgramType(p.typ)))
	}
	fmt.Fprintf(stdout, "  kprobe attach: %s\n", yesNo(kf.Kprobes))
	fmt.Fprintf(stdout, "  kprobe_multi: %s\n", yesNo(kf.KprobeMulti))
	fmt.Fprintf(stdout, "  kfunc: %s\n", yesNo(probes.KfuncSupport()))
	return 0
}

func haveBTF() error {
	_, err := os.Stat("/sys/kernel/btf/vmlinux")
	return err
}

func yesNo(err error) string {
	if err == nil {
		return "yes"
	}
	if errors.Is(err, ebpf.ErrNotSupported) || errors.Is(err, os.ErrNotExist) {
		return "no"
	}
	return "no (" + err.Error() + ")"
}
