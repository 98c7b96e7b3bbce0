package probes_test

import (
	"fmt"

	"github.com/gtrace/gtrace/probes"
)

// The lines "gtrace -lv" prints under a tracepoint, as bpftrace -lv does.
func ExampleRegistry_Describe() {
	r := probes.New(&probes.Options{TracefsRoot: "testdata/tracefs"})
	names, _ := r.List("tracepoint:syscalls:sys_enter_read")
	for _, n := range names {
		d, _ := r.Describe(n)
		fmt.Print(n, "\n", d)
	}
	// Output:
	// tracepoint:syscalls:sys_enter_read
	//     int __syscall_nr
	//     unsigned int fd
	//     char * buf
	//     size_t count
}

// Expand returns canonical names: full provider, wildcards expanded,
// interval and profile rates as UNIT:N.
func ExampleRegistry_Expand() {
	r := probes.New(&probes.Options{TracefsRoot: "testdata/tracefs"})
	for _, q := range [][]string{{"t", "syscalls", "sys_enter_open*"}, {"i", "2s"}, {"s", "faults"}} {
		names, _ := r.Expand(q[0], q[1:])
		fmt.Println(names)
	}
	// Output:
	// [tracepoint:syscalls:sys_enter_open tracepoint:syscalls:sys_enter_openat]
	// [interval:s:2]
	// [software:faults]
}
