package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gtrace/gtrace/internal/bpftest"
	"github.com/gtrace/gtrace/probes"
)

func TestIncomplete(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"complete", `BEGIN { printf("hi\n"); exit(); }`, false},
		{"open brace", `BEGIN {`, true},
		{"open brace second line", "BEGIN {\n  @x = count();", true},
		{"closed on second line", "BEGIN {\n  @x = count(); }", false},
		{"open paren", `BEGIN { printf("%d\n",`, true},
		{"brace in string", `BEGIN { printf("{"); }`, false},
		{"escaped quote in string", `BEGIN { printf("\"{"); }`, false},
		{"brace in line comment", "BEGIN { } // {", false},
		{"open block comment", "BEGIN { } /* more", true},
		{"closed block comment", "BEGIN { /* { */ }", false},
		{"probe without block", `tracepoint:syscalls:sys_enter_read`, true},
		{"open predicate", `tracepoint:syscalls:sys_enter_read /pid == 1`, true},
		{"predicate without block", `tracepoint:syscalls:sys_enter_read /pid == 1/`, true},
		{"division in predicate", `tracepoint:syscalls:sys_enter_read /pid / 2 == 1/ { }`, false},
		{"blank", "  ", false},
		{"too many closes", `BEGIN { } }`, false},
		{"syntax error before the end", `BEGIN { @x = ; }`, false},
		{"unknown identifier", `BEGIN { x }`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := incomplete(tt.in); got != tt.want {
				t.Errorf("incomplete(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestComplete(t *testing.T) {
	t.Parallel()
	list := fakeLister{}
	tests := []struct {
		name     string
		in       string
		wantWord string
		want     []string
	}{
		{"providers", "tr", "tr", []string{"tracepoint:"}},
		{"providers k", "k", "k", []string{"kprobe:", "kretprobe:", "kfunc:", "kretfunc:"}},
		{"begin", "BE", "BE", []string{"BEGIN"}},
		{"categories", "tracepoint:s", "tracepoint:s", []string{"tracepoint:sched:", "tracepoint:syscalls:"}},
		{"category", "tracepoint:sc", "tracepoint:sc", []string{"tracepoint:sched:"}},
		{"names", "tracepoint:syscalls:sys_enter_r", "tracepoint:syscalls:sys_enter_r",
			[]string{"tracepoint:syscalls:sys_enter_read", "tracepoint:syscalls:sys_enter_readv"}},
		{"alias", "t:syscalls:sys_ex", "t:syscalls:sys_ex", []string{"t:syscalls:sys_exit_read"}},
		{"second probe", "BEGIN { } tracepoint:sched:sched_s", "tracepoint:sched:sched_s",
			[]string{"tracepoint:sched:sched_switch"}},
		{"unlisted provider", "kprobe:vfs_", "kprobe:vfs_", nil},
		{"builtin", "BEGIN { @[co", "co", []string{"comm", "count("}},
		{"builtin after operator", "BEGIN { @x = pid+ti", "ti", []string{"tid", "time("}},
		{"function", "BEGIN { prin", "prin", []string{"print(", "printf("}},
		{"args", "tracepoint:sched:sched_switch { @[arg", "arg", []string{
			"arg0", "arg1", "arg2", "arg3", "arg4", "arg5", "arg6", "arg7", "arg8", "arg9", "args"}},
		{"predicate", "tracepoint:sched:sched_switch /cp", "cp", []string{"cpid", "cpu"}},
		{"after predicate", "tracepoint:sched:sched_switch /pid == 1/ { user", "user", []string{"username"}},
		{"second line of a block", "BEGIN {\n  @x = ns", "ns", []string{"nsecs"}},
		{"in string", `BEGIN { printf("tr`, "tr", nil},
		{"in comment", "/* tr", "tr", nil},
		{"uprobe functions", "uprobe:/bin/app:read_", "uprobe:/bin/app:read_",
			[]string{"uprobe:/bin/app:read_line", "uprobe:/bin/app:read_word"}},
		{"uretprobe alias", "ur:/bin/app:ma", "ur:/bin/app:ma", []string{"ur:/bin/app:main"}},
		{"uprobe library name", "uprobe:app:m", "uprobe:app:m", []string{"uprobe:app:main"}},
		{"usdt providers", "usdt:/bin/app:", "usdt:/bin/app:", []string{"usdt:/bin/app:py:"}},
		{"usdt probes", "usdt:/bin/app:py:gc", "usdt:/bin/app:py:gc",
			[]string{"usdt:/bin/app:py:gc__done", "usdt:/bin/app:py:gc__start"}},
		{"uprobe predicate", "uprobe:/bin/app:main /pi", "pi", []string{"pid"}},
		{"uprobe block", "uprobe:/bin/app:main { @[fu", "fu", []string{"func"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			word, got := complete(tt.in, list)
			if word != tt.wantWord {
				t.Errorf("complete(%q) word = %q, want %q", tt.in, word, tt.wantWord)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("complete(%q) candidates (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// fakeLister lists a few tracepoints, and the functions and USDT probes of
// /bin/app (as a listing names them, with the path resolved).
type fakeLister struct{}

func (fakeLister) list(provider string) []string {
	if provider != "tracepoint" {
		return nil
	}
	return []string{
		"tracepoint:sched:sched_switch", "tracepoint:sched:sched_wakeup",
		"tracepoint:syscalls:sys_enter_read", "tracepoint:syscalls:sys_enter_readv",
		"tracepoint:syscalls:sys_exit_read",
	}
}

func (fakeLister) listPattern(pattern string) []string {
	switch pattern {
	case "uprobe:/bin/app:*", "uprobe:app:*", "uretprobe:/bin/app:*":
		prov, _, _ := strings.Cut(pattern, ":")
		return []string{prov + ":/bin/app:main", prov + ":/bin/app:read_line", prov + ":/bin/app:read_word"}
	case "usdt:/bin/app:*":
		return []string{"usdt:/bin/app:py:gc__done", "usdt:/bin/app:py:gc__start", "usdt:/bin/app:py:line"}
	}
	return nil
}

// TestCompletePath completes a uprobe's binary from the file system: the
// directories and ELF files of the directory typed so far.
func TestCompletePath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "prog"), append([]byte("\x7fELF"), make([]byte, 60)...), 0o755)
	os.WriteFile(filepath.Join(dir, "script"), []byte("#!/bin/sh\n"), 0o755)
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"uprobe:" + dir + "/", []string{"uprobe:" + dir + "/prog:", "uprobe:" + dir + "/sub/"}},
		{"usdt:" + dir + "/pr", []string{"usdt:" + dir + "/prog:"}},
		{"uprobe:" + dir + "/sc", nil},
		{"BEGIN {} uprobe:" + dir + "/s", []string{"uprobe:" + dir + "/sub/"}},
	} {
		_, got := complete(tc.in, fakeLister{})
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("complete(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

// scriptedReader plays back lines (or errors) and records the prompts.
type scriptedReader struct {
	lines   []any // string or error
	prompts []string
}

func (r *scriptedReader) ReadLine(prompt string) (string, error) {
	r.prompts = append(r.prompts, prompt)
	if len(r.lines) == 0 {
		return "", io.EOF
	}
	l := r.lines[0]
	r.lines = r.lines[1:]
	if err, ok := l.(error); ok {
		return "", err
	}
	return l.(string), nil
}

func TestLoop(t *testing.T) {
	in := &scriptedReader{lines: []any{
		"BEGIN {",
		`  printf("hi\n");`,
		"}",
		"",
		"BEGIN { @x = ",
		errInterrupt, // Ctrl-C drops the unfinished program
		"help",
		"BEGIN { exit(); }",
		"quit",
		"BEGIN { never(); }",
	}}
	var stdout, stderr bytes.Buffer
	var ran []string
	s := &session{o: &options{}, in: in, stdout: &stdout, stderr: &stderr}
	s.run = func(src string) int { ran = append(ran, src); return 0 }
	if code := s.loop(); code != 0 {
		t.Errorf("loop() = %d, want 0", code)
	}
	wantRan := []string{"BEGIN {\n  printf(\"hi\\n\");\n}", "BEGIN { exit(); }"}
	if diff := cmp.Diff(wantRan, ran); diff != "" {
		t.Errorf("programs run (-want +got):\n%s", diff)
	}
	p, c := replPrompt, replContPrompt
	wantPrompts := []string{p, c, c, p, p, c, p, p, p}
	if diff := cmp.Diff(wantPrompts, in.prompts); diff != "" {
		t.Errorf("prompts (-want +got):\n%s", diff)
	}
	if !strings.Contains(stdout.String(), "quit, exit") {
		t.Errorf("help: got stdout %q, want the meta commands", stdout.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("got stderr %q, want nothing", stderr.String())
	}
}

func TestLoopEOF(t *testing.T) {
	in := &scriptedReader{lines: []any{"BEGIN {"}}
	s := &session{o: &options{}, in: in, stdout: io.Discard, stderr: io.Discard}
	s.run = func(src string) int { t.Errorf("ran %q, want nothing run", src); return 0 }
	if code := s.loop(); code != 0 {
		t.Errorf("loop() = %d, want 0", code)
	}
}

func TestREPLRun(t *testing.T) {
	bpftest.RequireBPF(t)
	in := &scriptedReader{lines: []any{
		`BEGIN { printf("hi\n"); exit(); }`,
		`BEGIN { x }`,
		`BEGIN { @n = 42; exit(); }`,
		"quit",
	}}
	var stdout, stderr bytes.Buffer
	o := &options{}
	s := &session{o: o, in: in, stdout: &stdout, stderr: &stderr}
	s.run = func(src string) int { return compileAndRun(o, replName, src, &stdout, &stderr) }
	if code := s.loop(); code != 0 {
		t.Errorf("loop() = %d, want 0", code)
	}
	wantOut := "Attaching 1 probe...\nhi\n\n\nAttaching 1 probe...\n\n\n@n: 42\n"
	if diff := cmp.Diff(wantOut, stdout.String()); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
	wantErr := "<repl>:1:9: unknown identifier x\nBEGIN { x }\n        ^\n"
	if diff := cmp.Diff(wantErr, stderr.String()); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}
}

// TestCompleteUserProbes completes real uprobe and USDT names through the
// Registry: bash's readline and python3.11's USDT probes.
func TestCompleteUserProbes(t *testing.T) {
	t.Parallel()
	requireFile(t, "/usr/bin/python3.11", "python3.11")
	names := newProbeNames(probes.New(&probes.Options{Stderr: io.Discard}))
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"usdt:/usr/bin/python3.11:python:gc", []string{"usdt:/usr/bin/python3.11:python:gc__done", "usdt:/usr/bin/python3.11:python:gc__start"}},
		{"uretprobe:/bin/bash:readlin", []string{"uretprobe:/bin/bash:readline", "uretprobe:/bin/bash:readline_internal_char"}},
	} {
		_, got := complete(tc.in, names)
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("complete(%q) = %q, want %s among them", tc.in, got, w)
			}
		}
	}
}
