package main

// This file runs scripts end to end against user-space targets that the
// tests build (package internal/targets): a Go program whose goroutines
// grow their stacks, and C programs built with gcc. Each case runs gtrace
// with -c on the target and compares the whole output: the exact counts
// and sums the target's calls must give, and the target's own "ok" line,
// which it prints only after checking every result it got.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gtrace/gtrace/internal/bpftest"
	"github.com/gtrace/gtrace/internal/targets"
)

type userCase struct {
	name   string
	runs   int    // times to run it; 0 means 1
	script string // BIN stands for the target's path
	args   string // the target's arguments
	want   string // the whole output; BIN stands for the target's path
}

// runUserCases runs each case's script with -c on bin.
func runUserCases(t *testing.T, bin string, cases []userCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			script := strings.ReplaceAll(tt.script, "BIN", bin)
			want := strings.ReplaceAll(tt.want, "BIN", bin)
			for run := 0; run < max(tt.runs, 1); run++ {
				cmd := gtraceCmd("-e", script, "-c", strings.TrimSpace(bin+" "+tt.args))
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("run %d: gtrace: %v\n%s", run, err, out)
				}
				if diff := cmp.Diff(want, string(out)); diff != "" {
					t.Fatalf("run %d: output mismatch (-want +got):\n%s", run, diff)
				}
			}
		})
	}
}

// TestGoArgs reads the arguments of Go functions by Go's register ABI:
// 1000 calls from 10 goroutines whose stacks grow.
func TestGoArgs(t *testing.T) {
	bpftest.RequireBPF(t)
	t.Parallel()
	bin := targets.Go(t)
	runUserCases(t, bin, []userCase{{
		name:   "argN",
		script: `uprobe:BIN:main.add { @calls = count(); @a = sum(arg0); @b = sum(arg1); }`,
		want:   "Attaching 1 probe...\ngotarget: ok\n\n\n@a: 499500\n@b: 1000000\n@calls: 1000\n",
	}, {
		name: "string length and third argument",
		script: `uprobe:BIN:main.greet { @len[arg1] = count(); @n = sum(arg2); }
			uprobe:BIN:main.add { @rax = sum(reg("ax")); }`,
		want: "Attaching 2 probes...\ngotarget: ok\n\n\n@len[4]: 333\n@len[11]: 333\n@len[5]: 334\n@n: 499500\n@rax: 499500\n",
	}, {
		name: "args by name",
		script: `uprobe:BIN:main.greet { @s[str(args->s)] = count(); @n = sum(args.n); }
			uprobe:BIN:main.pair { @t[str(args->tag, 3)] = count(); }
			uretprobe:BIN:main.greet { @size[args->even] = sum(args->size); }
			uretprobe:BIN:main.pair { @x[str(args->r0.Tag)] = sum(args->r0.X); @y = sum(args->r0.Y); @err[args->r1.data] = count(); }`,
		args: "1000 50",
		want: "Attaching 4 probes...\ngotarget: ok\n\n\n@err[0x0]: 1000\n@n: 499500\n" +
			"@s[beta]: 333\n@s[gamma-delta]: 333\n@s[alpha]: 334\n" +
			"@size[1]: 252836\n@size[0]: 253329\n@t[bet]: 333\n@t[gam]: 333\n@t[alp]: 334\n" +
			"@x[beta]: 166167\n@x[gamma-delta]: 166500\n@x[alpha]: 166833\n@y: -499500\n",
	}})
}

// TestGoArgsListed checks that -lv lists a Go function's arguments under
// uprobe and its results under uretprobe, as args names them, and that
// args is refused, with a position, for a binary without DWARF.
func TestGoArgsListed(t *testing.T) {
	bpftest.RequireBPF(t)
	t.Parallel()
	bin := targets.Go(t)
	for probe, want := range map[string]string{
		"uprobe:" + bin + ":main.pair":    "uprobe:" + bin + ":main.pair\n    int i\n    string tag\n",
		"uretprobe:" + bin + ":main.pair": "uretprobe:" + bin + ":main.pair\n    main.point r0\n    error r1\n",
		"uprobe:" + bin + ":main.greet":   "uprobe:" + bin + ":main.greet\n    string s\n    int n\n",
	} {
		out, err := gtraceCmd("-lv", probe).CombinedOutput()
		if err != nil || string(out) != want {
			t.Errorf("gtrace -lv %s: %v\n%s\nwant\n%s", probe, err, out, want)
		}
	}
	nodwarf := targets.Go(t, "-ldflags=-w")
	script := "uprobe:" + nodwarf + ":main.add { @ = sum(args->a); }"
	out, err := gtraceCmd("-e", script).CombinedOutput()
	col := len("uprobe:" + nodwarf + ":main.add { @ = sum(")
	want := fmt.Sprintf("<cmdline>:1:%d: args of uprobe:%s:main.add: %s has no DWARF debug information, which args needs: build it with -g (or install its debug file), or use arg0, arg1, ...\n%s\n%s^~~~\n",
		col+1, nodwarf, nodwarf, script, strings.Repeat(" ", col))
	if err == nil || string(out) != want {
		t.Errorf("args without DWARF: %v\n%s\nwant\n%s", err, out, want)
	}
}

// TestGoReturns places uretprobes on Go functions (uprobes on their RET
// instructions) and uprobes on their entries, in a target whose 50
// goroutines recurse deep enough to have their stacks grown (copied) by
// the runtime: a real uretprobe makes the runtime abort there ("unexpected
// return pc"). Every call is seen once at entry and once at return, even
// calls that grow the stack (entered twice by the runtime), and the
// target's own checks pass, three runs in a row.
func TestGoReturns(t *testing.T) {
	bpftest.RequireBPF(t)
	t.Parallel()
	bin := targets.Go(t)
	runUserCases(t, bin, []userCase{{
		name: "entries and returns",
		runs: 3,
		args: "1000 50",
		script: `uprobe:BIN:main.add { @add_in = count(); }
			uretprobe:BIN:main.add { @add_out = count(); @add_ret = sum(retval); }
			uretprobe:BIN:main.greet { @even[reg("bx")] = count(); @size = sum(retval); }
			uprobe:BIN:runtime.newstack { @stack_grown = max(1); }`,
		want: "Attaching 4 probes...\ngotarget: ok\n\n\n@add_in: 1000\n@add_out: 1000\n@add_ret: 1499500\n" +
			"@even[0]: 500\n@even[1]: 500\n@size: 506165\n@stack_grown: 1\n",
	}, {
		name: "the function that grows the stack",
		args: "1000 50",
		script: `uprobe:BIN:main.descend { @descend_in = count(); }
			uretprobe:BIN:main.descend { @descend_out = count(); }`,
		want: "Attaching 2 probes...\ngotarget: ok\n\n\n@descend_in: 24468\n@descend_out: 24468\n",
	}})
}

// TestUprobeOffsetBoundary refuses an offset inside an instruction of a
// C function before attaching anything, naming the nearest boundaries
// (c_add starts with push %rbp, 1 byte; mov %rsp,%rbp, 3 bytes; a 4-byte
// mov), and attaches at a boundary.
func TestUprobeOffsetBoundary(t *testing.T) {
	bpftest.RequireBPF(t)
	bin := targets.C(t, "ctarget")
	script := "uprobe:" + bin + ":c_add+5 { @ = count(); }"
	out, err := gtraceCmd("-e", script, "-c", bin).CombinedOutput()
	want := "<cmdline>:1:1: uprobe: offset 5 is inside an instruction of c_add: the nearest instruction boundaries are c_add+4 and c_add+8\n" +
		script + "\n^" + strings.Repeat("~", len(script)-len(" { @ = count(); }")-1) + "\n"
	if err == nil || string(out) != want {
		t.Errorf("got %v and\n%s\nwant an error and\n%s", err, out, want)
	}
	runUserCases(t, bin, []userCase{{
		name:   "at a boundary",
		script: `uprobe:BIN:c_add+4 { @ = count(); }`,
		args:   "7",
		want:   "Attaching 1 probe...\n\n\n@: 7\n",
	}})
}

// TestCArgs reads C arguments by the SysV ABI, the seventh and eighth
// from the stack.
func TestCArgs(t *testing.T) {
	bpftest.RequireBPF(t)
	bin := targets.C(t, "ctarget")
	runUserCases(t, bin, []userCase{{
		name:   "registers and stack",
		script: `uprobe:BIN:c_many { @a = sum(arg0); @f = sum(arg5); @g = sum(arg6); @h = sum(arg7); }`,
		args:   "10",
		want:   "Attaching 1 probe...\n\n\n@a: 45\n@f: 50\n@g: 60\n@h: 70\n",
	}, {
		name:   "a wildcard through one uprobe_multi link",
		script: `uprobe:BIN:c_* { @[probe] = count(); @f[func] = count(); }`,
		args:   "10",
		want: "Attaching 3 probes...\n\n\n@[uprobe:BIN:c_add]: 10\n@[uprobe:BIN:c_item]: 10\n@[uprobe:BIN:c_many]: 10\n" +
			"@f[c_add]: 10\n@f[c_item]: 10\n@f[c_many]: 10\n",
	}, {
		name: "args by name",
		script: `uprobe:BIN:c_item { @[str(args->s), str(args->it->name)] = sum(args->it->id); @n = sum(args.n); }
			uprobe:BIN:c_many { @h = sum(args->h); }`,
		args: "10",
		want: "Attaching 2 probes...\n\n\n@[beta, beta]: 12\n@[gamma-delta, gamma-delta]: 15\n@[alpha, alpha]: 18\n@h: 70\n@n: 45\n",
	}})
	out, err := gtraceCmd("-lv", "uprobe:"+bin+":c_item").CombinedOutput()
	if want := "uprobe:" + bin + ":c_item\n    struct item* it\n    const char* s\n    int n\n"; err != nil || string(out) != want {
		t.Errorf("gtrace -lv: %v\n%s\nwant\n%s", err, out, want)
	}
}
