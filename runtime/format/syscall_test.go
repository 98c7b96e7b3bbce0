package format

import (
	goruntime "runtime"
	"testing"
)

func TestSyscallName(t *testing.T) {
	for n, want := range map[int64]string{100000: "100000", -1: "-1"} {
		if got := SyscallName(n); got != want {
			t.Errorf("SyscallName(%d) = %q, want %q", n, got, want)
		}
	}
	if goruntime.GOARCH != "amd64" {
		return
	}
	for n, want := range map[int64]string{0: "read", 59: "execve", 257: "openat", 321: "bpf", 435: "clone3", 452: "fchmodat2", 467: "open_tree_attr"} {
		if got := SyscallName(n); got != want {
			t.Errorf("SyscallName(%d) = %q, want %q", n, got, want)
		}
	}
}
