// The golden tests in this file compare the package's output with what
// bpftrace 0.17 printed. testdata/bpftrace/NAME.bt is a bpftrace script;
// testdata/record.sh ran it and kept its output, in text as NAME.txt and
// with -f json as NAME.json. Each case below builds the same values from
// canned bytes, laid out as codegen/doc.go describes, and prints them
// both ways. -update rewrites the golden files from this package's output
// (review the diff against bpftrace's: they must stay equal).

package format

import (
	"encoding/binary"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gtrace/gtrace/lang/types"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// val is a typed value in its memory layout.
type val struct {
	t *types.Type
	b []byte
}

func le64(vs ...uint64) []byte {
	b := make([]byte, 8*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint64(b[i*8:], v)
	}
	return b
}

// ival returns the int v as type t.
func ival(t *types.Type, v int64) val { return val{t, le64(uint64(v))[:t.Size]} }

func i64(v int64) val { return ival(types.Int64, v) }

// sval returns s as a string of bpftrace's default 64 bytes.
func sval(s string) val {
	b := make([]byte, 64)
	copy(b, s)
	return val{types.NewString(64), b}
}

func bufval(s string) val {
	return val{&types.Type{Kind: types.Buffer, Size: len(s) + 1}, append([]byte{byte(len(s))}, s...)}
}

// tuple lays vals out as a types.NewTuple.
func tuple(vs ...val) val {
	ts := make([]*types.Type, len(vs))
	for i, v := range vs {
		ts[i] = v.t
	}
	t := types.NewTuple(ts...)
	b := make([]byte, t.Size)
	for i, off := range t.Offsets() {
		copy(b[off:], vs[i].b)
	}
	return val{t, b}
}

// record is tuple with field names.
func record(names []string, vs ...val) val {
	v := tuple(vs...)
	v.t = types.NewRecord(names, v.t.Elems...)
	return v
}

// printfCall is one printf: its format and args.
type printfCall struct {
	format string
	args   []val
}

func runPrintf(t *testing.T, env *Env, calls []printfCall) string {
	t.Helper()
	var sb strings.Builder
	for _, c := range calls {
		tup := tuple(c.args...)
		s, err := Printf(env, c.format, tup.t.Elems, tup.b)
		if err != nil {
			t.Errorf("Printf(%q): %v", c.format, err)
		}
		sb.WriteString(Output(env, "printf", s))
	}
	return sb.String()
}

// aggMap builds a map of aggregations, one CPU value per entry (split over
// two CPUs to exercise Reduce where the kind adds up).
func aggMap(name string, key *types.Type, kind types.Kind, entries ...Entry) *Map {
	return &Map{Name: name, Key: key, Value: &types.Type{Kind: kind}, PerCPU: true, Entries: entries}
}

func countEntry(key val, n uint64) Entry {
	return Entry{Key: key.b, Values: [][]byte{le64(n - n/2), le64(n / 2)}}
}

// avgEntry holds the values added with avg()/stats(), spread over CPUs.
func avgEntry(key val, vs ...int64) Entry {
	var e Entry
	e.Key = key.b
	for _, v := range vs {
		e.Values = append(e.Values, le64(1, uint64(v)))
	}
	return e
}

// minmaxEntry holds one value on CPU 0; CPU 1 never ran (set flag 0).
func minmaxEntry(key val, v int64) Entry {
	return Entry{Key: key.b, Values: [][]byte{le64(uint64(v), 1), le64(12345, 0)}}
}

// histEntry adds each value to a hist() (the slot the kernel would pick).
func histEntry(key val, vs ...int64) Entry {
	s := make([]uint64, HistSlots)
	for _, v := range vs {
		s[histSlot(v)]++
	}
	return Entry{Key: key.b, Values: [][]byte{le64(s...)}}
}

func histSlot(v int64) int {
	switch {
	case v < 0:
		return 0
	case v == 0:
		return 1
	}
	i := 2
	for v > 1 {
		v >>= 1
		i++
	}
	return i
}

func lhistType(lo, hi, step int64) *types.Type {
	return &types.Type{Kind: types.Lhist, Lin: &types.LinSpec{Min: lo, Max: hi, Step: step}}
}

func lhistEntry(t *types.Type, key val, vs ...int64) Entry {
	s := make([]uint64, lhistSlots(t))
	for _, v := range vs {
		switch {
		case v < t.Lin.Min:
			s[0]++
		case v >= t.Lin.Max:
			s[len(s)-1]++
		default:
			s[1+(v-t.Lin.Min)/t.Lin.Step]++
		}
	}
	return Entry{Key: key.b, Values: [][]byte{le64(s...)}}
}

func plainMap(name string, key, value *types.Type, entries ...[2]val) *Map {
	m := &Map{Name: name, Key: key, Value: value}
	for _, e := range entries {
		m.Entries = append(m.Entries, Entry{Key: e[0].b, Values: [][]byte{e[1].b}})
	}
	return m
}

func kv(k, v val) [2]val { return [2]val{k, v} }

// mapPrint is one print(@m, top, div).
type mapPrint struct {
	m        *Map
	top, div int64
}

func runMaps(env *Env, prints []mapPrint) string {
	var sb strings.Builder
	for _, p := range prints {
		sb.WriteString(MapString(env, p.m, p.top, p.div))
	}
	return sb.String()
}

var goldenCases = []struct {
	name string
	run  func(t *testing.T, env *Env) string
}{
	{"printf_ints", func(t *testing.T, env *Env) string {
		n42, u32, i8 := i64(-42), ival(types.Uint32, 0xffffffff), ival(types.Int8, -10)
		big, m1 := i64(0x100000001), i64(-1)
		return runPrintf(t, env, []printfCall{
			{"%d|%u|%x|%X|%o|%c\n", []val{n42, n42, n42, n42, n42, i64(65)}},
			{"%ld|%lu|%lx|%hd|%hu|%hhd|%hhx\n", []val{n42, n42, n42, n42, n42, n42, n42}},
			{"%d|%u|%ld|%x\n", []val{u32, u32, u32, u32}},
			{"%d|%u|%ld|%lu|%x\n", []val{i8, i8, i8, i8, i8}},
			{"%d|%ld|%x|%lx|%hhd\n", []val{big, big, big, big, ival(types.Uint8, 250)}},
			{"[%5d|%-5d|%05d|%.3d|%8.3d|%-08d|%5.0d]\n", []val{i64(42), i64(42), i64(-42), i64(7), i64(-7), i64(42), i64(0)}},
			{"[%jd|%zd|%td|%llx|%lld|%zu]\n", []val{m1, m1, m1, m1, m1, m1}},
			{"[%p|%p|%20p|%-20p|]\n", []val{i64(0), i64(4096), i64(4096), i64(4096)}},
			{"[%x|%X|%o|%u]\n", []val{ival(types.Uint16, 65535), ival(types.Int16, -1), ival(types.Uint64, 8), ival(types.Int32, -5)}},
		})
	}},
	{"printf_strings", func(t *testing.T, env *Env) string {
		env.ProbeNames = []string{"BEGIN"}
		return runPrintf(t, env, []printfCall{
			{"[%s|%10s|%-10s|%.2s|%10.2s|%-4.1s]\n", []val{sval("hello"), sval("hi"), sval("hi"), sval("hello"), sval("hello"), sval("xyz")}},
			{"[%c|%3c|%-3c|]\n", []val{i64(104), i64(105), i64(106)}},
			{"[%r|%s]\n", []val{bufval("ab\x01\xffz\"\\"), sval("tab\there \"q\" back\\slash")}},
			{"100%% [%s] %s\n", []val{sval(""), {&types.Type{Kind: types.Probe, Size: 8}, le64(0)}}},
			{"no newline", nil},
			{" and more\n", nil},
		})
	}},
	{"maps", func(t *testing.T, env *Env) string {
		str := types.NewString(64)
		c := aggMap("@c", str, types.Count,
			countEntry(sval("b"), 2), countEntry(sval("a"), 3), countEntry(sval("c"), 1), countEntry(sval("d"), 5))
		sk := types.NewTuple(types.Int64, str)
		s := &Map{Name: "@s", Key: sk, Value: &types.Type{Kind: types.Sum, Signed: true}, PerCPU: true, Entries: []Entry{
			{Key: tuple(i64(1), sval("x")).b, Values: [][]byte{le64(uint64(-5 & (1<<64 - 1)))}},
			{Key: tuple(i64(2), sval("y")).b, Values: [][]byte{le64(4), le64(6)}},
			{Key: tuple(i64(1), sval("a")).b, Values: [][]byte{le64(3)}},
		}}
		mn := aggMap("@mn", str, types.Min, minmaxEntry(sval("q"), 7), minmaxEntry(sval("p"), -3))
		mx := aggMap("@mx", str, types.Max, minmaxEntry(sval("q"), 100), minmaxEntry(sval("p"), 3))
		i := plainMap("@i", types.Int8, str,
			kv(ival(types.Int8, -1), sval("neg")), kv(ival(types.Int8, 5), sval("five")), kv(ival(types.Int8, 0), sval("zero")))
		x := plainMap("@x", nil, types.Int64, kv(val{}, i64(5)))
		tv := tuple(i64(1), sval("two"), ival(types.Int16, -3))
		tm := plainMap("@t", nil, tv.t, kv(val{}, tv))
		ts1, ts2 := tuple(i64(1), sval("a\"b")), tuple(i64(2), sval("b"))
		tsm := plainMap("@ts", str, ts1.t, kv(sval("k"), ts1), kv(sval("j"), ts2))
		u := plainMap("@u32", types.Int64, types.Uint32, kv(i64(1), ival(types.Uint32, 0xffffffff)), kv(i64(2), ival(types.Uint32, 1)))
		neg := plainMap("@neg", types.Int64, types.Int64, kv(i64(1), i64(-7)), kv(i64(2), i64(3)), kv(i64(3), i64(-100)))
		sm := plainMap("@str", str, str, kv(sval("k2"), sval("v2")), kv(sval("k1"), sval("v\t1")))
		e := aggMap("@e", types.Int64, types.Count)
		return runMaps(env, []mapPrint{{c, 0, 0}, {c, 2, 0}, {c, 0, 2}, {s, 0, 0}, {mn, 0, 0}, {mx, 0, 0}, {i, 0, 0},
			{x, 0, 0}, {tm, 0, 0}, {tsm, 0, 0}, {u, 0, 0}, {neg, 0, 2}, {neg, 1, 0}, {sm, 0, 0}, {e, 0, 0}})
	}},
	{"stats", func(t *testing.T, env *Env) string {
		str := types.NewString(64)
		a := aggMap("@a", str, types.Avg, avgEntry(sval("x"), 10, -3), avgEntry(sval("y"), 1), avgEntry(sval("z"), -7), avgEntry(sval("w"), 9))
		st := aggMap("@st", str, types.Stats, avgEntry(sval("x"), 10, 5), avgEntry(sval("y"), -4))
		st0 := aggMap("@st0", nil, types.Stats, avgEntry(val{}, 3))
		av := aggMap("@av", nil, types.Avg, avgEntry(val{}, -9, 2))
		return runMaps(env, []mapPrint{{a, 0, 0}, {a, 1, 0}, {a, 0, 2}, {st, 0, 0}, {st, 1, 0}, {st0, 0, 0}, {av, 0, 0}})
	}},
	{"hist", func(t *testing.T, env *Env) string {
		h := aggMap("@h", nil, types.Hist, histEntry(val{}, -1, 0, 1, 2, 3, 1024, 3<<20))
		hk := aggMap("@hk", types.NewString(64), types.Hist,
			histEntry(sval("b"), 5, 5), histEntry(sval("a"), 100, 100), histEntry(sval("c"), 7))
		var vs []int64
		for _, r := range []struct{ v, n int64 }{{10, 7}, {20, 3}, {40, 13}, {80, 1}, {300, 5}} {
			for range r.n {
				vs = append(vs, r.v)
			}
		}
		bars := aggMap("@bars", nil, types.Hist, histEntry(val{}, vs...))
		z := aggMap("@z", nil, types.Hist, histEntry(val{}))
		return runMaps(env, []mapPrint{{h, 0, 0}, {hk, 0, 0}, {hk, 2, 0}, {hk, 0, 2}, {bars, 0, 0}, {z, 0, 0}})
	}},
	{"lhist", func(t *testing.T, env *Env) string {
		lt := lhistType(0, 100, 10)
		l := &Map{Name: "@l", Value: lt, Entries: []Entry{lhistEntry(lt, val{}, -5, 5, 55, 100, 1000)}}
		kt := lhistType(0, 8192, 1024)
		k := &Map{Name: "@k", Value: kt, Entries: []Entry{lhistEntry(kt, val{}, 3000, 5000)}}
		mt := lhistType(0, 4<<20, 1<<20)
		m := &Map{Name: "@m", Value: mt, Entries: []Entry{lhistEntry(mt, val{}, 2<<20+1)}}
		nt := lhistType(5, 40, 5)
		n := &Map{Name: "@n", Value: nt, Entries: []Entry{lhistEntry(nt, val{}, 3, 27, 27, 39)}}
		lkt := lhistType(0, 10, 1)
		lk := &Map{Name: "@lk", Key: types.Int64, Value: lkt, PerCPU: true, Entries: []Entry{
			lhistEntry(lkt, i64(2), 3), lhistEntry(lkt, i64(1), 3, 4)}}
		return runMaps(env, []mapPrint{{l, 0, 0}, {k, 0, 0}, {m, 0, 0}, {n, 0, 0}, {lk, 0, 0}, {lk, 1, 0}})
	}},
	{"values", func(t *testing.T, env *Env) string {
		var sb strings.Builder
		for _, v := range []val{i64(5), sval("str"), tuple(i64(1), sval("a"), ival(types.Int8, -2)),
			ival(types.Uint32, 0xffffffff), i64(-5), tuple(sval("x\"y"), tuple(i64(2), sval("z")))} {
			sb.WriteString(PrintValue(env, v.t, v.b))
		}
		return sb.String()
	}},
}

func TestGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range goldenCases {
		for _, ext := range []string{"txt", "json"} {
			t.Run(tc.name+"."+ext, func(t *testing.T) {
				t.Parallel()
				env := &Env{JSON: ext == "json"}
				got := tc.run(t, env)
				path := filepath.Join("testdata", tc.name+"."+ext)
				if *update {
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(string(want), got); diff != "" {
					t.Errorf("%s: output differs from bpftrace's (-want +got):\n%s", path, diff)
				}
			})
		}
	}
}
