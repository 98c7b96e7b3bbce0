package check

// The type tests check testdata/types/*.gt with the fixture resolver and
// compare Dump's output with the .types file beside each script. Run
// "go test ./lang/check -update" to rewrite the golden files, then read
// the diff.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gtrace/gtrace/lang"
)

func TestTypesGolden(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/types/*.gt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			_, conf := parseExpectations(t, string(src))
			f, info, errs := checkSource(t, filepath.Base(file), string(src), conf)
			if errs != nil {
				t.Fatalf("check: %s", errs.Format())
			}
			got := Dump(f, info)
			golden := strings.TrimSuffix(file, ".gt") + ".types"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("dump mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestExprTypes checks the type of one expression, the value of the map
// @x in "BEGIN { @x = EXPR }" or of a tracepoint probe.
func TestExprTypes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"int literal", "BEGIN { @x = 1 }", "@x: key none, value int64"},
		{"pid", "BEGIN { @x = pid }", "@x: key none, value uint64"},
		{"comm", "BEGIN { @x = comm }", "@x: key none, value string[16]"},
		{"string literal", `BEGIN { @x = "abc" }`, "@x: key none, value string[4]"},
		{"string widening", `BEGIN { @x = "abc"; @x = "abcdefg" }`, "@x: key none, value string[8]"},
		{"unsigned arith", "BEGIN { @x = 1 + (uint32)2 }", "@x: key none, value uint64"},
		{"signed arith", "BEGIN { @x = (int8)1 - 3 }", "@x: key none, value int64"},
		{"cast keeps width for vars", "BEGIN { $v = (uint8)1; @x = $v }", "$v: uint8"},
		{"map int promoted", "BEGIN { @x = (int16)1 }", "@x: key none, value int64"},
		{"count", "BEGIN { @x = count() }", "@x: key none, value count"},
		{"hist", "BEGIN { @x[comm] = hist(1) }", "@x: key string[16], value hist"},
		{"lhist", "BEGIN { @x = lhist(5, 0, 100, 10) }", "@x: key none, value lhist(0,100,10)"},
		{"tuple key", "BEGIN { @x[pid, comm] = sum(1) }", "@x: key (uint64,string[16]), value sum"},
		{"int key promoted", "BEGIN { @x[(uint8)1] = 1 }", "@x: key uint64, value int64"},
		{"tuple value", `BEGIN { @x = (1, "ab") }`, "@x: key none, value (int64,string[3])"},
		{"str", "BEGIN { @x = str(0) }", "@x: key none, value string[64]"},
		{"kstack", "BEGIN { @x[kstack] = count() }", "@x: key kstack, value count"},
		{"ksym", "BEGIN { @x = ksym(0) }", "@x: key none, value ksym"},
		{"tp pointer field", "tracepoint:syscalls:sys_enter_openat { @x = args->filename }", "@x: key none, value int8 *"},
		{"tp char array", "tracepoint:sched:sched_switch { @x = args->prev_comm }", "@x: key none, value string[16]"},
		{"tp int field", "tracepoint:sched:sched_switch { @x = args.next_pid }", "@x: key none, value int64"},
		{"count read", "BEGIN { @c = count(); @x = @c }", "@x: key none, value uint64"},
		{"ternary ints", "BEGIN { @x = pid ? 1 : (uint32)2 }", "@x: key none, value uint64"},
		{"ternary strings", `BEGIN { @x = pid ? "a" : "bcd" }`, "@x: key none, value string[4]"},
		{"sizeof", "BEGIN { @x = sizeof(uint32) }", "sizeof(uint32~uint32)~uint64=4"},
		{"const fold", "BEGIN { @x = (1 + 2) * 3 }", "((1~int64 + 2~int64)~int64=3 * 3~int64)~int64=9"},
		{"cast fold", "BEGIN { @x = (uint8)257 }", "((uint8)257~int64)~uint8=1"},
		{"curtask", "BEGIN { @x = curtask->pid }", "@x: key none, value int64"},
		{"increment", "BEGIN { @x++ }", "@x: key none, value int64"},
		{"wildcard targets", "tracepoint:syscalls:sys_enter_* { @x = count() }", "tracepoint:syscalls:sys_enter_read"},
		{"struct layout", "struct S { char a; int b; char c[3]; long d; } BEGIN { @x = sizeof(struct S) }", "struct S size 24 align 8"},
		{"struct offsets", "struct S { char a; int b; char c[3]; long d; } BEGIN { @x = offsetof(struct S, d) }", "d int64 offset 16"},
		{"union", "union U { char a; long b; int c[3]; } BEGIN { @x = sizeof(union U) }", "=16"},
		{"positional int", "BEGIN { @x = $1 + $# }", "($1~int64=42 + $#~int64=2)~int64=44"},
		{"positional str", "BEGIN { @x = str($2) }", "str($2~string[64])~string[64]"},
		{"missing positional", "BEGIN { @x = $3 }", "$3~int64=0"},
		{"signed division fold", "BEGIN { @x = -5 / 2 }", "~int64=-2"},
		{"signed modulo fold", "BEGIN { @x = -5 % 2 }", "~int64=-1"},
		{"arithmetic shift fold", "BEGIN { @x = -8 >> 1 }", "~int64=-4"},
		{"unsigned division fold", "BEGIN { @x = (uint64)-5 / 2 }", "~uint64=9223372036854775805"},
		{"mixed division fold", "BEGIN { @x = -5 / (uint64)2 }", "~uint64=9223372036854775805"},
		{"logical shift fold", "BEGIN { @x = (uint64)-8 >> 1 }", "~uint64=9223372036854775804"},
		{"negate in width", "BEGIN { @x = -(uint8)1 }", "(-((uint8)1~int64)~uint8=1)~uint8=255"},
		{"complement in width", "BEGIN { @x = ~(uint32)1 }", "~uint32=4294967294"},
		{"header constant", "BEGIN { @x = AF_INET6 }", "AF_INET6~int64=10"},
		{"errno constant", "BEGIN { @x = EPERM }", "EPERM~int64=1"},
		{"kernel enum", "BEGIN { @x = SKB_DROP_REASON_NOT_SPECIFIED }", "SKB_DROP_REASON_NOT_SPECIFIED~int64=2"},
		{"script enum", "enum { A = 3, B }; BEGIN { @x = B }", "B~int64=4"},
		{"bit-field", "struct S { unsigned int a:3; unsigned int b:30; char c; } BEGIN { @x = sizeof(struct S) }", "b uint32 offset 4"},
		{"nested struct", "struct In { char a; long b; } struct Out { char x; struct In in; } BEGIN { @x = offsetof(struct Out, in.b) }", "=16"},
		{"multi-dim array", "struct S { int m[2][3]; } BEGIN { @x = sizeof(struct S) }", "m int32[3][2] offset 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			conf := &Config{Resolver: &fixtureResolver{}, Params: []string{"42", "hello"}}
			f, info, errs := checkSource(t, "<cmdline>", tt.in, conf)
			if errs != nil {
				t.Fatalf("check %q: %s", tt.in, errs.Format())
			}
			if got := Dump(f, info); !strings.Contains(got, tt.want) {
				t.Errorf("Dump(%q) = \n%s\nwant it to contain %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestHints checks the "did you mean" hints and that errors carry spans.
func TestHints(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, wantMsg, wantHint string
	}{
		{"map", "BEGIN { @bytes = 1; print(@byts) }", "unknown map @byts", "did you mean @bytes?"},
		{"var", "BEGIN { $count = 1; @x = $cuont }", "undefined variable $cuont", "did you mean $count?"},
		{"function", `BEGIN { prinf("x") }`, "unknown function prinf()", "did you mean printf?"},
		{"builtin", "BEGIN { @x = nsec }", "unknown identifier nsec", "did you mean nsecs?"},
		{"args field", "tracepoint:syscalls:sys_enter_openat { @x = args->filenme }", "no args field named filenme", "did you mean filename?"},
		{"probe", "tracepoint:syscalls:sys_enter_opnat { }", "probe not found", "did you mean tracepoint:syscalls:sys_enter_openat?"},
		{"struct field", "BEGIN { @x = curtask->pdi }", "has no field named pdi", "did you mean pid?"},
		{"argN in tracepoint", "tracepoint:syscalls:sys_enter_openat { @x = arg1 }", "arg1 is not valid in tracepoint probes, use args", "use args->NAME, e.g. args->mode"},
		{"field list", "tracepoint:sched:sched_process_exec { @x = args->zzz }", "no args field named zzz", "fields: filename, pid, old_pid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, errs := checkSource(t, "<cmdline>", tt.in, &Config{Resolver: &fixtureResolver{}})
			if len(errs) != 1 {
				t.Fatalf("got %d errors (%v), want 1", len(errs), errs)
			}
			e := errs[0]
			if !strings.Contains(e.Msg, tt.wantMsg) {
				t.Errorf("got message %q, want %q", e.Msg, tt.wantMsg)
			}
			if diff := cmp.Diff([]string{tt.wantHint}, e.Hints); diff != "" {
				t.Errorf("hints (-want +got):\n%s", diff)
			}
			if !e.Span.Start.IsValid() || e.Line == "" {
				t.Errorf("error %q has no position", e.Msg)
			}
		})
	}
}

// TestNilConfig checks the defaults: no resolver, attach points kept as
// written, args rejected.
func TestNilConfig(t *testing.T) {
	t.Parallel()
	f, err := lang.Parse("<cmdline>", "t:syscalls:sys_enter_* { @x = count() } interval:ms:100 { exit() }")
	if err != nil {
		t.Fatal(err)
	}
	var conf *Config
	info, err := conf.Check(f)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	var got []string
	for _, p := range info.Probes {
		for _, tg := range p.Targets {
			got = append(got, tg.Name)
		}
	}
	want := []string{"tracepoint:syscalls:sys_enter_*", "interval:ms:100"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
	if info.StrLen != 64 {
		t.Errorf("got StrLen %d, want 64", info.StrLen)
	}
	f, err = lang.Parse("<cmdline>", "t:syscalls:sys_enter_openat { @x = args->flags }")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conf.Check(f); err == nil {
		t.Errorf("args without a resolver: got no error")
	}
}

// TestWarnings checks that an attach point matching nothing is a warning
// when another attach point of the same probe matches, and an error
// otherwise.
func TestWarnings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in     string
		wantErr      bool
		wantWarnings int
	}{
		{"one missing of two", "t:syscalls:sys_enter_openat, t:syscalls:nonsense { }", false, 1},
		{"only missing", "t:syscalls:nonsense { }", true, 0},
		{"all found", "t:syscalls:sys_enter_openat, t:sched:sched_switch { }", false, 0},
		{"signed division", "BEGIN { $x = 2; @ = $x / 2 }", false, 1},
		{"unsigned division by literal", "BEGIN { @ = pid / 2 }", false, 0},
		{"mixed arithmetic", "BEGIN { $x = 2; @ = pid + $x; @b = pid * $x }", false, 2},
		{"mixed comparison", "BEGIN { $x = 2; if ($x == pid) { exit() } }", false, 1},
		{"comparison with literal", "BEGIN { if (pid > 100) { exit() } }", false, 0},
		{"comparison with negative literal", "BEGIN { @ = -1 < (uint64)1 }", false, 1},
		{"same signs", "BEGIN { $x = (uint32)2; if ($x == pid) { exit() } @ = $x & pid }", false, 0},
		{"unreachable after exit", "BEGIN { @ = 1; exit(); @ = 2; @ = 3 }", false, 1},
		{"unreachable after break and return", "BEGIN { while (1) { break; @ = 1 } return; @ = 2 }", false, 2},
		{"exit last", "BEGIN { if (1) { exit() } @ = 1; exit() }", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := lang.Parse("<cmdline>", tt.in)
			if err != nil {
				t.Fatal(err)
			}
			info, err := (&Config{Resolver: &fixtureResolver{}}).Check(f)
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if err == nil && len(info.Warnings) != tt.wantWarnings {
				t.Errorf("got %d warnings (%v), want %d", len(info.Warnings), info.Warnings, tt.wantWarnings)
			}
		})
	}
}

// TestTargets checks attach point expansion, aliases and positional
// parameters in attach points.
func TestTargets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		params   []string
		want     []string
	}{
		{"begin end", "BEGIN {} END {}", nil, []string{"BEGIN", "END"}},
		{"param in parts", "i:ms:$1 {}", []string{"100"}, []string{"interval:ms:100"}},
		{"param in provider", "BEG$1 {}", []string{"IN"}, []string{"BEGIN"}},
		{"short interval", "interval:100ms {}", nil, []string{"interval:ms:100"}},
		{"wildcard", "t:syscalls:sys_*_openat {}", nil, []string{"tracepoint:syscalls:sys_enter_openat", "tracepoint:syscalls:sys_exit_openat"}},
		{"several", "t:sched:sched_switch, profile:hz:99 {}", nil, []string{"tracepoint:sched:sched_switch", "profile:hz:99"}},
		{"software", "software:cs:10 {}", nil, []string{"software:cs:10"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := lang.Parse("<cmdline>", tt.in)
			if err != nil {
				t.Fatal(lang.FormatError(err))
			}
			info, err := (&Config{Resolver: &fixtureResolver{}, Params: tt.params}).Check(f)
			if err != nil {
				t.Fatal(lang.FormatError(err))
			}
			var got []string
			for _, p := range info.Probes {
				for _, tg := range p.Targets {
					got = append(got, tg.Name)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s: targets (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestWarningText checks a sign warning's message and that it points at
// the operator, as bpftrace's does.
func TestWarningText(t *testing.T) {
	t.Parallel()
	f, err := lang.Parse("<cmdline>", "BEGIN { $x = 2; @ = pid / $x; }")
	if err != nil {
		t.Fatal(err)
	}
	info, err := (&Config{}).Check(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Warnings) != 1 {
		t.Fatalf("got %d warnings, want 1", len(info.Warnings))
	}
	w := info.Warnings[0]
	want := "<cmdline>:1:25: arithmetic on integers of different signs: 'uint64' and 'int64' can lead to undefined behavior\n" +
		"BEGIN { $x = 2; @ = pid / $x; }\n" +
		"                        ^\n"
	if diff := cmp.Diff(want, w.Format()); diff != "" {
		t.Errorf("warning (-want +got):\n%s", diff)
	}
}
