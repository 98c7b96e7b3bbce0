package main

// Tests of stacks as map keys: a target makes 1024 distinct user stacks
// (internal/targets' cstacks), and every one must be kept and counted
// once, and ustack(N) must key on the first N frames only.

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gtrace/gtrace/internal/bpftest"
	"github.com/gtrace/gtrace/internal/targets"
)

// stackKeys parses the entries of map name ("@all") whose key is one
// stack: frames joined with ";" → count.
func stackKeys(out, name string) map[string]string {
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `\[((?:\n {4}\S+)*)\n?\]: (\d+)$`)
	keys := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(out, -1) {
		keys[strings.Join(strings.Fields(m[1]), ";")] = m[2]
	}
	return keys
}

// truncated counts the stacks of all (each counted once) by their first n
// frames.
func truncated(all map[string]string, n int) map[string]string {
	counts := map[string]int{}
	for k := range all {
		f := strings.Split(k, ";")
		counts[strings.Join(f[:min(n, len(f))], ";")]++
	}
	out := map[string]string{}
	for k, c := range counts {
		out[k] = strconv.Itoa(c)
	}
	return out
}

// TestStackKeys checks that 1024 distinct user stacks give 1024 keys of
// count 1, all named frames from leaf+0 down to __libc_start_call_main
// (bpf_get_stackid's hash buckets used to lose about a hundred of them as
// -EEXIST, printed as empty keys), and that ustack(3) and ustack(1) key on
// their first frames: their counts are those of the full stacks cut to 3
// and 1 frames (ustack(1) is one key, leaf+0, counted 1024 times).
func TestStackKeys(t *testing.T) {
	bpftest.RequireBPF(t)
	t.Parallel()
	bin := targets.C(t, "cstacks")
	script := `uprobe:` + bin + `:leaf { @all[ustack] = count(); @three[ustack(3)] = count(); @one[ustack(1)] = count(); }`
	var out, errb bytes.Buffer
	if code := run([]string{"-q", "-c", bin, "-e", script}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	all := stackKeys(out.String(), "@all")
	if len(all) != 1024 {
		t.Fatalf("got %d distinct stacks, want 1024\n%s", len(all), out.String())
	}
	frame := regexp.MustCompile(`^(leaf|step|a|b|main|__libc_start_call_main)\+\d+$`)
	for k, n := range all {
		f := strings.Split(k, ";")
		if n != "1" || f[0] != "leaf+0" || !strings.HasPrefix(f[len(f)-1], "__libc_start_call_main+") {
			t.Fatalf("stack %q counted %s, want 1, from leaf+0 to __libc_start_call_main", k, n)
		}
		for _, fr := range f {
			if !frame.MatchString(fr) {
				t.Fatalf("stack %q: frame %q is not one of the target's functions", k, fr)
			}
		}
	}
	if diff := cmp.Diff(truncated(all, 3), stackKeys(out.String(), "@three")); diff != "" {
		t.Errorf("ustack(3) keys (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"leaf+0": "1024"}, stackKeys(out.String(), "@one")); diff != "" {
		t.Errorf("ustack(1) keys (-want +got):\n%s", diff)
	}
}
