// Tests of uprobe, uretprobe and USDT probes. Tier 0 reads the checked-in
// testdata/uprobe/gtadd, built from gtadd.c (see its header): it has the
// function gt_add and the USDT probe gtrace:add__done with the semaphore
// gt_sem. Tier 1 rebuilds gtadd with gcc, attaches counting programs and
// runs it.
package probes

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"
	"github.com/google/go-cmp/cmp"

	"github.com/gtrace/gtrace/internal/bpftest"
	"github.com/gtrace/gtrace/internal/targets"
	"github.com/gtrace/gtrace/internal/testenv"
)

const gtadd = "testdata/uprobe/gtadd"

func TestUprobeExpand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		provider string
		parts    []string
		want     []string
	}{
		{"function", "uprobe", []string{gtadd, "gt_add"}, []string{"uprobe:" + gtadd + ":gt_add"}},
		{"alias", "ur", []string{gtadd, "gt_add"}, []string{"uretprobe:" + gtadd + ":gt_add"}},
		{"wildcard", "uprobe", []string{gtadd, "gt_*"}, []string{"uprobe:" + gtadd + ":gt_add"}},
		{"question", "uprobe", []string{gtadd, "ma?n"}, []string{"uprobe:" + gtadd + ":main"}},
		{"offset", "uprobe", []string{gtadd, "gt_add+4"}, []string{"uprobe:" + gtadd + ":gt_add+4"}},
		{"address", "uprobe", []string{gtadd, "0x1149"}, []string{"uprobe:" + gtadd + ":0x1149"}},
		{"usdt", "usdt", []string{gtadd, "gtrace", "add__done"}, []string{"usdt:" + gtadd + ":gtrace:add__done"}},
		{"usdt alias", "U", []string{gtadd, "add__done"}, []string{"usdt:" + gtadd + ":gtrace:add__done"}},
		{"usdt wildcard", "usdt", []string{gtadd, "*", "*"}, []string{"usdt:" + gtadd + ":gtrace:add__done"}},
		{"usdt empty provider", "usdt", []string{gtadd, "", "*done"}, []string{"usdt:" + gtadd + ":gtrace:add__done"}},
		{"glob", "uprobe", []string{"testdata/uprobe/gta*", "gt_add"}, []string{"uprobe:" + gtadd + ":gt_add"}},
		{"glob dot", "uprobe", []string{"./testdata/uprobe/*", "gt_add"}, []string{"uprobe:./" + gtadd + ":gt_add"}},
		{"usdt glob", "usdt", []string{"./testdata/*/gtadd*", "", "*"}, []string{"usdt:./" + gtadd + ":gtrace:add__done"}},
	}
	r := fixture()
	for _, tt := range tests {
		got, err := r.Expand(tt.provider, tt.parts)
		if err != nil {
			t.Errorf("%s: Expand(%q, %q): %v", tt.name, tt.provider, tt.parts, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: Expand(%q, %q) mismatch (-want +got):\n%s", tt.name, tt.provider, tt.parts, diff)
		}
	}
}

func TestUprobeExpandErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		provider  string
		parts     []string
		want      string
		wantHints []string
	}{
		{"typo", "uprobe", []string{gtadd, "gt_ad"}, "uprobe:" + gtadd + ":gt_ad not found", []string{"did you mean uprobe:" + gtadd + ":gt_add?"}},
		{"data", "uprobe", []string{gtadd, "gt_sem"}, "uprobe:" + gtadd + ":gt_sem not found", nil},
		{"wildcard", "uprobe", []string{gtadd, "nope*"}, "uprobe:" + gtadd + ":nope* not found", nil},
		{"inside an instruction", "uprobe", []string{gtadd, "gt_add+5"}, "uprobe: offset 5 is inside an instruction of gt_add: the nearest instruction boundaries are gt_add+4 and gt_add+7", nil},
		{"offset too far", "uprobe", []string{gtadd, "gt_add+0x1000"}, "Offset outside the function bounds ('gt_add' size is 20)", []string{"offset 0x1000 is past the end of gt_add: offsets run from 0 to 19"}},
		{"bad offset", "uprobe", []string{gtadd, "gt_add+z"}, `invalid offset "z" in uprobe gt_add+z`, nil},
		{"data address", "uprobe", []string{gtadd, "0x4020"}, "Could not resolve address: " + gtadd + ":0x4020", []string{"0x4020 is not in an executable segment of " + gtadd + " (code: 0x1000-0x11ed)"}},
		{"no file", "uprobe", []string{"testdata/nope", "f"}, "uprobe target testdata/nope: file does not exist", nil},
		{"no program", "uprobe", []string{"gtrace-no-such-program", "f"}, `uprobe target "gtrace-no-such-program" not found: no program of that name in $PATH and no library libgtrace-no-such-program.so`, nil},
		{"no pid", "uprobe", []string{"f"}, "a probe without a binary needs a process (-p PID)", nil},
		{"arity", "uprobe", []string{"a", "b", "c"}, "uprobe probe type requires 1 or 2 arguments, got 3", nil},
		{"usdt typo", "usdt", []string{gtadd, "gtrace", "add_done"}, "usdt:" + gtadd + ":gtrace:add_done not found", []string{"did you mean usdt:" + gtadd + ":gtrace:add__done?"}},
		{"usdt name typo", "usdt", []string{gtadd, "add_done"}, "usdt:" + gtadd + ":add_done not found", []string{"did you mean usdt:" + gtadd + ":gtrace:add__done?"}},
		{"usdt arity", "usdt", []string{gtadd}, "usdt probe type requires 2 or 3 arguments", nil},
		{"not ELF", "uprobe", []string{"testdata/uprobe/gtadd.c", "f"}, "testdata/uprobe/gtadd.c is not an ELF file: it does not start with \\x7fELF", nil},
		{"glob none", "uprobe", []string{"testdata/uprobe/*.c", "f"}, "uprobe:testdata/uprobe/*.c:f not found", nil},
		{"usdt none", "usdt", []string{"/proc/self/exe", "x"}, "usdt:/proc/self/exe:x not found", nil},
	}
	r := fixture()
	for _, tt := range tests {
		_, err := r.Expand(tt.provider, tt.parts)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: got error %v, want %q", tt.name, err, tt.want)
			continue
		}
		var h interface{ Hints() []string }
		var hints []string
		if errors.As(err, &h) {
			hints = h.Hints()
		}
		if diff := cmp.Diff(tt.wantHints, hints); diff != "" {
			t.Errorf("%s: hints mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestUprobeList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []string
	}{
		{"pattern", "uprobe:" + gtadd + ":gt_*", []string{"uprobe:" + gtadd + ":gt_add"}},
		{"alias", "ur:" + gtadd + ":gt_a?d", []string{"uretprobe:" + gtadd + ":gt_add"}},
		{"usdt", "usdt:" + gtadd, []string{"usdt:" + gtadd + ":gtrace:add__done"}},
		{"usdt provider", "usdt:" + gtadd + ":gtrace:*", []string{"usdt:" + gtadd + ":gtrace:add__done"}},
		{"any provider", "*:./" + gtadd + ":*add*", []string{"uprobe:./" + gtadd + ":gt_add", "uretprobe:./" + gtadd + ":gt_add", "usdt:./" + gtadd + ":gtrace:add__done"}},
		{"u provider", "u*:" + gtadd + ":gt_add", []string{"uprobe:" + gtadd + ":gt_add", "uretprobe:" + gtadd + ":gt_add"}},
		{"none", "uprobe:" + gtadd + ":zz*", nil},
	}
	r := fixture()
	for _, tt := range tests {
		got, err := r.List(tt.in)
		if err != nil {
			t.Errorf("%s: List(%q): %v", tt.name, tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: List(%q) mismatch (-want +got):\n%s", tt.name, tt.in, diff)
		}
	}
	all, err := r.List("uprobe:" + gtadd)
	if err != nil || len(all) < 3 {
		t.Errorf("List(uprobe:gtadd): got %q, %v; want gt_add, main and the C runtime's functions", all, err)
	}
	args, err := r.USDTArgs("usdt:" + gtadd + ":gtrace:add__done")
	if diff := cmp.Diff([]string{"-4@%eax"}, args); err != nil || diff != "" {
		t.Errorf("USDTArgs: %v, mismatch (-want +got):\n%s", err, diff)
	}
}

func TestUprobeDescribe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"uprobe:" + gtadd + ":gt_add", "    int a\n    int b\n"},
		{"uretprobe:" + gtadd + ":main", "    int argc\n    char** argv\n"},
		{"uprobe:" + gtadd + ":gt_add+4", ""},
		{"uprobe:" + gtadd + ":0x1149", ""},
		{"uprobe:" + gtadd + ":_start", ""},
	}
	r := fixture()
	for _, tt := range tests {
		got, err := r.Describe(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Describe(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// TestUprobeLibrary resolves library names through this machine's
// ld.so.cache.
func TestUprobeLibrary(t *testing.T) {
	t.Parallel()
	r := fixture()
	got, err := r.Expand("uprobe", []string{"libc", "malloc"})
	if err != nil {
		testenv.Missing(t, "no libc found on this machine: %v", err)
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "uprobe:/") || !strings.Contains(got[0], "libc.so") || !strings.HasSuffix(got[0], ":malloc") {
		t.Errorf("Expand(uprobe:libc:malloc) = %q, want uprobe:/.../libc.so.N:malloc", got)
	}
	again, err := r.Expand("uprobe", []string{"c", "malloc"})
	if err != nil || !cmp.Equal(got, again) {
		t.Errorf("Expand(uprobe:c:malloc) = %q, %v, want %q", again, err, got)
	}
}

// TestUprobeGoNames expands names of this Go test binary's functions:
// a name with '*' is taken as it is when a function has it.
func TestUprobeGoNames(t *testing.T) {
	t.Parallel()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	r := fixture()
	got, err := r.Expand("uprobe", []string{exe, "testing.(*T).Run"})
	if want := []string{"uprobe:" + exe + ":testing.(*T).Run"}; err != nil || !cmp.Equal(want, got) {
		t.Errorf("Expand(testing.(*T).Run) = %q, %v; want %q", got, err, want)
	}
	got, err = r.Expand("uprobe", []string{exe, "testing.(*T).Run*"})
	if err != nil || len(got) < 2 {
		t.Errorf("Expand(testing.(*T).Run*) = %q, %v; want Run and its closures", got, err)
	}
}

// TestUprobeProcess names probes of a running gtadd through Options.PID.
func TestUprobeProcess(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(gtadd, "1", "wait")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	exe, err := filepath.Abs(gtadd)
	if err != nil {
		t.Fatal(err)
	}
	r := New(&Options{PID: cmd.Process.Pid})
	// Files of the process are named through its root, as bpftrace names
	// them, so that they open in any mount namespace.
	exe = fmt.Sprintf("/proc/%d/root%s", cmd.Process.Pid, exe)
	// Start returns once the exec has succeeded, so /proc/PID/exe is gtadd.
	tests := []struct {
		name     string
		provider string
		parts    []string
		want     []string
	}{
		{"no binary", "uprobe", []string{"gt_add"}, []string{"uprobe:" + exe + ":gt_add"}},
		{"empty binary", "uprobe", []string{"", "gt_add"}, []string{"uprobe:" + exe + ":gt_add"}},
		{"usdt", "usdt", []string{"", "", "add__done"}, []string{"usdt:" + exe + ":gtrace:add__done"}},
	}
	for _, tt := range tests {
		got, err := r.Expand(tt.provider, tt.parts)
		if err != nil {
			t.Errorf("%s: Expand(%q, %q): %v", tt.name, tt.provider, tt.parts, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: Expand(%q, %q) mismatch (-want +got):\n%s", tt.name, tt.provider, tt.parts, diff)
		}
	}
	all, err := r.List("")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"uprobe:" + exe + ":gt_add", "usdt:" + exe + ":gtrace:add__done"} {
		if !slices.Contains(all, want) {
			t.Errorf("List with PID: %s missing from %q", want, all)
		}
	}
}

// buildGtadd compiles testdata/uprobe/gtadd.c into a temporary directory.
func buildGtadd(t *testing.T) string {
	t.Helper()
	gcc := testenv.LookPath(t, "gcc")
	src, err := filepath.Abs("testdata/uprobe/gtadd.c")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "gtadd")
	if out, err := exec.Command(gcc, "-g", "-O0", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	return bin
}

func TestUprobeAttach(t *testing.T) {
	bpftest.RequireBPF(t)
	bin := buildGtadd(t)
	r := New(nil)
	probes := []string{
		"uprobe:" + bin + ":gt_add",
		"uretprobe:" + bin + ":gt_add",
		"uprobe:" + bin + ":gt_add+4",
		"usdt:" + bin + ":gtrace:add__done",
	}
	var counters []*counter
	for i, p := range probes {
		c := newCounter(t, ebpf.Kprobe, true)
		cl, err := r.Attach(c.prog, p, uint64(100+i))
		if err != nil {
			t.Fatalf("Attach(%q): %v", p, err)
		}
		t.Cleanup(func() { cl.Close() })
		counters = append(counters, c)
	}
	if out, err := exec.Command(bin, "7").CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, out)
	}
	for i, c := range counters {
		// The probes have fired before the program exits: no waiting.
		count, cookie := c.read(t)
		if count != 7 || cookie != uint64(100+i) {
			t.Errorf("%s: got count %d, cookie %d; want 7, %d", probes[i], count, cookie, 100+i)
		}
	}
}

func TestUprobePID(t *testing.T) {
	bpftest.RequireBPF(t)
	bin := buildGtadd(t)
	// The probe is limited to a process that is not gtadd: running gtadd
	// must not count.
	r := New(&Options{PID: os.Getpid()})
	c := newCounter(t, ebpf.Kprobe, false)
	cl, err := r.Attach(c.prog, "uprobe:"+bin+":gt_add", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if out, err := exec.Command(bin, "3").CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, out)
	}
	if count, _ := c.read(t); count != 0 {
		t.Errorf("got count %d for another process, want 0", count)
	}
}

// goRetTarget has two RET instructions for TestUretprobeGo.
//
//go:noinline
func goRetTarget(n int) int {
	if n < 0 {
		return -n
	}
	return n * 2
}

// TestUretprobeGo places a uretprobe on a Go function of this test binary:
// uprobes on its RET instructions, never a real uretprobe, which would
// crash the test binary when a goroutine stack is copied. Each call counts
// once, whichever RET it leaves by.
func TestUretprobeGo(t *testing.T) {
	bpftest.RequireBPF(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	r := New(nil)
	names, err := r.Expand("uretprobe", []string{exe, "github.com/gtrace/gtrace/probes.goRetTarget"})
	if err != nil {
		t.Fatal(err)
	}
	c := newCounter(t, ebpf.Kprobe, true)
	cl, err := r.Attach(c.prog, names[0], 42)
	if err != nil {
		t.Fatalf("Attach(%q): %v", names[0], err)
	}
	defer cl.Close()
	if n := len(cl.(*multiCloser).closers); n < 2 {
		t.Errorf("got %d uprobes, want one per RET (at least 2)", n)
	}
	sum := 0
	for i := -3; i < 4; i++ {
		sum += goRetTarget(i)
	}
	if count, cookie := c.read(t); count != 7 || cookie != 42 || sum != 18 {
		t.Errorf("got count %d, cookie %d, sum %d; want 7, 42, 18", count, cookie, sum)
	}
}

// TestUSDTPython attaches to the function__entry probe of Debian's
// python3.11, whose USDT probes have semaphores.
func TestUSDTPython(t *testing.T) {
	bpftest.RequireBPF(t)
	const python = "/usr/bin/python3.11"
	testenv.RequireFile(t, python, "Debian's python3.11 (package python3.11)")
	r := New(nil)
	names, err := r.Expand("usdt", []string{python, "function__entry"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "usdt:" + python + ":python:function__entry"; len(names) != 1 || names[0] != want {
		t.Fatalf("Expand: got %q, want [%q]", names, want)
	}
	c := newCounter(t, ebpf.Kprobe, false)
	cl, err := r.Attach(c.prog, names[0], 0)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if out, err := exec.Command(python, "-S", "-c", "def f(): pass\nf()").CombinedOutput(); err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	// Python fires function__entry only when its semaphore is raised, and
	// only for frames entering the eval loop (not for calls it inlines), so
	// the count is small but not zero.
	if count, _ := c.read(t); count == 0 {
		t.Errorf("got no function__entry hits, want at least 1")
	}
}

// TestUprobeABI tells a Go function (of this test binary) from a C one.
func TestUprobeABI(t *testing.T) {
	t.Parallel()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	r := fixture()
	for probe, want := range map[string]string{
		"uprobe:" + exe + ":github.com/gtrace/gtrace/probes.goRetTarget":    "go",
		"uretprobe:" + exe + ":github.com/gtrace/gtrace/probes.goRetTarget": "go",
		"uprobe:" + exe + ":runtime.memmove":                                "",
		"uprobe:" + gtadd + ":gt_add":                                       "",
		"usdt:" + gtadd + ":gtrace:add__done":                               "",
	} {
		if got, err := r.ABI(probe); err != nil || got != want {
			t.Errorf("ABI(%s) = %q, %v; want %q", probe, got, err, want)
		}
	}
}

// TestUprobeMulti attaches the uprobes of a C target's three c_* functions
// through one uprobe_multi link (kernel 6.6+): each call counts once, and
// the cookie is the one given for its target.
func TestUprobeMulti(t *testing.T) {
	bpftest.RequireBPF(t)
	if err := features.HaveBPFLinkUprobeMulti(); err != nil {
		testenv.NoKernelFeature(t, "uprobe_multi links", err)
	}
	bin := targets.C(t, "ctarget")
	r := New(nil)
	names, err := r.Expand("uprobe", []string{bin, "c_*"})
	if err != nil || len(names) != 3 {
		t.Fatalf("Expand: %q, %v; want c_add, c_item, c_many", names, err)
	}
	if !r.CanAttachUprobeMulti(names) {
		t.Fatalf("CanAttachUprobeMulti(%q) = false", names)
	}
	if r.CanAttachUprobeMulti(names[:1]) || r.CanAttachUprobeMulti([]string{names[0], "uretprobe:" + bin + ":c_add"}) {
		t.Errorf("CanAttachUprobeMulti: true for one target or for mixed kinds")
	}
	c := newCounterFor(t, ebpf.Kprobe, ebpf.AttachTraceUprobeMulti, true)
	cl, err := r.AttachUprobeMulti(c.prog, names, []uint64{7, 7, 7})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if out, err := exec.Command(bin, "5").CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, out)
	}
	if count, cookie := c.read(t); count != 15 || cookie != 7 {
		t.Errorf("got count %d, cookie %d; want 15, 7", count, cookie)
	}
}

// BenchmarkUprobeLibcStr attaches and detaches uprobes on libc's str*
// functions (about a hundred), one by one and through one uprobe_multi
// link.
func BenchmarkUprobeLibcStr(b *testing.B) {
	bpftest.RequireBPF(b)
	r := New(nil)
	names, err := r.Expand("uprobe", []string{"libc", "str*"})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("one by one", func(b *testing.B) {
		c := newCounterFor(b, ebpf.Kprobe, ebpf.AttachNone, true)
		for b.Loop() {
			var cs []io.Closer
			for _, n := range names {
				cl, err := r.Attach(c.prog, n, 0)
				if err != nil {
					b.Fatal(err)
				}
				cs = append(cs, cl)
			}
			for _, cl := range cs {
				cl.Close()
			}
		}
		b.ReportMetric(float64(len(names)), "probes")
	})
	b.Run("uprobe_multi", func(b *testing.B) {
		if !r.CanAttachUprobeMulti(names) {
			b.Skip("skipped: no uprobe_multi links")
		}
		c := newCounterFor(b, ebpf.Kprobe, ebpf.AttachTraceUprobeMulti, true)
		for b.Loop() {
			cl, err := r.AttachUprobeMulti(c.prog, names, make([]uint64, len(names)))
			if err != nil {
				b.Fatal(err)
			}
			cl.Close()
		}
		b.ReportMetric(float64(len(names)), "probes")
	})
}
