package main

// This file runs scripts end to end against user-space targets that the
// tests build (package internal/targets): a Go program whose goroutines
// grow their stacks, and C programs built with gcc. Each case runs gtrace
// with -c on the target and compares the whole output: the exact counts
// and sums the target's calls must give, and the target's own "ok" line,
// which it prints only after checking every result it got.

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gtrace/gtrace/internal/bpftest"
	"github.com/gtrace/gtrace/internal/targets"
)

type userCase struct {
	name   string
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
			cmd := gtraceCmd("-e", script, "-c", strings.TrimSpace(bin+" "+tt.args))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("gtrace: %v\n%s", err, out)
			}
			want := strings.ReplaceAll(tt.want, "BIN", bin)
			if diff := cmp.Diff(want, string(out)); diff != "" {
				t.Errorf("output mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGoArgs reads the arguments of Go functions by Go's register ABI:
// 1000 calls from 10 goroutines whose stacks grow.
func TestGoArgs(t *testing.T) {
	bpftest.RequireBPF(t)
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
	}})
}
