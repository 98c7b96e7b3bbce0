// Tier-0 tests of the exporters: label naming from scripts, and the
// exposition, profile and folded lines of maps built in memory (a fake
// Source with fake symbols and stacks).
package export

import (
	"bytes"
	"encoding/binary"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/pprof/profile"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gtrace/gtrace/codegen"
	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/types"
	"github.com/gtrace/gtrace/runtime/format"
)

func TestKeyLabels(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in string
		want     map[string][]string
	}{
		{"builtins", `BEGIN { @a[comm, pid] = count(); @b[probe] = sum(1); }`,
			map[string][]string{"@a": {"comm", "pid"}, "@b": {"probe"}}},
		{"other expressions", `BEGIN { @a[comm, pid + 1] = count(); @b[1, "x"] = count(); }`,
			map[string][]string{"@a": {"comm", "key1"}, "@b": {"key0", "key1"}}},
		{"uses disagree", `BEGIN { @a[pid] = count(); } END { @a[tid] = count(); }`,
			map[string][]string{"@a": {"key0"}}},
		{"repeated builtin", `BEGIN { @a[pid, pid] = count(); }`,
			map[string][]string{"@a": {"pid", "key1"}}},
		{"nested and read", `BEGIN { if (pid > 0) { @a[kstack, comm] = count(); } printf("%d\n", @b[cpu]); @b[cpu] = 1; @s = count(); }`,
			map[string][]string{"@a": {"kstack", "comm"}, "@b": {"cpu"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := lang.Parse("<test>", tc.in)
			if err != nil {
				t.Fatal(lang.FormatError(err))
			}
			if diff := cmp.Diff(tc.want, KeyLabels(f)); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
		})
	}
}

// fakeSource is a Source of maps built in memory.
type fakeSource struct {
	maps []*codegen.Map
	data map[string]*format.Map
	env  *format.Env
}

func (s *fakeSource) Maps() []*codegen.Map { return s.maps }
func (s *fakeSource) Env() *format.Env     { return s.env }
func (s *fakeSource) ReadMap(m *codegen.Map, limit int) (*format.Map, bool, error) {
	fm := *s.data[m.Name]
	more := limit > 0 && len(fm.Entries) > limit
	if more {
		fm.Entries = fm.Entries[:limit]
	}
	return &fm, more, nil
}

func (s *fakeSource) add(name string, key, value *types.Type, entries ...format.Entry) {
	m := &codegen.Map{Name: name, Key: key, Value: value, PerCPU: value.Kind.IsAgg()}
	s.maps = append(s.maps, m)
	if s.data == nil {
		s.data = map[string]*format.Map{}
	}
	s.data[name] = &format.Map{Name: name, Key: key, Value: value, PerCPU: m.PerCPU, Entries: entries}
}

func u64s(vs ...uint64) []byte {
	b := make([]byte, 8*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint64(b[i*8:], v)
	}
	return b
}

func str(s string, n int) []byte {
	b := make([]byte, n)
	copy(b, s)
	return b
}

// perCPU returns an entry with two CPUs' values.
func perCPU(key []byte, a, b []byte) format.Entry {
	return format.Entry{Key: key, Values: [][]byte{a, b}}
}

func scrape(t testing.TB, c prometheus.Collector) string {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

func TestCollector(t *testing.T) {
	t.Parallel()
	src := &fakeSource{}
	comm := types.NewString(16)
	src.add("@calls", comm, &types.Type{Kind: types.Count},
		perCPU(str("sh", 16), u64s(2), u64s(3)), perCPU(str("ls", 16), u64s(1), u64s(0)))
	hist := make([]uint64, 66)
	hist[1], hist[3], hist[4], hist[65] = 1, 2, 1, 0+2+3+4 // values 0, 2, 3, 4
	hist2 := make([]uint64, 66)
	hist2[3], hist2[65] = 1, 2 // value 2
	src.add("@h", nil, &types.Type{Kind: types.Hist}, perCPU(u64s(0), u64s(hist...), u64s(hist2...)))
	src.add("@a", types.Uint64, &types.Type{Kind: types.Avg, Signed: true}, perCPU(u64s(7), u64s(2, 10), u64s(1, 5)))
	src.add("@m", nil, &types.Type{Kind: types.Max, Signed: true}, perCPU(u64s(0), u64s(5, 1), u64s(9, 1)))
	src.add("@unset", nil, &types.Type{Kind: types.Min, Signed: true}, perCPU(u64s(0), u64s(0, 0), u64s(0, 0)))
	src.add("@x", nil, types.Int32, format.Entry{Key: u64s(0), Values: [][]byte{{0xfe, 0xff, 0xff, 0xff}}})
	src.add("@s", nil, comm, format.Entry{Key: u64s(0), Values: [][]byte{str("no", 16)}})
	got := scrape(t, NewCollector(src, &MetricsOptions{Labels: map[string][]string{"@calls": {"comm"}}}))
	want := `# HELP gtrace_a gtrace map @a: avg().
# TYPE gtrace_a summary
gtrace_a_sum{key0="7"} 15
gtrace_a_count{key0="7"} 3
# HELP gtrace_calls_total gtrace map @calls: count().
# TYPE gtrace_calls_total counter
gtrace_calls_total{comm="ls"} 1
gtrace_calls_total{comm="sh"} 5
# HELP gtrace_h gtrace map @h: hist().
# TYPE gtrace_h histogram
gtrace_h_bucket{le="0"} 1
gtrace_h_bucket{le="1"} 1
gtrace_h_bucket{le="3"} 4
gtrace_h_bucket{le="7"} 5
gtrace_h_bucket{le="+Inf"} 5
gtrace_h_sum 11
gtrace_h_count 5
# HELP gtrace_m gtrace map @m: max().
# TYPE gtrace_m gauge
gtrace_m 9
# HELP gtrace_metrics_max_keys Keys of each map a scrape reads at most (--metrics-max-keys).
# TYPE gtrace_metrics_max_keys gauge
gtrace_metrics_max_keys 10000
# HELP gtrace_metrics_truncated 1 when the map had more keys than gtrace_metrics_max_keys at this scrape.
# TYPE gtrace_metrics_truncated gauge
gtrace_metrics_truncated{map="@a"} 0
gtrace_metrics_truncated{map="@calls"} 0
gtrace_metrics_truncated{map="@h"} 0
gtrace_metrics_truncated{map="@m"} 0
gtrace_metrics_truncated{map="@unset"} 0
gtrace_metrics_truncated{map="@x"} 0
# HELP gtrace_x gtrace map @x: integer.
# TYPE gtrace_x gauge
gtrace_x -2
`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("exposition (-want +got):\n%s", diff)
	}
}

func TestCollectorCap(t *testing.T) {
	t.Parallel()
	src := &fakeSource{}
	var es []format.Entry
	for i := range 10 {
		es = append(es, perCPU(u64s(uint64(i)), u64s(1), u64s(1)))
	}
	src.add("@big", types.Uint64, &types.Type{Kind: types.Count}, es...)
	var stderr bytes.Buffer
	c := NewCollector(src, &MetricsOptions{MaxKeys: 4, Stderr: &stderr})
	for range 2 {
		got := scrape(t, c)
		if n := strings.Count(got, "gtrace_big_total{"); n != 4 {
			t.Errorf("got %d series, want 4", n)
		}
		for _, want := range []string{"gtrace_metrics_max_keys 4\n", `gtrace_metrics_truncated{map="@big"} 1` + "\n"} {
			if !strings.Contains(got, want) {
				t.Errorf("exposition lacks %q:\n%s", want, got)
			}
		}
	}
	want := "warning: map @big has more than 4 keys: /metrics shows 4 of them (--metrics-max-keys)\n"
	if stderr.String() != want {
		t.Errorf("stderr %q, want it once: %q", stderr.String(), want)
	}
}

// fakeSyms resolves every address to "f<addr>", user addresses of module
// "/bin/x"; user address 0x99 holds inlined functions.
type fakeSyms struct{}

func (fakeSyms) Kernel(a uint64) (format.Symbol, bool) {
	return format.Symbol{Name: "k" + string(rune('0'+a%10))}, true
}
func (fakeSyms) User(pid uint32, a uint64) (format.Symbol, bool) {
	if a == 0x77 {
		return format.Symbol{Module: "/bin/x"}, false
	}
	return format.Symbol{Name: "u" + string(rune('0'+a%10)), Module: "/bin/x"}, true
}
func (fakeSyms) UserInline(pid uint32, a uint64) ([]format.Symbol, bool) {
	if a != 0x99 {
		return nil, false
	}
	return []format.Symbol{{Name: "inner", Module: "/bin/x"}, {Name: "outer", Module: "/bin/x"}}, true
}

type fakeStacks map[uint64][]uint64

func (s fakeStacks) Stack(id uint64) ([]uint64, bool) { f, ok := s[id]; return f, ok }

func stackSource() *fakeSource {
	src := &fakeSource{env: &format.Env{Syms: fakeSyms{}, Stacks: fakeStacks{
		1: {11, 12}, // kernel: k1 called by k2
		2: {0x99, 0x77, 23},
	}}}
	comm := types.NewString(16)
	key := types.NewTuple(comm, &types.Type{Kind: types.KStack, Size: 8}, &types.Type{Kind: types.UStack, Size: 16})
	k := func(c string, kid, uid uint64) []byte {
		b := make([]byte, key.Size)
		offs := key.Offsets()
		copy(b[offs[0]:], c)
		binary.LittleEndian.PutUint64(b[offs[1]:], kid)
		binary.LittleEndian.PutUint64(b[offs[2]:], uid)
		binary.LittleEndian.PutUint64(b[offs[2]+8:], 42)
		return b
	}
	src.add("@st", key, &types.Type{Kind: types.Count},
		perCPU(k("a", 1, 2), u64s(3), u64s(4)),
		perCPU(k("b", 1<<32-1, 2), u64s(1), u64s(0))) // kernel stack missing
	return src
}

func TestFolded(t *testing.T) {
	t.Parallel()
	src := stackSource()
	fm, _, _ := src.ReadMap(src.maps[0], 0)
	got := FoldedString(src.env, fm, false)
	want := "a;u3;0x77;outer;inner;k2;k1 7\n" +
		"b;u3;0x77;outer;inner 1\n"
	if got != want {
		t.Errorf("folded:\n%s\nwant:\n%s", got, want)
	}
}

func TestWriteProfile(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteProfile(&buf, stackSource(), &ProfileOptions{Labels: map[string][]string{"@st": {"comm", "kstack", "ustack"}}}); err != nil {
		t.Fatal(err)
	}
	p, err := profile.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.SampleType) != 1 || p.SampleType[0].Type != "st" || p.SampleType[0].Unit != "count" {
		t.Errorf("sample types %v", p.SampleType)
	}
	var got []string
	for _, s := range p.Sample {
		var names []string
		for _, l := range s.Location {
			for _, ln := range l.Line {
				names = append(names, ln.Function.Name)
			}
			if len(l.Line) == 0 {
				names = append(names, "?"+l.Mapping.File)
			}
		}
		got = append(got, s.Label["comm"][0]+" "+strings.Join(names, ",")+" "+string(rune('0'+s.Value[0])))
	}
	want := []string{"a k1,k2,inner,outer,?/bin/x,u3 7", "b inner,outer,?/bin/x,u3 1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("samples (-want +got):\n%s", diff)
	}
}

func TestInlineLookup(t *testing.T) {
	t.Parallel()
	idx := &inlineIndex{ranges: []inlineRange{
		{lo: 0x100, hi: 0x200, depth: 2, name: "outer"},
		{lo: 0x120, hi: 0x140, depth: 3, name: "inner"},
		{lo: 0x300, hi: 0x310, depth: 2, name: "other"},
	}}
	for _, tc := range []struct {
		addr uint64
		want []string
	}{
		{0x110, []string{"outer"}},
		{0x130, []string{"inner", "outer"}},
		{0x140, []string{"outer"}},
		{0x250, []string{}},
		{0x305, []string{"other"}},
	} {
		if diff := cmp.Diff(tc.want, idx.lookup(tc.addr)); diff != "" {
			t.Errorf("lookup(%#x) (-want +got):\n%s", tc.addr, diff)
		}
	}
}
