package format

import (
	"testing"

	"github.com/gtrace/gtrace/lang/types"
)

// Cases not in the bpftrace golden files: flags bpftrace 0.17 leaves as
// text (+ space #), non-int args, and
// malformed formats.
func TestPrintf(t *testing.T) {
	t.Parallel()
	env := fakeEnv()
	five, ff, zero := i64(5), i64(255), i64(0)
	tests := []struct {
		name   string
		format string
		args   []val
		want   string
	}{
		{"flags", "[%-5d|%05d|%-05x|%.0d|%+d|% d|%#x|%-+5d]",
			[]val{five, five, ff, zero},
			"[5    |00005|ff   ||%+d|% d|%#x|%-+5d]"},
		{"unknown flag is text", "%+d %d", []val{five}, "%+d 5"},
		{"i", "%i %5i", []val{i64(-3), i64(7)}, "-3     7"},
		{"s of int", "[%s|%5s]", []val{i64(-3), ival(types.Uint8, 200)}, "[-3|  200]"},
		{"s of tuple", "%s", []val{tuple(i64(1), sval("a"))}, "(1, a)"},
		{"s of kstack", "%s|", []val{{kstackType(""), le64(1)}}, "\n        kfn+16\n        kfn+32\n        0x10\n|"},
		{"s of probe", "%s", []val{{&types.Type{Kind: types.Probe, Size: 8}, le64(0)}}, "BEGIN"},
		{"s of ksym", "%s", []val{{&types.Type{Kind: types.Ksym, Size: 8}, le64(0xffffffff81000002)}}, "kfn"},
		{"s of inet", "%-12s|", []val{inet(2, 10, 0, 0, 1)}, "10.0.0.1    |"},
		{"d of pointer", "%d %p %s", []val{{types.NewPointer(types.Int8, false), le64(16)}, {types.NewPointer(types.Int8, false), le64(16)}, {types.NewPointer(types.Int8, false), le64(16)}}, "16 0x10 16"},
		{"r", "%r", []val{bufval("a\x00b\x7f")}, `a\x00b\x7f`},
		{"rx", "%rx", []val{bufval("ab")}, `\x61\x62`},
		{"rh", "%rh", []val{bufval("ab\x01")}, "61 62 01"},
		{"r of string", "%r", []val{sval("plain")}, "plain"},
		{"c of 0", "[%c|%3c|%-3c]", []val{zero, zero, zero}, "[|  |]"},
		{"c of uint16", "%c", []val{ival(types.Uint16, 0x141)}, "A"},
		{"percent without args is literal", "100%% done", nil, "100%% done"},
		{"percent after the last conversion is literal", "%d%% %d%%", []val{five, five}, "5% 5%%"},
		{"missing arg", "%d %s", []val{five}, "5 %s"},
		{"unknown conversion", "%q %y%", nil, "%q %y%"},
		{"lone percent at end", "abc%", nil, "abc%"},
		{"precision on hex", "%.4x|%8.4X", []val{ff, ff}, "00ff|    00FF"},
		{"zero and minus", "[%-05d]", []val{five}, "[5    ]"},
		{"zero with precision", "[%06.2d]", []val{five}, "[    05]"},
		{"negative zero pad", "[%06d]", []val{i64(-5)}, "[-00005]"},
		{"h of big", "%hd %hu %hhu", []val{i64(70000), i64(70000), i64(300)}, "4464 4464 44"},
		{"min int64", "%ld %d", []val{i64(-1 << 63), i64(-1 << 63)}, "-9223372036854775808 0"},
		{"min int32", "%d", []val{i64(-1 << 31)}, "-2147483648"},
		{"wide padding", "%30d|", []val{five}, "                             5|"},
		{"s of char array", "[%s]", []val{{&types.Type{Kind: types.Array, Size: 4, Elem: types.Int8, Len: 4}, []byte("hi\x00x")}}, "[hi]"},
	}
	for _, tc := range tests {
		tup := tuple(tc.args...)
		got, err := Printf(env, tc.format, tup.t.Elems, tup.b)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if got != tc.want {
			t.Errorf("%s: Printf(%q) got %q, want %q", tc.name, tc.format, got, tc.want)
		}
	}
}

func TestPrintfShortRecord(t *testing.T) {
	t.Parallel()
	got, err := Printf(nil, "%d|%s|", []*types.Type{types.Int64, types.NewString(8)}, []byte{7})
	if err == nil {
		t.Errorf("short record: got no error, want one")
	}
	if want := "7||"; got != want {
		t.Errorf("short record: got %q, want %q", got, want)
	}
}

// FuzzPrintf checks that no format and no record bytes make Printf panic.
func FuzzPrintf(f *testing.F) {
	f.Add("%d %s %-5.3x %p %c %r %% %lld %hhu %", []byte("0123456789abcdefghijklmnopqrstuvwxyz"), uint8(3))
	f.Add("%99999999999d %.99999999s", []byte{}, uint8(0))
	f.Add("%rx %rh %08.3i", []byte{2, 0xff, 0}, uint8(7))
	all := []*types.Type{
		types.Int8, types.Uint16, types.Int32, types.Uint64, types.NewString(5),
		{Kind: types.Buffer, Size: 4}, {Kind: types.Ksym, Size: 8}, {Kind: types.KStack, Size: 8},
		types.NewTuple(types.Int8, types.NewString(3)), {Kind: types.Inet, Size: 24},
		{Kind: types.Probe, Size: 8}, {Kind: types.Timestamp, Size: 16}, {Kind: types.Errno, Size: 8},
		{Kind: types.MacAddr, Size: 6}, {Kind: types.UStack, Size: 16},
	}
	env := fakeEnv()
	f.Fuzz(func(t *testing.T, format string, rec []byte, pick uint8) {
		var args []*types.Type
		for p := int(pick); p > 0; p /= len(all) {
			args = append(args, all[p%len(all)])
		}
		if len(format) > 256 {
			format = format[:256]
		}
		Printf(env, format, args, rec)
		Printf(nil, format, args, rec)
	})
}

func TestPrinterReuse(t *testing.T) {
	t.Parallel()
	p := NewPrinter("%s=%d\n", []*types.Type{types.NewString(4), types.Int32})
	for _, tc := range []struct {
		in   []byte
		want string
	}{
		{[]byte("ab\x00\x00\x07\x00\x00\x00"), "ab=7\n"},
		{[]byte("wxyz\xff\xff\xff\xff"), "wxyz=-1\n"},
	} {
		got, err := p.Format(nil, tc.in)
		if err != nil || got != tc.want {
			t.Errorf("Format(%q) got %q, %v, want %q", tc.in, got, err, tc.want)
		}
	}
}
