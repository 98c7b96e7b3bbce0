// Command gtrace runs bpftrace scripts: one static binary, no LLVM.
//
//	gtrace -e 'tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }'
//	gtrace script.gt [args...]
//	gtrace -l 'tracepoint:sched:*'
package main

import (
	"os"
	goruntime "runtime"
)

// init keeps the main goroutine on the main thread (Go runs init on it):
// BEGIN, END and the self probes run on the goroutine that calls run, so
// their tid is gtrace's pid, as in bpftrace.
func init() { goruntime.LockOSThread() }

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
