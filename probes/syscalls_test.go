package probes

import (
	"runtime"
	"strings"
	"testing"

	"github.com/gtrace/gtrace/probes/internal/tracefs"

	"github.com/gtrace/gtrace/internal/testenv"
)

func TestSyscallNumberTable(t *testing.T) {
	t.Parallel()
	if runtime.GOARCH != "amd64" {
		t.Skipf("no syscall table for %s", runtime.GOARCH)
	}
	for _, tc := range []struct {
		name string
		want int
	}{
		{"read", 0}, {"write", 1}, {"openat", 257}, {"newfstatat", 262},
		{"newstat", 4}, {"newfstat", 5}, {"newlstat", 6}, {"newuname", 63},
		{"sendfile64", 40}, {"umount", 166}, {"exit_group", 231},
	} {
		got, ok := (*Registry)(nil).SyscallNumber(tc.name)
		if !ok || got != tc.want {
			t.Errorf("SyscallNumber(%q) = %d, %v, want %d, true", tc.name, got, ok, tc.want)
		}
	}
	if n, ok := (*Registry)(nil).SyscallNumber("no_such_syscall"); ok {
		t.Errorf("SyscallNumber(no_such_syscall) = %d, true, want false", n)
	}
}

// TestSyscallNumberCoversTracefs checks that every syscall trace event of
// the running kernel has a number, and that no two events share one.
func TestSyscallNumberCoversTracefs(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skipf("no syscall table for %s", runtime.GOARCH)
	}
	testenv.RequireRoot(t, "tracefs")
	root, _, err := tracefs.Find(true)
	if err != nil {
		t.Fatalf("tracefs: %v", err)
	}
	evs, err := tracefs.Events(root)
	if err != nil {
		t.Fatal(err)
	}
	var unmapped []string
	seen := map[int]string{}
	n := 0
	for _, ev := range evs {
		name, ok := strings.CutPrefix(ev, "syscalls:sys_enter_")
		if !ok {
			continue
		}
		n++
		nr, ok := (*Registry)(nil).SyscallNumber(name)
		if !ok {
			unmapped = append(unmapped, name)
			continue
		}
		if other, dup := seen[nr]; dup {
			t.Errorf("%s and %s both map to %d", other, name, nr)
		}
		seen[nr] = name
	}
	if n == 0 {
		t.Skip("no syscall trace events (kernel without CONFIG_FTRACE_SYSCALLS)")
	}
	if len(unmapped) > 0 {
		t.Errorf("%d of %d syscall trace events have no number (their wildcards attach one by one): %s",
			len(unmapped), n, strings.Join(unmapped, " "))
	}
}
