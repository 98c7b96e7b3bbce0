package codegen

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gtrace/gtrace/internal/bpftest"
	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/check"
)

// compileScript parses, checks and compiles src.
func compileScript(t *testing.T, src string, conf *check.Config) *Program {
	t.Helper()
	return compileWith(t, src, conf, nil)
}

// compileWith is compileScript with a codegen Config.
func compileWith(t *testing.T, src string, conf *check.Config, cfg *Config) *Program {
	t.Helper()
	f, err := lang.Parse("<test>", src)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	info, err := conf.Check(f)
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	prog, err := Compile(f, info, cfg)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return prog
}

// selfComm is the test process's comm: its name cut to 15 bytes.
func selfComm() string {
	name := filepath.Base(os.Args[0])
	return name[:min(len(name), 15)]
}

// TestRunBegin runs BEGIN/END-only scripts in the kernel and checks the
// records they write and the maps they leave.
func TestRunBegin(t *testing.T) {
	bpftest.RequireBPF(t)
	tests := []struct {
		name     string
		in       string
		want     []string // records
		wantMaps []string
	}{
		{name: "printf int", in: `BEGIN { printf("%d %d\n", 1 + 2 * 3, -7); }`, want: []string{"printf(7, -7)"}},
		{name: "arith", in: `BEGIN { $a = 17; $b = -5; printf("%d %d %d %d %d %d\n", $a / $b, $a % $b, $b / 2, $b % 3, $a << 2, $b >> 1); }`,
			want: []string{"printf(-3, 2, -2, -2, 68, -3)"}},
		{name: "unsigned", in: `BEGIN { $a = (uint8)300; $b = (int8)200; $c = (uint32)-1; printf("%d %d %u\n", $a, $b, $c); }`,
			want: []string{"printf(44, -56, 4294967295)"}},
		{name: "compare", in: `BEGIN { $a = -1; if ($a < 0) { printf("neg\n"); } if ($a > 0) { printf("pos\n"); } if ($a == -1 && 2 > 1 || 0) { printf("yes\n"); } }`,
			want: []string{"printf()", "printf()"}},
		{name: "ternary", in: `BEGIN { $x = 5; printf("%d %s\n", $x > 3 ? 10 : 20, $x > 9 ? "big" : "small"); }`,
			want: []string{`printf(10, "small")`}},
		{name: "strings", in: `BEGIN { $s = "hello"; if ($s == "hello") { printf("%s eq\n", $s); } if ($s != "hellO") { printf("ne\n"); } if ($s == "hell") { printf("bad\n"); } }`,
			want: []string{`printf("hello")`, "printf()"}},
		{name: "comm", in: `BEGIN { @c[comm] = count(); printf("%s\n", comm); }`,
			want: []string{`printf("` + selfComm() + `")`}, wantMaps: []string{`@c["` + selfComm() + `"]: 1`}},
		{name: "count sum", in: `BEGIN { @c = count(); @c = count(); @s = sum(5); @s = sum(-7); @k[1, "a"] = count(); }`,
			wantMaps: []string{`@c: 2`, `@k[1, "a"]: 1`, `@s: -2`}},
		{name: "min max avg stats", in: `BEGIN { @mi = min(5); @mi = min(-3); @mi = min(9); @ma = max(5); @ma = max(9); @a = avg(4); @a = avg(6); @st = stats(3); }`,
			wantMaps: []string{`@a: 2/10`, `@ma: 9`, `@mi: -3`, `@st: 1/3`}},
		{name: "hist", in: `BEGIN { @h = hist(0); @h = hist(1); @h = hist(-5); @h = hist(1024); @h = hist(1025); @h = hist(2047); }`,
			wantMaps: []string{`@h: 0:1 1:1 2:1 12:3 65:4092`}}, // slot 65: the sum,
		{name: "lhist", in: `BEGIN { @l = lhist(-1, 0, 100, 10); @l = lhist(0, 0, 100, 10); @l = lhist(55, 0, 100, 10); @l = lhist(100, 0, 100, 10); }`,
			wantMaps: []string{`@l: 0:1 1:1 6:1 11:1 12:154`}}, // slot 12: the sum,
		{name: "plain maps", in: `BEGIN { @x = 5; @s["a"] = "str"; @t = (1, "two"); @x++; @x += 10; @y[3] = 1; delete(@y[3]); @z[1] = 2; @z[1]--; }`,
			wantMaps: []string{`@s["a"]: "str"`, `@t: (1, "two")`, `@x: 16`, `@z[1]: 1`}},
		{name: "map read missing", in: `BEGIN { @a[1] = 4; printf("%d %d\n", @a[1], @a[2]); }`,
			want: []string{"printf(4, 0)"}, wantMaps: []string{`@a[1]: 4`}},
		{name: "tuple", in: `BEGIN { $t = (1, "ab", -3); printf("%d %s %d\n", $t.0, $t.1, $t.2); }`,
			want: []string{`printf(1, "ab", -3)`}},
		{name: "while", in: `BEGIN { $i = 0; $s = 0; while ($i < 10) { $i++; if ($i == 3) { continue; } if ($i > 6) { break; } $s += $i; } printf("%d\n", $s); }`,
			want: []string{"printf(18)"}},
		{name: "signed division like its fold", in: `BEGIN { $a = -7; $b = 2; $u = (uint64)2; $c = -8; printf("%d %d %d %d %d %d %d %d %d %d %d\n", $a / $b, -7 / 2, $a % $b, -7 % 2, $c >> 1, -8 >> 1, $a / -1, 7 / -2, $a / $u, -7 / (uint64)2, $c >> $u); }`,
			want: []string{"printf(-3, -3, -1, -1, -4, -4, 7, -3, 9223372036854775804, 9223372036854775804, 4611686018427387902)"}},
		{name: "unroll", in: `BEGIN { $i = 1; unroll(5) { $i = $i * 2; } printf("%d\n", $i); }`,
			want: []string{"printf(32)"}},
		{name: "exit", in: `BEGIN { printf("a\n"); exit(); printf("b\n"); }`,
			want: []string{"printf()", "exit()"}},
		{name: "print clear zero", in: `BEGIN { @a = 1; print(@a); clear(@a); zero(@a); print(5); }`,
			want: []string{"printmap(@a)", "clear(@a)", "zero(@a)", "print(5)"}, wantMaps: []string{`@a: 1`}},
		{name: "strncmp strcontains", in: `BEGIN { printf("%d %d %d %d\n", strncmp("hello", "help", 3), strncmp("hello", "help", 4), strcontains("hello", "ll"), strcontains("hello", "lo!")); }`,
			want: []string{"printf(0, 1, 1, 0)"}},
		{name: "probe", in: `BEGIN { @[probe] = count(); } END { @[probe] = count(); }`,
			wantMaps: []string{`@[0]: 1`, `@[1]: 1`}},
		{name: "predicate", in: `BEGIN /1 == 2/ { printf("no\n"); } END /1 == 1/ { printf("yes\n"); }`,
			want: []string{"printf()"}},
		{name: "for map", in: `BEGIN { @a[1] = 10; @a[2] = 20; $n = 0; for ($kv : @a) { $n += $kv.0 * $kv.1; if ($kv.0 == 7) { break; } } printf("%d %d\n", $n, len(@a)); }`,
			want: []string{"printf(50, 2)"}, wantMaps: []string{"@a[1]: 10", "@a[2]: 20"}},
		{name: "nested map loops", in: `BEGIN { @a[1] = 10; @a[2] = 20; @b["x"] = 3; @b["y"] = 4; $n = 0; for ($kv : @a) { for ($kv2 : @b) { $n += $kv.1 * $kv2.1; } } for ($kv : @b) { $n += $kv.1; } printf("%d\n", $n); }`,
			want: []string{"printf(217)"}, wantMaps: []string{"@a[1]: 10", "@a[2]: 20", `@b["x"]: 3`, `@b["y"]: 4`}},
		{name: "break and return in map loops", in: `BEGIN { @a[1] = 1; @a[2] = 2; $n = 0; for ($kv : @a) { $n++; break; } printf("%d\n", $n); for ($kv : @a) { for ($i : 0..@a[2]) { if ($i == 1) { printf("out\n"); return; } } } printf("not reached\n"); }`,
			want: []string{"printf(1)", "printf()"}, wantMaps: []string{"@a[1]: 1", "@a[2]: 2"}},
		{name: "range bounded by a map", in: `BEGIN { @n = 5; $s = 0; for ($i : 1..@n) { if ($i == 2) { continue; } $s += $i; @n += 1; } printf("%d\n", $s); for ($i : @n..0) { printf("never\n"); } }`,
			want: []string{"printf(8)"}, wantMaps: []string{"@n: 8"}},
		{name: "delete in a map loop", in: `BEGIN { @[0, 0] = 1; @[0, 1] = 1; @[1, 1] = 1; for ($kv : @) { if ($kv.0.1 == 1) { delete(@, $kv.0); } } }`,
			wantMaps: []string{"@[0, 0]: 1"}},
		{name: "aggregations read as values", in: `BEGIN { @c = count(); @c = count(); @s = sum(-5); @mn = min(3); @mn = min(-2); @mx = max(-1); @a = avg(-1); @a = avg(-1); @a = avg(-10); @[@c, @s, @mn, @mx, @a] = 1; if (@a == -4 && @c > 1) { printf("%d\n", @c + 1); } }`,
			want: []string{"printf(3)"}, wantMaps: []string{"@[2, -5, -2, -1, -4]: 1", "@a: 3/-12", "@c: 2", "@mn: -2", "@mx: -1", "@s: -5"}},
		{name: "bswap", in: `BEGIN { printf("%x\n", bswap((uint32)0x12345678)); }`,
			want: []string{"printf(2018915346)"}},
		// Failure paths are out of line: one pending verifier state per
		// check and iteration keeps 5000 iterations under 8192 jumps.
		{name: "long loop map store", in: `BEGIN { $i = 0; while ($i < 5000) { @x[1] = $i; $i++; } }`,
			wantMaps: []string{"@x[1]: 4999"}},
		{name: "long loop printf", in: `BEGIN { $i = 0; while ($i < 5000) { $i++; printf("\n"); } }`,
			want: slices.Repeat([]string{"printf()"}, 5000)},
		{name: "long loop keyed count", in: `BEGIN { $i = 0; while ($i < 5000) { @h[(uint64)$i % 4] = count(); $i++; } }`,
			wantMaps: []string{"@h[0]: 1250", "@h[1]: 1250", "@h[2]: 1250", "@h[3]: 1250"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prog := compileScript(t, tt.in, nil)
			l := load(t, prog)
			l.runProvider(t, "BEGIN")
			l.runProvider(t, "END")
			if diff := cmp.Diff(tt.want, l.records(t)); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantMaps, l.maps(t)); diff != "" {
				t.Errorf("maps (-want +got):\n%s", diff)
			}
		})
	}
}

// symFixture is a check.SymbolResolver that knows one kernel symbol.
type symFixture struct{ fixture }

func (symFixture) Kaddr(name string) (uint64, error) {
	if name != "vfs_read" {
		return 0, fmt.Errorf("no symbol %s", name)
	}
	return 0xffffffff81234567, nil
}

func (symFixture) Uaddr(path, name string) (uint64, error) {
	return 0, fmt.Errorf("no symbol %s", name)
}
func (symFixture) CgroupID(path string) (uint64, error) { return 0, fmt.Errorf("no cgroup %s", path) }

// TestRunSymbols checks kaddr resolved by the checker.
func TestRunSymbols(t *testing.T) {
	bpftest.RequireBPF(t)
	prog := compileScript(t, `BEGIN { printf("%lu\n", kaddr("vfs_read")); }`, &check.Config{Resolver: symFixture{}})
	l := load(t, prog)
	l.runProvider(t, "BEGIN")
	if diff := cmp.Diff([]string{"printf(18446744071581156711)"}, l.records(t)); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
}

// TestRunScratch builds a record too large for the stack, so it goes
// through the per-CPU scratch value.
func TestRunScratch(t *testing.T) {
	bpftest.RequireBPF(t)
	conf := &check.Config{Params: []string{"hello"}}
	prog := compileScript(t, `BEGIN { $a = str($1); printf("%s %s %s %s %s %s %s %s %s\n", $a, $a, $a, $a, $a, $a, $a, $a, str($1)); @big[$a, $a, $a, $a] = ($a, $a, $a, $a, 7); }`, conf)
	found := false
	for name := range prog.Spec.Maps {
		found = found || strings.HasPrefix(name, "scratch_")
	}
	if !found {
		t.Fatal("no scratch map: the test no longer exercises it")
	}
	l := load(t, prog)
	l.runProvider(t, "BEGIN")
	h := `"hello"`
	want := []string{"printf(" + strings.Repeat(h+", ", 8) + h + ")"}
	if diff := cmp.Diff(want, l.records(t)); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	wantMaps := []string{`@big[` + strings.Repeat(h+", ", 3) + h + `]: (` + strings.Repeat(h+", ", 4) + `7)`}
	if diff := cmp.Diff(wantMaps, l.maps(t)); diff != "" {
		t.Errorf("maps (-want +got):\n%s", diff)
	}
}
