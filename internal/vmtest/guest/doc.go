// Package guest holds the kernel matrix's cases. Its test binary runs as
// /guest.test inside each kernel booted by package vmtest. Outside such a
// guest they skip where the kernel lacks kprobes; where it has them they
// need GTRACE_BIN to name a static gtrace, and without it they skip, or
// fail under CI=true (a missing prerequisite, internal/testenv).
//
// Each file in testdata is a testscript (txtar) case, run in a fresh work
// directory on the guest's tmpfs:
//
//	# kprobe by name: each pread of 777 bytes is one vfs_read call.
//	exec gtrace -c 'work read $WORK/data 777 25' -e 'kprobe:vfs_read /comm == "work"/ { @[arg2] = count(); }'
//	stdout '^@\[777\]: 25$'
//	-- data --
//	some bytes
//
// gtrace is the static binary under test (GTRACE_BIN). work is a workload
// built into the test binary: it does exactly what it is told, so a case
// checks exact counts and values (see workloads in guest_test.go for its
// verbs). Conditions: [kernel:X.Y] holds on kernel X.Y and later;
// [kprobe_multi], [get_func_ip] and [cookie] hold where the kernel has that
// feature; [module:NAME] where /modules has NAME.ko(.xz). The tools Debian's
// bpftrace package installs are in /tools (copied at build time).
package guest
