package lang

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseInt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    uint64
		wantErr bool
	}{
		{in: "0", want: 0},
		{in: "42", want: 42},
		{in: "0x2A", want: 42},
		{in: "052", want: 42},
		{in: "0o52", want: 42},
		{in: "0b101010", want: 42},
		{in: "1_000", want: 1000},
		{in: "1e6", want: 1000000},
		{in: "10ull", want: 10},
		{in: "0xffffffffffffffff", want: 1<<64 - 1},
		{in: "18446744073709551616", wantErr: true},
		{in: "1e20", wantErr: true},
		{in: "09", wantErr: true},
		{in: "12abc", wantErr: true},
		{in: "1_", wantErr: true},
		{in: "100ms", want: 100_000_000},
		{in: "1s", want: 1_000_000_000},
		{in: "5us", want: 5000},
		{in: "7ns", want: 7},
		{in: "2m", want: 120_000_000_000},
		{in: "1h", want: 3_600_000_000_000},
		{in: "1d", want: 86_400_000_000_000},
		{in: "1_000ms", want: 1_000_000_000},
		{in: "0x10s", wantErr: true},
		{in: "_1s", wantErr: true},
		{in: "300000d", wantErr: true},
	}
	for _, tt := range tests {
		got, msg := parseInt(tt.in)
		if (msg != "") != tt.wantErr || got != tt.want {
			t.Errorf("parseInt(%q): got %d, error %q; want %d, error %v", tt.in, got, msg, tt.want, tt.wantErr)
		}
	}
}

func TestSplitAttach(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []string
	}{
		{name: "plain", in: "t:syscalls:sys_enter_*", want: []string{"t", "syscalls", "sys_enter_*"}},
		{name: "path", in: "uprobe:/bin/bash:readline", want: []string{"uprobe", "/bin/bash", "readline"}},
		{name: "quoted", in: `uprobe:./a:"main.(*T).m:x"`, want: []string{"uprobe", "./a", "main.(*T).m:x"}},
		{name: "escaped quote", in: `usdt:./p:test:"\"probe1\""`, want: []string{"usdt", "./p", "test", `"probe1"`}},
		{name: "offset", in: "kprobe:f+0x10", want: []string{"kprobe", "f+0x10"}},
		{name: "bare", in: "BEGIN", want: []string{"BEGIN"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, splitAttach(tt.in)); diff != "" {
			t.Errorf("%s: splitAttach(%q) mismatch (-want +got):\n%s", tt.name, tt.in, diff)
		}
	}
}

func TestNormalizeWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   []string
		want string
	}{
		{in: []string{"unsigned"}, want: "unsigned int"},
		{in: []string{"long", "unsigned", "int"}, want: "unsigned long"},
		{in: []string{"unsigned", "long", "long"}, want: "unsigned long long"},
		{in: []string{"short", "int"}, want: "short"},
		{in: []string{"signed", "char"}, want: "signed char"},
		{in: []string{"signed"}, want: "int"},
		{in: []string{"char"}, want: "char"},
		{in: []string{"uint8"}, want: "uint8"},
		{in: []string{"_Bool"}, want: "bool"},
		{in: []string{"long", "double"}, want: "long double"},
	}
	for _, tt := range tests {
		if got := normalizeWords(tt.in); got != tt.want {
			t.Errorf("normalizeWords(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestProviders(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"t", "tracepoint"}, {"rt", "rawtracepoint"}, {"k", "kprobe"}, {"kr", "kretprobe"},
		{"u", "uprobe"}, {"ur", "uretprobe"}, {"U", "usdt"}, {"p", "profile"},
		{"i", "interval"}, {"s", "software"}, {"h", "hardware"}, {"w", "watchpoint"},
		{"f", "kfunc"}, {"fentry", "kfunc"}, {"fr", "kretfunc"}, {"fexit", "kretfunc"},
		{"begin", "BEGIN"}, {"end", "END"},
	}
	for _, tt := range tests {
		f, err := Parse("p.gt", tt.in+":x:y { }")
		if tt.want == "BEGIN" || tt.want == "END" {
			f, err = Parse("p.gt", tt.in+" { }")
		}
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if got := f.Probes[0].Attach[0].Provider; got != tt.want {
			t.Errorf("provider %q: got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSuggestProvider(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{in: "tracepiont", want: []string{`did you mean "tracepoint"?`}},
		{in: "kprobes", want: []string{`did you mean "kprobe"?`}},
		{in: "zzzzzzzz", want: nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, suggestProvider(tt.in)); diff != "" {
			t.Errorf("suggestProvider(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestIncomplete(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     bool
	}{
		{name: "open block", in: "BEGIN {", want: true},
		{name: "open call", in: "BEGIN { printf(\"x\"", want: true},
		{name: "open predicate", in: "kprobe:f /pid", want: true},
		{name: "complete", in: "BEGIN { }", want: false},
		{name: "wrong", in: "BEGIN { $x = ; }", want: false},
	}
	for _, tt := range tests {
		_, err := Parse("<repl>", tt.in)
		if got := Incomplete(err); got != tt.want {
			t.Errorf("%s: Incomplete(%v): got %v, want %v", tt.name, err, got, tt.want)
		}
	}
}
