package codegen

// Golden listings: each testdata/NAME.gt is compiled with the fixture
// resolver and its Listing compared with testdata/NAME.asm. Run
// "go test ./codegen -update" to rewrite them, and read the diff.

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/check"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// compilePure is compileScript without the testing.T of a kernel test.
func compilePure(t *testing.T, name, src string) *Program {
	t.Helper()
	f, err := lang.Parse(name, src)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	info, err := (&check.Config{Resolver: fixture{}}).Check(f)
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	prog, err := Compile(f, info, nil)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return prog
}

func TestGolden(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/*.gt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, in := range files {
		t.Run(filepath.Base(in), func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got := compilePure(t, filepath.Base(in), string(src)).Listing()
			out := strings.TrimSuffix(in, ".gt") + ".asm"
			if *update {
				if err := os.WriteFile(out, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", out, diff)
			}
		})
	}
}

// TestDeterministic compiles the same script twice and expects the same
// listing, events and maps.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	src := `tracepoint:syscalls:sys_enter_* { @[probe] = count(); } BEGIN { @a["x", 1] = sum(2); @b = hist(3); printf("%s\n", comm); }`
	a, b := compilePure(t, "a", src), compilePure(t, "a", src)
	if a.Listing() != b.Listing() {
		t.Errorf("listings differ:\n%s", cmp.Diff(a.Listing(), b.Listing()))
	}
	if diff := cmp.Diff(a.ProbeNames, b.ProbeNames); diff != "" {
		t.Errorf("probe names differ: %s", diff)
	}
}

// TestProgramShape checks the descriptors Compile returns, without a kernel.
func TestProgramShape(t *testing.T) {
	t.Parallel()
	prog := compilePure(t, "s", `tracepoint:syscalls:sys_enter_* { @[probe] = count(); }
BEGIN { printf("%d %s\n", 1, comm); @x = 5; print(@x, 3, 2); time(); exit(); }`)
	var got []string
	for _, p := range prog.Probes {
		got = append(got, p.Program+" "+p.Provider+" "+strings.Join(p.Targets, ","))
	}
	want := []string{
		"p0_tracepoint tracepoint tracepoint:syscalls:sys_enter_close,tracepoint:syscalls:sys_enter_execve,tracepoint:syscalls:sys_enter_openat",
		"p1_BEGIN BEGIN BEGIN",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("probes (-want +got):\n%s", diff)
	}
	if c := prog.Probes[0].Cookies; len(c) != 3 || c[0] != 0 || c[2] != 2 {
		t.Errorf("got cookies %v, want [0 1 2]", c)
	}
	var evs []string
	for _, e := range prog.Events {
		evs = append(evs, kindNames[e.Kind]+" "+e.Format+" "+e.Map)
	}
	wantEvs := []string{"printf %d %s\n ", "printmap  @x", "time %H:%M:%S\n ", "exit  "}
	if diff := cmp.Diff(wantEvs, evs); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if e := prog.Events[1]; e.Top != 3 || e.Div != 2 {
		t.Errorf("got top %d div %d, want 3 2", e.Top, e.Div)
	}
	if len(prog.Maps) != 2 || prog.Maps[0].Name != "@" || !prog.Maps[0].PerCPU || prog.Maps[1].PerCPU {
		t.Errorf("got maps %+v %+v", prog.Maps[0], prog.Maps[1])
	}
}
