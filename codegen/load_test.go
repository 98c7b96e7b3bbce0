package codegen

import (
	"testing"

	"github.com/gtrace/gtrace/internal/bpftest"
	"github.com/gtrace/gtrace/lang/check"
)

// TestLoad compiles one script per construct and loads it into the
// verifier.
func TestLoad(t *testing.T) {
	bpftest.RequireBPF(t)
	conf := &check.Config{Resolver: fixture{}, Params: []string{"42", "hello"}, Unsafe: true}
	tests := []struct{ name, in string }{
		{"builtins", `BEGIN { printf("%d %d %d %d %d %d %d %d %d %d %d\n", pid, tid, uid, gid, nsecs, elapsed, cpu, rand, cgroup, jiffies, cpid); }`},
		{"username curtask", `BEGIN { printf("%s %d\n", username, curtask); @u[username] = count(); }`},
		{"stacks", `interval:s:1 { @k[kstack] = count(); @u[ustack] = count(); @k2[kstack(5)] = count(); printf("%s %s\n", kstack, ustack); }`},
		{"profile", `profile:hz:99 { @[cpu] = count(); }`},
		{"software", `software:cpu-clock:100000 { @ = count(); }`},
		{"strftime time", `BEGIN { printf("%s\n", strftime("%H:%M", nsecs)); time(); time("%H\n"); }`},
		{"ntop", `BEGIN { printf("%s %s\n", ntop(0x0100007f), ntop(2, 0x0100007f)); }`},
		{"positional", `BEGIN { printf("%d %s\n", $1, str($2)); }`},
		{"big record", `BEGIN { printf("%s %s %s %s %s %s %s %s %s\n", comm, str($2), "a", "b", "c", "d", "e", "f", "g"); }`},
		{"big map value", `BEGIN { @[comm, "x", "y", "z", "w", "v", "u", "t"] = (comm, "a", "b", "c", "d", "e", "f", "g"); }`},
		{"openat", `tracepoint:syscalls:sys_enter_openat { printf("%s %d\n", str(args->filename), args->flags); @s[str(args->filename, 8)] = count(); }`},
		{"str len dynamic", `tracepoint:syscalls:sys_enter_openat { $n = args->flags & 7; printf("%s\n", str(args->filename, $n)); }`},
		{"join", `tracepoint:syscalls:sys_enter_execve { join(args->argv); join(args->argv, ","); }`},
		{"wildcard probe", `tracepoint:syscalls:sys_enter_* { @[probe] = count(); }`},
		{"args wildcard", `tracepoint:syscalls:sys_enter_open* { @[args->__syscall_nr] = count(); }`},
		{"sched_switch", `tracepoint:sched:sched_switch { printf("%s -> %s\n", args->prev_comm, args->next_comm); if (args->prev_comm == "swapper/0") { @ = count(); } }`},
		{"rawtracepoint", `rawtracepoint:sched_switch { @[arg0 != 0] = count(); }`},
		{"kprobe", `kprobe:do_sys_openat2 { @[str(arg1)] = count(); printf("%s %d\n", func, arg0); } kretprobe:do_sys_openat2 { @r = hist(retval); }`},
		{"uprobe", `uprobe:/bin/bash:readline { printf("%s %s\n", func, usym(reg("ip"))); } uretprobe:/bin/bash:readline { printf("%s\n", str(retval)); }`},
		{"hist lhist keyed", `tracepoint:syscalls:sys_exit_read { @h[comm] = hist(args->ret); @l[pid] = lhist(args->ret, 0, 1000, 100); @s[tid] = stats(args->ret); }`},
		{"cast and deref", `tracepoint:syscalls:sys_enter_openat { $p = (uint64)args->filename; printf("%d %d\n", *(uint8 *)$p, ((uint8 *)$p)[1]); }`},
		{"strings vars", `BEGIN { $a = comm; $b = "x"; $b = $a; @m[$a, $b] = 1; if (@m[$a, $b] == 1) { printf("%s\n", $b); } }`},
		{"buf", `tracepoint:syscalls:sys_enter_openat { printf("%r\n", buf(args->filename, 8)); }`},
		{"macaddr", `BEGIN { $a = (uint64)0; printf("%s\n", macaddr($a)); }`},
		{"system cat", `BEGIN { system("echo %d", 1); cat("/proc/%d/status", pid); }`},
		{"signal", `tracepoint:syscalls:sys_enter_openat /pid == 1/ { signal("SIGUSR1"); signal(10); }`},
		{"exit code", `BEGIN { exit(3); }`},
		{"for range", `BEGIN { for ($i : 0..5) { @[$i] = count(); } }`},
		{"nested loops", `BEGIN { $i = 0; while ($i < 5) { $j = 0; while ($j < $i) { $j++; @s = sum($j); } $i++; } }`},
		{"strcontains comm", `BEGIN { if (strcontains(comm, "test")) { @ = count(); } }`},
		{"print tuple", `BEGIN { print((1, "a")); print(comm); $x = 3; print($x); }`},
		{"ternary string key", `BEGIN { @[pid > 1 ? "big" : "small"] = count(); }`},
		{"compound map ops", `BEGIN { @x = 1; @x <<= 3; @x |= 1; @x -= 2; @x /= 3; @x %= 5; @y[1] *= 2; }`},
		{"has_key", `BEGIN { @a[1] = 1; if (has_key(@a, 1)) { printf("yes\n"); } }`},
		{"buffers", `BEGIN { $a = buf("hi", 2); $b = buf("bye", 3); printf("%d %d\n", $a == $a, $a != $b); }`},
		{"for map", `BEGIN { @c[comm] = count(); for ($kv : @c) { printf("%s %d\n", $kv.0, $kv.1); } @n = len(@c); }`},
		{"signed compare", `tracepoint:syscalls:sys_exit_read /args->ret < 0/ { @err[-args->ret] = count(); }`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prog := compileScript(t, tt.in, conf)
			load(t, prog)
		})
	}
}
