package examples

// This file tests the examples that trace user-space programs: each is
// run as its usage line says, against a target the test builds (package
// internal/targets) or a program of the machine (python3.11, bash), and
// its output must be the sample output of its header.

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gtrace/gtrace/internal/bpftest"
	"github.com/gtrace/gtrace/internal/targets"
	"github.com/gtrace/gtrace/internal/testenv"
	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/probes"
	"github.com/gtrace/gtrace/runtime"
)

// userExample says how a user-space example runs. TARGET in params and
// cmd stands for the built target's path.
type userExample struct {
	target string   // "gotarget", a C target of internal/targets, or ""
	params []string // positional parameters
	cmd    []string // the -c command
	stdin  string   // the command's input
	need   string   // a program that must be installed
}

var userExamples = map[string]userExample{
	"goargs.gt":       {target: "gotarget", params: []string{"TARGET"}, cmd: []string{"TARGET", "1000", "10"}},
	"mallocstacks.gt": {target: "cmalloc", cmd: []string{"TARGET", "10"}},
	"pycalls.gt": {params: []string{"/pycalls.py"}, cmd: []string{"/usr/bin/python3.11", "-S", "pycalls.py"},
		need: "/usr/bin/python3.11"},
	"readline.gt": {cmd: []string{"/bin/bash", "--norc", "--noprofile", "-i"}, stdin: "echo hello >/dev/null\n",
		need: "/bin/bash"},
}

// build returns the target's path ("" for none).
func (u userExample) build(t *testing.T) string {
	t.Helper()
	switch u.target {
	case "":
		return ""
	case "gotarget":
		return targets.Go(t)
	}
	return targets.C(t, u.target)
}

func subst(list []string, target string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = strings.ReplaceAll(s, "TARGET", target)
	}
	return out
}

// exampleParams returns the positional parameters of an example, building
// its target when one is needed.
func exampleParams(t *testing.T, path string) []string {
	t.Helper()
	u, ok := userExamples[path]
	if !ok || len(u.params) == 0 {
		return nil
	}
	return subst(u.params, u.build(t))
}

func TestUserExamplesRun(t *testing.T) {
	bpftest.RequireBPF(t)
	for path, u := range userExamples {
		t.Run(path, func(t *testing.T) {
			if u.need != "" {
				testenv.RequireFile(t, u.need, u.need)
			}
			target := u.build(t)
			reg := probes.New(nil)
			prog := compileWith(t, path, reg, subst(u.params, target))
			var out, errs bytes.Buffer
			syms := reg.Symbolizer(runtime.UserSymbols(prog))
			defer syms.Close()
			s, err := runtime.Load(prog, &runtime.Options{Stdout: &out, Stderr: &errs, Attacher: reg, Symbolizer: syms,
				Cmd: subst(u.cmd, target), Stdin: strings.NewReader(u.stdin)})
			if err != nil {
				t.Fatalf("load:\n%s", lang.FormatError(err))
			}
			defer s.Close()
			if code, err := s.Run(context.Background()); err != nil || code != 0 {
				t.Fatalf("run: code %d, err %v, stderr %s", code, err, errs.String())
			}
			want := sampleOutput(t, path)
			if diff := cmp.Diff(want, trimLines(out.String())); diff != "" {
				t.Errorf("%s output (-want +got):\n%s", path, diff)
			}
		})
	}
}

// trimLines drops trailing spaces (a header cannot keep them) and ends
// the text with one newline, as sampleOutput does.
func trimLines(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}
