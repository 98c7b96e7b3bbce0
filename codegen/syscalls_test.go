package codegen

import (
	"fmt"
	"os"
	"path"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/gtrace/gtrace/internal/bpftest"
	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/check"
	"github.com/gtrace/gtrace/lang/types"
)

// sysTable lists the syscalls of sysFixture: x86_64 number and argument
// names, as in their sys_enter_NAME formats.
var sysTable = map[string]struct {
	nr   int
	args []string
}{
	"read":       {0, []string{"fd", "buf", "count"}},
	"write":      {1, []string{"fd", "buf", "count"}},
	"open":       {2, []string{"filename", "flags", "mode"}},
	"close":      {3, []string{"fd"}},
	"getpid":     {39, nil},
	"execve":     {59, []string{"filename", "argv", "envp"}},
	"openat":     {257, []string{"dfd", "filename", "flags", "mode"}},
	"utimensat":  {280, []string{"dfd", "filename", "utimes", "flags"}},
	"statx":      {332, []string{"dfd", "filename", "flags", "mask", "buffer"}},
	"faccessat2": {439, []string{"dfd", "filename", "mode", "flags"}},
	"fchmodat2":  {452, []string{"dfd", "filename", "mode", "flags"}},
	"newstat":    {4, []string{"filename", "statbuf"}},
}

func sysNumber(name string) (int, bool) {
	s, ok := sysTable[name]
	return s.nr, ok
}

// sysFixture is a check.Resolver with the syscall tracepoints of sysTable,
// falling back to fixture for the others.
type sysFixture struct {
	fixture
	unnumbered string // a syscall SyscallNumber does not know
}

// SyscallNumber makes sysFixture a check.SyscallResolver.
func (r sysFixture) SyscallNumber(name string) (int, bool) {
	if name == r.unnumbered {
		return 0, false
	}
	return sysNumber(name)
}

func (r sysFixture) Expand(provider string, parts []string) ([]string, error) {
	pat := provider + ":" + strings.Join(parts, ":")
	if provider != "tracepoint" || len(parts) != 2 || parts[0] != "syscalls" {
		return r.fixture.Expand(provider, parts)
	}
	var out []string
	for name := range sysTable {
		for _, ev := range []string{"sys_enter_", "sys_exit_"} {
			full := "tracepoint:syscalls:" + ev + name
			if ok, _ := path.Match(pat, full); ok {
				out = append(out, full)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no probe matches %s", pat)
	}
	slices.Sort(out)
	return out, nil
}

func (r sysFixture) Args(probe string) (*types.Type, error) {
	fs := []*types.Field{field("__syscall_nr", 8, types.Int32)}
	if strings.HasPrefix(probe, "tracepoint:syscalls:sys_exit_") {
		fs = append(fs, field("ret", 16, types.Int64))
		return &types.Type{Kind: types.Struct, Name: "args", Fields: fs, Size: 24}, nil
	}
	name, ok := strings.CutPrefix(probe, "tracepoint:syscalls:sys_enter_")
	if !ok {
		return r.fixture.Args(probe)
	}
	for i, a := range sysTable[name].args {
		t := types.Int64
		if a == "filename" {
			t = types.NewPointer(types.Int8, true)
		}
		fs = append(fs, field(a, 16+8*i, t))
	}
	return &types.Type{Kind: types.Struct, Name: "args", Fields: fs, Size: 16 + 8*len(sysTable[name].args)}, nil
}

// compileSys compiles src with the syscall table.
func compileSys(t *testing.T, src string, params ...string) *Program {
	t.Helper()
	return compileSysWith(t, src, sysFixture{}, nil, params...)
}

func compileSysWith(t *testing.T, src string, res sysFixture, cfg *Config, params ...string) *Program {
	t.Helper()
	f, err := lang.Parse("<test>", src)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	info, err := (&check.Config{Resolver: res, Params: params}).Check(f)
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	prog, err := Compile(f, info, cfg)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return prog
}

// probeShape summarizes a compiled probe for comparison.
type probeShape struct {
	Type     ebpf.ProgramType
	Provider string
	Syscall  string
	Targets  int
	Numbers  []int
}

func shapes(p *Program) []probeShape {
	var out []probeShape
	for _, pr := range p.Probes {
		out = append(out, probeShape{
			Type: p.Spec.Programs[pr.Program].Type, Provider: pr.Provider,
			Syscall: pr.Syscall, Targets: len(pr.Targets), Numbers: pr.SyscallNumbers,
		})
	}
	return out
}

// TestSyscallPath checks which blocks take the fast path.
func TestSyscallPath(t *testing.T) {
	t.Parallel()
	// Targets sorted by name: close execve faccessat2 fchmodat2 getpid
	// newstat open openat read statx utimensat write.
	enter := []int{3, 59, 439, 452, 39, 4, 2, 257, 0, 332, 280, 1}
	seven := "tracepoint:syscalls:sys_enter_read,tracepoint:syscalls:sys_enter_write,tracepoint:syscalls:sys_enter_open," +
		"tracepoint:syscalls:sys_enter_close,tracepoint:syscalls:sys_enter_getpid,tracepoint:syscalls:sys_enter_execve,tracepoint:syscalls:sys_enter_openat"
	fast := func(ev string, nrs []int) []probeShape {
		return []probeShape{{ebpf.RawTracepoint, "rawtracepoint", ev, len(nrs), nrs}}
	}
	tests := []struct {
		name string
		in   string
		cfg  *Config
		res  sysFixture
		want []probeShape
	}{
		{"enter wildcard", `tracepoint:syscalls:sys_enter_* { @[probe] = count(); }`, nil, sysFixture{}, fast("sys_enter", enter)},
		{"exit wildcard", `tracepoint:syscalls:sys_exit_* { @[probe] = sum(args->ret); }`, nil, sysFixture{}, fast("sys_exit", enter)},
		{"args in different registers", `tracepoint:syscalls:sys_enter_*at*,tracepoint:syscalls:sys_enter_open,tracepoint:syscalls:sys_enter_execve { printf("%s\n", str(args->filename)); }`,
			nil, sysFixture{}, fast("sys_enter", []int{439, 452, 4, 257, 332, 280, 2, 59})},
		{"seven targets", seven + ` { @[probe] = count(); }`, nil, sysFixture{}, []probeShape{{ebpf.TracePoint, "tracepoint", "", 7, nil}}},
		{"fast path off", `tracepoint:syscalls:sys_enter_* { @[probe] = count(); }`, &Config{NoSyscallFastPath: true}, sysFixture{}, []probeShape{{ebpf.TracePoint, "tracepoint", "", 12, nil}}},
		{"unnumbered target", `tracepoint:syscalls:sys_enter_* { @[probe] = count(); }`, nil, sysFixture{unnumbered: "getpid"}, []probeShape{{ebpf.TracePoint, "tracepoint", "", 12, nil}}},
		{"enter and exit", `tracepoint:syscalls:sys_e* { @[probe] = count(); }`, nil, sysFixture{}, []probeShape{{ebpf.TracePoint, "tracepoint", "", 24, nil}}},
		{"ctx", `tracepoint:syscalls:sys_enter_* { @[ctx] = count(); }`, nil, sysFixture{}, []probeShape{{ebpf.TracePoint, "tracepoint", "", 12, nil}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := shapes(compileSysWith(t, tt.in, tt.res, tt.cfg))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("probes (-want +got):\n%s", diff)
			}
		})
	}
}

// fillSyscallMaps does the runtime's part: number → probe id + 1.
func (l *loaded) fillSyscallMaps(t *testing.T) {
	t.Helper()
	for _, pr := range l.prog.Probes {
		if pr.Syscall == "" {
			continue
		}
		for i, nr := range pr.SyscallNumbers {
			if err := l.coll.Maps[pr.SyscallMap].Put(uint32(nr), pr.Cookies[i]+1); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestSyscallRun runs the sys_enter program with BPF_PROG_TEST_RUN on
// made-up contexts {regs, number}: only traced numbers count, under their
// own probe.
func TestSyscallRun(t *testing.T) {
	bpftest.RequireBPF(t)
	prog := compileSys(t, `tracepoint:syscalls:sys_enter_* { @[probe] = count(); @n[args->__syscall_nr] = count(); }`)
	l := load(t, prog)
	l.fillSyscallMaps(t)
	p := l.coll.Programs[prog.Probes[0].Program]
	for _, nr := range []int64{257, 257, 0, 60, 1023, 1024, -1, 1 << 40} {
		if _, err := p.Run(&ebpf.RunOptions{Context: []int64{0, nr}}); err != nil {
			t.Fatalf("run with %d: %v", nr, err)
		}
	}
	id := func(name string) int { return slices.Index(prog.ProbeNames, "tracepoint:syscalls:sys_enter_"+name) }
	want := []string{fmt.Sprintf("@[%d]: 2", id("openat")), fmt.Sprintf("@[%d]: 1", id("read")), "@n[0]: 1", "@n[257]: 2"}
	slices.Sort(want)
	if diff := cmp.Diff(want, l.maps(t)); diff != "" {
		t.Errorf("maps (-want +got):\n%s", diff)
	}
}

// TestSyscallAttach attaches fast-path programs to the real raw sys_enter
// and sys_exit tracepoints and makes the syscalls they trace: the
// arguments come from the right registers, the numbers and return values
// are the syscall's.
func TestSyscallAttach(t *testing.T) {
	bpftest.RequireBPF(t)
	pid := fmt.Sprint(os.Getpid())
	enter := compileSys(t, `tracepoint:syscalls:sys_enter_*at*,tracepoint:syscalls:sys_enter_open,tracepoint:syscalls:sys_enter_execve
		/pid == $1 && strncmp(str(args->filename), "/nonexistent/gtrace", 19) == 0/ { printf("%s %d %s\n", probe, args->__syscall_nr, str(args->filename)); }`, pid)
	exit := compileSys(t, `tracepoint:syscalls:sys_exit_* /pid == $1 && (args->__syscall_nr == 2 || args->__syscall_nr == 257)/ { printf("%s %d\n", probe, args->ret); }`, pid)
	var ls []*loaded
	for _, prog := range []*Program{enter, exit} {
		l := load(t, prog)
		l.fillSyscallMaps(t)
		pr := prog.Probes[0]
		if pr.Syscall == "" {
			t.Fatalf("%s: not on the fast path", pr.Program)
		}
		lk, err := link.AttachRawTracepoint(link.RawTracepointOptions{Name: pr.Syscall, Program: l.coll.Programs[pr.Program]})
		if err != nil {
			t.Fatalf("attach raw tracepoint %s: %v", pr.Syscall, err)
		}
		ls = append(ls, l)
		defer lk.Close()
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for _, c := range []struct {
		nr   uintptr
		path string
	}{{unix.SYS_OPEN, "/nonexistent/gtrace-open"}, {unix.SYS_OPENAT, "/nonexistent/gtrace-openat"}} {
		p, err := unix.BytePtrFromString(c.path)
		if err != nil {
			t.Fatal(err)
		}
		var a1, a2 uintptr = uintptr(unsafe.Pointer(p)), unix.O_RDONLY
		if c.nr == unix.SYS_OPENAT {
			fd := unix.AT_FDCWD
			a1, a2 = uintptr(fd), uintptr(unsafe.Pointer(p))
		}
		if _, _, errno := unix.Syscall6(c.nr, a1, a2, unix.O_RDONLY, 0, 0, 0); errno != unix.ENOENT {
			t.Fatalf("syscall %d(%s): %v, want ENOENT", c.nr, c.path, errno)
		}
	}
	got := append(ls[0].records(t), ls[1].records(t)...)
	id := func(p *Program, name string) int { return slices.Index(p.ProbeNames, "tracepoint:syscalls:"+name) }
	want := []string{
		fmt.Sprintf(`printf(%d, 2, "/nonexistent/gtrace-open")`, id(enter, "sys_enter_open")),
		fmt.Sprintf(`printf(%d, 257, "/nonexistent/gtrace-openat")`, id(enter, "sys_enter_openat")),
		fmt.Sprintf(`printf(%d, -2)`, id(exit, "sys_exit_open")),
		fmt.Sprintf(`printf(%d, -2)`, id(exit, "sys_exit_openat")),
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("no record %s in\n%s", w, strings.Join(got, "\n"))
		}
	}
}
