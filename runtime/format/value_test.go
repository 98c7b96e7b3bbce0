package format

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gtrace/gtrace/lang/types"
)

// fakeSyms resolves addresses 0x1000.. to "fn_N" and knows two stacks.
type fakeSyms struct{}

func (fakeSyms) Kernel(addr uint64) (Symbol, bool) {
	if addr < 0xffffffff81000000 {
		return Symbol{}, false
	}
	return Symbol{Name: "kfn", Offset: addr - 0xffffffff81000000}, true
}

func (fakeSyms) User(pid uint32, addr uint64) (Symbol, bool) {
	if addr >= 0x200 && addr < 0x300 && pid == 42 {
		return Symbol{Module: "/lib/libx.so"}, false // a file without that symbol
	}
	if addr < 0x400000 || pid != 42 {
		return Symbol{}, false
	}
	return Symbol{Name: "main", Offset: addr - 0x400000, Module: "/bin/app"}, true
}

func (fakeSyms) Stack(id uint64) ([]uint64, bool) {
	switch id {
	case 1:
		return []uint64{0xffffffff81000010, 0xffffffff81000020, 0x10}, true
	case 2:
		return []uint64{0x400005, 0x123, 0}, true
	case 3:
		return []uint64{0x400005, 0x234}, true
	}
	return nil, false
}

func fakeEnv() *Env {
	return &Env{
		Syms:       fakeSyms{},
		Stacks:     fakeSyms{},
		ProbeNames: []string{"BEGIN", "tracepoint:syscalls:sys_enter_read"},
		Strftime:   []string{"%Y-%m-%d %H:%M:%S.%f", strings.Repeat("%Y", 32), ""},
		BootTime:   time.Unix(1704585600, 500_000_000),
		Location:   time.UTC,
		Users: func(uid uint32) (string, bool) {
			if uid == 0 {
				return "root", true
			}
			return "", false
		},
		Cgroups: func(id uint64) string { return "/sys/fs/cgroup/x" },
	}
}

func inet(af uint64, addr ...byte) val {
	b := le64(af)
	a := make([]byte, 16)
	copy(a, addr)
	return val{&types.Type{Kind: types.Inet, Size: 24}, append(b, a...)}
}

func kstackType(mode string) *types.Type {
	return &types.Type{Kind: types.KStack, Size: 8, Stack: &types.StackSpec{Mode: mode}}
}

func ustackType(mode string) *types.Type {
	return &types.Type{Kind: types.UStack, Size: 16, Stack: &types.StackSpec{Mode: mode}}
}

func TestValue(t *testing.T) {
	t.Parallel()
	env := fakeEnv()
	kinds := func(k types.Kind, size int) *types.Type { return &types.Type{Kind: k, Size: size} }
	tests := []struct {
		name     string
		in       val
		want     string
		wantJSON string
	}{
		{"int8", ival(types.Int8, -10), "-10", "-10"},
		{"uint64 max", ival(types.Uint64, -1), "18446744073709551615", "18446744073709551615"},
		{"string", sval("a\"b"), `a"b`, `"a\"b"`},
		{"string unterminated", val{types.NewString(3), []byte("abc")}, "abc", `"abc"`},
		{"tuple", tuple(i64(1), sval("two"), ival(types.Int16, -3)), "(1, two, -3)", `[1,"two",-3]`},
		{"record", record([]string{"a", "b"}, i64(1), tuple(sval("x"), i64(2))), "{ .a = 1, .b = (x, 2) }", `{"a": 1, "b": ["x",2]}`},
		{"buffer", bufval("ab\x01\xff"), `ab\x01\xff`, `"ab\\x01\\xff"`},
		{"ksym", val{kinds(types.Ksym, 8), le64(0xffffffff81000130)}, "kfn", `"kfn"`},
		{"ksym unknown", val{kinds(types.Ksym, 8), le64(0x10)}, "0x10", `"0x10"`},
		{"ksym zero", val{kinds(types.Ksym, 8), le64(0)}, "0", `"0"`},
		{"usym", val{kinds(types.Usym, 16), le64(0x400010, 42)}, "main", `"main"`},
		{"usym other pid", val{kinds(types.Usym, 16), le64(0x400010, 7)}, "0x400010", `"0x400010"`},
		{"inet4", inet(2, 127, 0, 0, 1), "127.0.0.1", `"127.0.0.1"`},
		{"inet6", inet(10, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), "fe80::1", `"fe80::1"`},
		{"inet other", inet(1, 1), "", `""`},
		{"inet6 v4-compatible", inet(10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4), "::1.2.3.4", `"::1.2.3.4"`},
		{"inet6 v4-mapped", inet(10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4), "::ffff:1.2.3.4", `"::ffff:1.2.3.4"`},
		{"inet6 small", inet(10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0), "::100", `"::100"`},
		{"inet6 any", inet(10), "::", `"::"`},
		{"inet6 runs", inet(10, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3), "1:0:2::3", `"1:0:2::3"`},
		{"macaddr", val{kinds(types.MacAddr, 6), []byte{1, 2, 0xab, 0xcd, 0xef, 0xff}}, "01:02:AB:CD:EF:FF", `"01:02:AB:CD:EF:FF"`},
		{"username", val{kinds(types.Username, 8), le64(0)}, "root", `"root"`},
		{"username unknown", val{kinds(types.Username, 8), le64(1000)}, "", `""`},
		{"probe", val{kinds(types.Probe, 8), le64(1)}, "tracepoint:syscalls:sys_enter_read", `"tracepoint:syscalls:sys_enter_read"`},
		{"probe out of range", val{kinds(types.Probe, 8), le64(9)}, "", `""`},
		{"cgroup", val{kinds(types.Cgroup, 8), le64(5)}, "/sys/fs/cgroup/x", `"/sys/fs/cgroup/x"`},
		{"strerror", val{kinds(types.Errno, 8), le64(2)}, "No such file or directory", `"No such file or directory"`},
		{"strerror 0", val{kinds(types.Errno, 8), le64(0)}, "Success", `"Success"`},
		{"strerror unknown", val{kinds(types.Errno, 8), le64(999)}, "Unknown error 999", `"Unknown error 999"`},
		{"timestamp", val{kinds(types.Timestamp, 16), le64(0, 1_250_000)}, "2024-01-07 00:00:00.501250", `"2024-01-07 00:00:00.501250"`},
		{"timestamp too long", val{kinds(types.Timestamp, 16), le64(1, 0)}, "(?)", `"(?)"`},
		{"timestamp empty", val{kinds(types.Timestamp, 16), le64(2, 0)}, "(?)", `"(?)"`},
		{"timestamp bad id", val{kinds(types.Timestamp, 16), le64(3, 0)}, "(?)", `"(?)"`},
		{"pointer", val{types.NewPointer(types.Int8, false), le64(0x1234)}, "0x1234", "0x1234"},
		{"kstack", val{kstackType(""), le64(1)},
			"\n        kfn+16\n        kfn+32\n        0x10\n", `"\n        kfn+16\n        kfn+32\n        0x10\n"`},
		{"kstack perf", val{kstackType("perf"), le64(1)},
			"\n\tffffffff81000010 kfn+16\n\tffffffff81000020 kfn+32\n\t10 0x10\n", `"\n\tffffffff81000010 kfn+16\n\tffffffff81000020 kfn+32\n\t10 0x10\n"`},
		{"kstack missing", val{kstackType(""), le64(7)}, "", `""`},
		{"kstack failed capture", val{kstackType(""), le64(uint64(1<<32 - 14))}, "", `""`},
		{"ustack", val{ustackType(""), le64(2, 42)}, "\n        main+5\n        0x123\n", `"\n        main+5\n        0x123\n"`},
		{"ustack perf", val{ustackType("perf"), le64(2, 42)},
			"\n\t400005 main+5 (/bin/app)\n\t123 0x123 ([unknown])\n", `"\n\t400005 main+5 (/bin/app)\n\t123 0x123 ([unknown])\n"`},
		{"ustack perf module only", val{ustackType("perf"), le64(3, 42)},
			"\n\t400005 main+5 (/bin/app)\n\t234 0x234 (/lib/libx.so)\n", `"\n\t400005 main+5 (/bin/app)\n\t234 0x234 (/lib/libx.so)\n"`},
		{"struct", val{&types.Type{Kind: types.Struct, Size: 16, Fields: []*types.Field{
			{Name: "a", Type: types.Int32}, {Name: "b", Offset: 8, Type: types.Uint64}}}, le64(uint64(1<<32-2), 9)},
			"{ .a = -2, .b = 9 }", `{ "a": -2, "b": 9 }`},
		{"array", val{&types.Type{Kind: types.Array, Size: 3, Elem: types.Uint8, Len: 3}, []byte{1, 2, 3}}, "[1,2,3]", "[1,2,3]"},
		{"char array", val{&types.Type{Kind: types.Array, Size: 4, Elem: types.Int8, Len: 4}, []byte("ab\x00c")}, "ab", `"ab"`},
		{"struct char field", val{&types.Type{Kind: types.Struct, Size: 4, Fields: []*types.Field{
			{Name: "c", Type: &types.Type{Kind: types.Array, Size: 3, Elem: types.Int8, Len: 3}}, {Name: "u", Offset: 3, Type: types.Uint8}}}, []byte{0, 0, 0, 7}},
			"{ .c = , .u = 7 }", `{ "c": "", "u": 7 }`},
		{"short bytes", val{types.Int64, []byte{5}}, "5", "5"},
	}
	for _, tc := range tests {
		if got := Value(env, tc.in.t, tc.in.b); got != tc.want {
			t.Errorf("%s: Value got %q, want %q", tc.name, got, tc.want)
		}
		if got := ValueJSON(env, tc.in.t, tc.in.b); got != tc.wantJSON {
			t.Errorf("%s: ValueJSON got %q, want %q", tc.name, got, tc.wantJSON)
		}
	}
}

func TestValueNilEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   val
		want string
	}{
		{"ksym", val{&types.Type{Kind: types.Ksym, Size: 8}, le64(0xffffffff81000130)}, "0xffffffff81000130"},
		{"kstack", val{kstackType(""), le64(1)}, ""},
		{"username", val{&types.Type{Kind: types.Username, Size: 8}, le64(1000)}, "1000"},
		{"probe", val{&types.Type{Kind: types.Probe, Size: 8}, le64(0)}, ""},
		{"cgroup", val{&types.Type{Kind: types.Cgroup, Size: 8}, le64(77)}, "77"},
	}
	for _, tc := range tests {
		if got := Value(nil, tc.in.t, tc.in.b); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

// Stacks, symbols and addresses as map keys and values, in the shapes
// bpftrace 0.17 prints (kstack keys indented 4, values 8; ksym/usym/inet
// values run together on one line, as bpftrace joins them with nothing).
func TestMapSymbols(t *testing.T) {
	t.Parallel()
	env := fakeEnv()
	ks := kstackType("")
	ksym := &types.Type{Kind: types.Ksym, Size: 8}
	tests := []struct {
		name string
		in   *Map
		json bool
		want string
	}{
		{"kstack key", aggMap("@", ks, types.Count, countEntry(val{ks, le64(1)}, 3)), false,
			"@[\n    kfn+16\n    kfn+32\n    0x10\n]: 3\n"},
		{"kstack key json", aggMap("@", ks, types.Count, countEntry(val{ks, le64(1)}, 3)), true,
			`{"type": "map", "data": {"@": {"\n    kfn+16\n    kfn+32\n    0x10\n": 3}}}` + "\n"},
		{"kstack value", plainMap("@ks", types.Int64, ks, kv(i64(1), val{ks, le64(1)}), kv(i64(2), val{ks, le64(9)})), false,
			"@ks[1]: \n        kfn+16\n        kfn+32\n        0x10\n@ks[2]: \n"},
		{"ksym value", plainMap("@k", types.Int64, ksym, kv(i64(1), val{ksym, le64(0)}), kv(i64(2), val{ksym, le64(0xffffffff81000001)})), false,
			"@k[1]: 0@k[2]: kfn\n"},
		{"ksym key", aggMap("@k", ksym, types.Count, countEntry(val{ksym, le64(0xffffffff81000001)}, 1)), false,
			"@k[kfn]: 1\n"},
		{"multi key json", aggMap("@m", types.NewTuple(types.Int64, types.NewString(64)), types.Count,
			countEntry(tuple(i64(1), sval("a\"b")), 2)), true,
			`{"type": "map", "data": {"@m": {"1,a\"b": 2}}}` + "\n"},
	}
	for _, tc := range tests {
		e := *env
		e.JSON = tc.json
		if got := MapString(&e, tc.in, 0, 0); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestReduce(t *testing.T) {
	t.Parallel()
	neg := func(v int64) uint64 { return uint64(v) }
	tests := []struct {
		name string
		kind types.Kind
		in   [][]byte
		want []byte
	}{
		{"count", types.Count, [][]byte{le64(1), le64(2), le64(3)}, le64(6)},
		{"sum", types.Sum, [][]byte{le64(neg(-5)), le64(2)}, le64(neg(-3))},
		{"min", types.Min, [][]byte{le64(4, 1), le64(neg(-9), 0), le64(2, 1)}, le64(2, 1)},
		{"max", types.Max, [][]byte{le64(neg(-4), 1), le64(99, 0), le64(neg(-2), 1)}, le64(neg(-2), 1)},
		{"max none set", types.Max, [][]byte{le64(5, 0)}, le64(0, 0)},
		{"avg", types.Avg, [][]byte{le64(1, 10), le64(2, neg(-4))}, le64(3, 6)},
		{"none", types.Count, nil, le64(0)},
		{"short", types.Count, [][]byte{{1}, le64(1)}, le64(2)},
	}
	for _, tc := range tests {
		got := Reduce(&types.Type{Kind: tc.kind}, tc.in)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", tc.name, diff)
		}
	}
}

// Hist labels of large buckets (bpftrace 0.17 cannot reach them: its hist
// stops at 2^32) and lhist labels.
func TestHistLabels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   histRow
		want histRow
	}{
		{"slot 12", histBucket(12), histRow{label: "[1K, 2K)", min: "1024", max: "2047"}},
		{"slot 22", histBucket(22), histRow{label: "[1M, 2M)", min: "1048576", max: "2097151"}},
		{"slot 33 (bpftrace 0.17 int32 bounds)", histBucket(33), histRow{label: "[2G, 4G)", min: "-2147483648", max: "0"}},
		{"slot 42", histBucket(42), histRow{label: "[1T, 2T)", min: "1099511627776", max: "2199023255551"}},
		{"slot 64", histBucket(64), histRow{label: "[4194304T, 8388608T)", min: "4611686018427387904", max: "9223372036854775807"}},
		{"lhist under", lhistBucket(&types.LinSpec{Min: 1024, Max: 4096, Step: 1024}, 0, 5), histRow{label: "(..., 1K)", max: "1023"}},
		{"lhist over", lhistBucket(&types.LinSpec{Min: 0, Max: 3 << 20, Step: 1 << 20}, 4, 5), histRow{label: "[3M, ...)", min: "3145728"}},
		{"lhist mid", lhistBucket(&types.LinSpec{Min: 0, Max: 3000, Step: 1000}, 2, 5), histRow{label: "[1000, 2000)", min: "1000", max: "1999"}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, tc.in, cmp.AllowUnexported(histRow{})); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", tc.name, diff)
		}
	}
}

// The Strftime expectations come from GNU date (glibc strftime, C locale)
// for the same instants: LC_ALL=C date -u -d @1704585605 +FORMAT.
func TestStrftime(t *testing.T) {
	t.Parallel()
	at := time.Unix(1704585605, 123456789).UTC()
	tests := []struct {
		in   string
		want string
	}{
		{"%a %A %b %B %h", "Sun Sunday Jan January Jan"},
		{"%c", "Sun Jan  7 00:00:05 2024"},
		{"%C %d %D %e %F", "20 07 01/07/24  7 2024-01-07"},
		{"%G %g %V %U %W %j", "2024 24 01 01 01 007"},
		{"%H %I %k %l %M %S %p %P", "00 12  0 12 00 05 AM am"},
		{"%m %n %t %r %R %s", "01 \n \t 12:00:05 AM 00:00 1704585605"},
		{"%T %u %w %x %X %y %Y %z %Z %%", "00:00:05 7 0 01/07/24 00:00:05 24 2024 +0000 UTC %"},
		{"%-d %_m %0e %^a", "7  1 07 SUN"},
		{"%Q %E", "%Q %E"},
		{"%H:%M:%S.%f", "00:00:05.123456"},
		{"trailing %", "trailing %"},
	}
	for _, tc := range tests {
		if got := Strftime(tc.in, at); got != tc.want {
			t.Errorf("Strftime(%q) got %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct {
		at   int64
		want string
	}{
		{1704067200, "00 01 01 2024 001 Mon"},
		{1735603200, "52 53 01 2025 366 Tue"},
	} {
		if got := Strftime("%U %W %V %G %j %a", time.Unix(tc.at, 0).UTC()); got != tc.want {
			t.Errorf("Strftime at %d got %q, want %q", tc.at, got, tc.want)
		}
	}
}

func TestTime(t *testing.T) {
	t.Parallel()
	env := &Env{Location: time.FixedZone("X", 3600)}
	at := time.Unix(1704585605, 0)
	for _, tc := range []struct {
		in   string
		want string
	}{
		{DefaultTimeFormat, "01:00:05\n"},
		{"", ""},
		{strings.Repeat("a", 55) + "%C|\n", strings.Repeat("a", 55) + "20|\n"},
		{strings.Repeat("a", 55) + "%Y%Y|\n", ""},
	} {
		if got := Time(env, tc.in, at); got != tc.want {
			t.Errorf("Time(%q) got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRecords(t *testing.T) {
	t.Parallel()
	js := &Env{JSON: true}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"attached 1", Attached(nil, 1), "Attaching 1 probe...\n"},
		{"attached 3", Attached(nil, 3), "Attaching 3 probes...\n"},
		{"attached json", Attached(js, 2), `{"type": "attached_probes", "data": {"probes": 2}}` + "\n"},
		{"lost", Lost(nil, 5), "Lost 5 events\n"},
		{"lost json", Lost(js, 5), `{"type": "lost_events", "data": {"events": 5}}` + "\n"},
		{"output", Output(nil, "time", "12:00:00\n"), "12:00:00\n"},
		{"output json", Output(js, "time", "12:00:00\n"), `{"type": "time", "data": "12:00:00\n"}` + "\n"},
		{"escape", Escape("a\"\\\n\r\t\x01\x1f\x7fé\xff"), `a\"\\\n\r\t\u0001\u001f` + "\x7f" + `\uffffffc3\uffffffa9\uffffffff`},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

// FuzzMapString checks that no key or value bytes make map printing panic,
// for each value kind, keyed and not, in text and JSON.
func FuzzMapString(f *testing.F) {
	f.Add([]byte{1, 2, 3}, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, uint8(0), int64(0), int64(0))
	f.Add([]byte("key"), le64(1, 2, 3, 4, 5, 6, 7, 8, 9), uint8(5), int64(2), int64(-1))
	values := []*types.Type{
		{Kind: types.Count}, {Kind: types.Sum, Signed: true}, {Kind: types.Min}, {Kind: types.Max},
		{Kind: types.Avg}, {Kind: types.Stats}, {Kind: types.Hist}, lhistType(0, 100, 7),
		lhistType(5, 4, 0), types.Int8, types.NewString(4), kstackType("perf"),
		types.NewTuple(types.Int16, types.NewString(2)), {Kind: types.Usym, Size: 16},
	}
	keys := []*types.Type{nil, types.Int32, types.NewString(3), types.NewTuple(types.Int8, types.Uint64), kstackType("")}
	env := fakeEnv()
	f.Fuzz(func(t *testing.T, key, value []byte, pick uint8, top, div int64) {
		m := &Map{
			Name:   "@m",
			Key:    keys[int(pick)%len(keys)],
			Value:  values[int(pick)/len(keys)%len(values)],
			PerCPU: pick&1 == 0,
			Entries: []Entry{
				{Key: key, Values: [][]byte{value, key}},
				{Key: value, Values: [][]byte{key}},
			},
		}
		MapString(env, m, top, div)
		e := *env
		e.JSON = true
		MapString(&e, m, top, div)
	})
}
