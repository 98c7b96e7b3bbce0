package codegen

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gtrace/gtrace/internal/bpftest"
	"github.com/gtrace/gtrace/lang/check"
)

func i64(v int64) *int64 { return &v }

func TestParseUSDTArg(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want *usdtArg
	}{
		{"-4@%eax", &usdtArg{size: 4, signed: true, reg: "ax"}},
		{"8@%r12", &usdtArg{size: 8, reg: "r12"}},
		{"4@%r9d", &usdtArg{size: 4, reg: "r9"}},
		{"8@-16(%rbp)", &usdtArg{size: 8, reg: "bp", mem: true, off: -16}},
		{"8@(%rsp)", &usdtArg{size: 8, reg: "sp", mem: true}},
		{"1@-96(%rbp,%rax,8)", &usdtArg{size: 1, reg: "bp", mem: true, off: -96, index: "ax", scale: 8}},
		{"-2@$-5", &usdtArg{size: 2, signed: true, imm: i64(-5)}},
	}
	for _, tt := range tests {
		got, err := parseUSDTArg(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(usdtArg{})); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.in, diff)
		}
	}
	for _, bad := range []string{"", "4", "3@%eax", "8@%xmm0", "8@sym(%rip)", "8@-16(%rbp"} {
		if _, err := parseUSDTArg(bad); err == nil {
			t.Errorf("%q: got no error", bad)
		}
	}
}

func FuzzParseUSDTArg(f *testing.F) {
	for _, s := range []string{"-4@%eax", "8@-16(%rbp)", "1@-96(%rbp,%rax,8)", "4@$42"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := parseUSDTArg(s)
		if err == nil && a.size != 1 && a.size != 2 && a.size != 4 && a.size != 8 {
			t.Errorf("%q: size %d", s, a.size)
		}
	})
}

// TestLoadUSDT loads a usdt program that reads register, stack and
// constant arguments.
func TestLoadUSDT(t *testing.T) {
	bpftest.RequireBPF(t)
	prog := compileScript(t, `usdt:/usr/bin/python3.11:python:function__entry { printf("%s %s %d %d %d %d\n", str(arg0), str(arg1), arg2, arg3, arg4, arg5); }`,
		&check.Config{Resolver: usdtFixture{}})
	load(t, prog)
}

// usdtFixture is a check.USDTResolver with one site for every probe.
type usdtFixture struct{ fixture }

func (usdtFixture) USDTArgs(string) ([]string, error) {
	return []string{"8@%rbp 8@%r12 -4@%eax 8@-16(%rbp) 1@-96(%rbp,%rax,8) -2@$-5"}, nil
}
