// Command gtrace runs bpftrace scripts: one static binary, no LLVM.
//
//	gtrace -e 'tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }'
//	gtrace script.gt [args...]
//	gtrace -l 'tracepoint:sched:*'
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
