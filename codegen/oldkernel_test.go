package codegen

import (
	"fmt"
	"testing"

	"github.com/cilium/ebpf/asm"
	"github.com/google/go-cmp/cmp"
)

// TestOldKernelKprobes compiles kprobes for a kernel before 5.15 (Debian
// 11's 5.10): no BPF cookies, so a block that reads probe gets one program
// per target and no target gets a cookie; no bpf_get_func_ip, so func reads
// pt_regs->ip - 1 in a kprobe and is the target's address in a kretprobe.
// The kernel matrix runs these on 5.10.
func TestOldKernelKprobes(t *testing.T) {
	t.Parallel()
	src := `kprobe:vfs_read, kprobe:vfs_write { @p[probe] = count(); }
kprobe:vfs_open, kprobe:vfs_fsync { @k[func] = count(); }
kretprobe:vfs_read, kretprobe:vfs_write { @r[func] = count(); }`
	addrs := map[string]uint64{"kretprobe:vfs_read": 0xffffffff81000010, "kretprobe:vfs_write": 0xffffffff81000020}
	tests := []struct {
		name       string
		cfg        *Config
		programs   []int // programs per probe block
		cookies    bool  // some target has a non-zero cookie
		funcIPCall bool
	}{
		{"5.15 and later", &Config{}, []int{1, 1, 1}, true, true},
		{"before 5.15", &Config{NoCookies: true, NoFuncIP: true, FuncAddrs: addrs}, []int{2, 1, 2}, false, false},
	}
	for _, tt := range tests {
		prog := compileSysWith(t, src, sysFixture{}, tt.cfg)
		perBlock := make([]int, 3)
		cookies, funcIP := false, false
		consts := map[int64]bool{}
		for _, pr := range prog.Probes {
			var block int
			if _, err := fmtSscanBlock(pr.Program, &block); err != nil {
				t.Fatalf("%s: program name %q", tt.name, pr.Program)
			}
			perBlock[block]++
			for _, c := range pr.Cookies {
				cookies = cookies || c != 0
			}
			for _, ins := range prog.Spec.Programs[pr.Program].Instructions {
				if ins.IsBuiltinCall() && ins.Constant == int64(asm.FnGetFuncIp) {
					funcIP = true
				}
				consts[ins.Constant] = true // a kernel address may be a sign-extended imm32
			}
		}
		if diff := cmp.Diff(tt.programs, perBlock); diff != "" {
			t.Errorf("%s: programs per block (-want +got):\n%s", tt.name, diff)
		}
		if cookies != tt.cookies || funcIP != tt.funcIPCall {
			t.Errorf("%s: cookies %v, bpf_get_func_ip %v; want %v, %v", tt.name, cookies, funcIP, tt.cookies, tt.funcIPCall)
		}
		if !tt.funcIPCall && (!consts[int64(addrs["kretprobe:vfs_read"])] || !consts[int64(addrs["kretprobe:vfs_write"])]) {
			t.Errorf("%s: kretprobe func does not load the targets' addresses", tt.name)
		}
	}
}

// fmtSscanBlock reads the probe block index of a program name ("p2_kprobe",
// "p2_1_kprobe").
func fmtSscanBlock(name string, block *int) (int, error) {
	return fmt.Sscanf(name, "p%d_", block)
}
