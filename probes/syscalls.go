package probes

import "github.com/gtrace/gtrace/probes/internal/syscalls"

// SyscallNumber returns the number, on the running architecture, of the
// syscall whose trace events are tracepoint:syscalls:sys_enter_NAME and
// sys_exit_NAME, given NAME ("read", "openat", "newfstatat"). It reports
// false for names it does not know, and on architectures without a table.
//
// It makes the Registry a check.SyscallResolver: the checker records the
// numbers, and codegen uses them to serve many syscall tracepoints with one
// program on the raw sys_enter/sys_exit tracepoint
// ("rawtracepoint:sys_enter"), filtered by syscall number: attaching and
// detaching one raw tracepoint is much faster than hundreds of tracepoint
// perf events.
func (*Registry) SyscallNumber(name string) (int, bool) { return syscalls.Number(name) }
