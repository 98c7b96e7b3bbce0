// Tier-0 tests of the Registry against the fixture tracefs tree in
// testdata/tracefs: available_events lists twenty events, and
// events/CAT/EVENT/format holds real format files (copied from a 6.18
// kernel) for a few of them. No kernel access is needed.
package probes

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gtrace/gtrace/lang/types"
)

func fixture() *Registry {
	return New(&Options{TracefsRoot: "testdata/tracefs", KallsymsPath: "testdata/kallsyms", CPUs: []int{0}})
}

func TestExpand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		provider string
		parts    []string
		want     []string
	}{
		{"tracepoint", "tracepoint", []string{"sched", "sched_switch"}, []string{"tracepoint:sched:sched_switch"}},
		{"alias", "t", []string{"sched", "sched_switch"}, []string{"tracepoint:sched:sched_switch"}},
		{"star", "tracepoint", []string{"syscalls", "sys_enter_open*"}, []string{"tracepoint:syscalls:sys_enter_open", "tracepoint:syscalls:sys_enter_openat"}},
		{"question", "tracepoint", []string{"syscalls", "sys_e?it_read"}, []string{"tracepoint:syscalls:sys_exit_read"}},
		{"category star", "tracepoint", []string{"*", "sys_enter"}, []string{"tracepoint:raw_syscalls:sys_enter"}},
		{"rawtracepoint", "rawtracepoint", []string{"sched_switch"}, []string{"rawtracepoint:sched_switch"}},
		{"rawtracepoint module", "rt", []string{"vmlinux", "sys_e*"}, []string{"rawtracepoint:sys_enter", "rawtracepoint:sys_enter_execve", "rawtracepoint:sys_enter_getpid", "rawtracepoint:sys_enter_open", "rawtracepoint:sys_enter_openat", "rawtracepoint:sys_enter_read", "rawtracepoint:sys_enter_readv", "rawtracepoint:sys_enter_write", "rawtracepoint:sys_exit", "rawtracepoint:sys_exit_execve", "rawtracepoint:sys_exit_getpid", "rawtracepoint:sys_exit_open", "rawtracepoint:sys_exit_openat", "rawtracepoint:sys_exit_read", "rawtracepoint:sys_exit_readv", "rawtracepoint:sys_exit_write"}},
		{"BEGIN", "BEGIN", nil, []string{"BEGIN"}},
		{"end", "end", nil, []string{"END"}},
		{"interval", "interval", []string{"ms", "100"}, []string{"interval:ms:100"}},
		{"interval one part", "i", []string{"100ms"}, []string{"interval:ms:100"}},
		{"profile", "p", []string{"hz", "99"}, []string{"profile:hz:99"}},
		{"software alias", "s", []string{"cpu"}, []string{"software:cpu"}},
		{"software count", "software", []string{"faults", "10"}, []string{"software:faults:10"}},
		{"hardware", "h", []string{"cycles", "100"}, []string{"hardware:cycles:100"}},
	}
	r := fixture()
	for _, tt := range tests {
		got, err := r.Expand(tt.provider, tt.parts)
		if err != nil {
			t.Errorf("%s: Expand(%q, %q): %v", tt.name, tt.provider, tt.parts, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: Expand(%q, %q) mismatch (-want +got):\n%s", tt.name, tt.provider, tt.parts, diff)
		}
	}
}

func TestExpandErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		provider  string
		parts     []string
		want      string
		wantHints []string
	}{
		{"typo", "tracepoint", []string{"syscalls", "sys_enter_opn"}, "tracepoint:syscalls:sys_enter_opn not found",
			[]string{"did you mean tracepoint:syscalls:sys_enter_open?"}},
		{"category typo", "tracepoint", []string{"shed", "sched_switch"}, "tracepoint:shed:sched_switch not found",
			[]string{"did you mean tracepoint:sched:sched_switch?"}},
		{"wildcard no match", "tracepoint", []string{"syscalls", "nope*"}, "tracepoint:syscalls:nope* not found", nil},
		{"far away", "tracepoint", []string{"syscalls", "completely_different"}, "tracepoint:syscalls:completely_different not found", nil},
		{"tracepoint arity", "tracepoint", []string{"sched"}, "tracepoint probes need a category and an event: tracepoint:category:event", nil},
		{"rawtracepoint typo", "rawtracepoint", []string{"sched_swich"}, "rawtracepoint:sched_swich not found",
			[]string{"did you mean rawtracepoint:sched_switch?"}},
		{"software typo", "software", []string{"cpu-clok"}, `unknown software event "cpu-clok"`, nil},
		{"software count", "software", []string{"cpu", "x"}, `software event count must be a positive integer, not "x"`, nil},
		{"interval unit", "interval", []string{"x", "1"}, `invalid unit "x" in interval probe: use s, ms, us, ns or hz`, nil},
		{"interval zero", "interval", []string{"ms", "0"}, `interval probe count must be a positive integer, not "0"`, nil},
		{"interval arity", "interval", []string{"ms"}, "interval probes need a unit and a count: interval:ms:100", nil},
		{"interval float", "interval", []string{"ms", "1.5"}, `interval probe count must be a positive integer, not "1.5"`, nil},
		{"BEGIN args", "BEGIN", []string{"x"}, "BEGIN probes take no arguments", nil},
		{"unknown provider", "nope", nil, `unknown probe type "nope"`, nil},
	}
	r := fixture()
	for _, tt := range tests {
		_, err := r.Expand(tt.provider, tt.parts)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: got error %v, want %q", tt.name, err, tt.want)
			continue
		}
		var nf *NotFoundError
		var hints []string
		if errors.As(err, &nf) {
			hints = nf.Hints()
			if !errors.Is(err, ErrNoSuchProbe) {
				t.Errorf("%s: errors.Is(err, ErrNoSuchProbe) = false", tt.name)
			}
		}
		if diff := cmp.Diff(tt.wantHints, hints); diff != "" {
			t.Errorf("%s: hints mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
	for _, p := range []string{"iter"} {
		if _, err := r.Expand(p, []string{"f"}); !errors.Is(err, ErrNotSupported) {
			t.Errorf("%s: got %v, want ErrNotSupported", p, err)
		}
	}
}

// dumpStruct prints a struct one field a line: "name type @offset".
func dumpStruct(t *types.Type) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s size %d\n", t, t.Size)
	for _, f := range t.Fields {
		fmt.Fprintf(&b, "%s %s @%d", f.Name, f.Type, f.Offset)
		if f.Type.DataLoc {
			b.WriteString(" dataloc")
		}
		if f.Type.Kind == types.Pointer && f.Type.UserSpace {
			b.WriteString(" user")
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestArgs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"openat", "tracepoint:syscalls:sys_enter_openat", `struct _tracepoint_syscalls_sys_enter_openat size 48
__syscall_nr int32 @8
dfd int64 @16
filename int8 * @24 user
flags int64 @32
mode uint64 @40
`},
		{"read", "tracepoint:syscalls:sys_enter_read", `struct _tracepoint_syscalls_sys_enter_read size 40
__syscall_nr int32 @8
fd uint64 @16
buf int8 * @24 user
count uint64 @32
`},
		{"sched_switch", "tracepoint:sched:sched_switch", `struct _tracepoint_sched_sched_switch size 64
prev_comm int8[16] @8
prev_pid int32 @24
prev_prio int32 @28
prev_state int64 @32
next_comm int8[16] @40
next_pid int32 @56
next_prio int32 @60
`},
		{"exec dataloc", "tracepoint:sched:sched_process_exec", `struct _tracepoint_sched_sched_process_exec size 20
filename uint32 @8 dataloc
pid int32 @12
old_pid int32 @16
`},
	}
	r := fixture()
	for _, tt := range tests {
		got, err := r.Args(tt.in)
		if err != nil {
			t.Errorf("%s: Args(%q): %v", tt.name, tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, dumpStruct(got)); diff != "" {
			t.Errorf("%s: Args(%q) mismatch (-want +got):\n%s", tt.name, tt.in, diff)
		}
	}
}

func TestArgsOther(t *testing.T) {
	t.Parallel()
	r := fixture()
	for _, probe := range []string{"BEGIN", "END", "interval:ms:100", "profile:hz:99", "software:cpu-clock:1000000"} {
		got, err := r.Args(probe)
		if got != nil || err != nil {
			t.Errorf("Args(%q) = %v, %v; want nil, nil", probe, got, err)
		}
	}
	if _, err := r.Args("tracepoint:sched:sched_wakeup"); err == nil {
		t.Errorf("Args of an event without a format file: got no error")
	}
	if _, err := r.Args("tracepoint:../../etc:passwd"); err == nil {
		t.Errorf("Args of a path-like name: got no error")
	}
}

func TestDescribe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		// As "bpftrace -lv" 0.17 prints them on the same kernel.
		{"openat", "tracepoint:syscalls:sys_enter_openat", `    int __syscall_nr
    int dfd
    const char * filename
    int flags
    umode_t mode
`},
		{"exec", "tracepoint:sched:sched_process_exec", `    __data_loc char[] filename
    pid_t pid
    pid_t old_pid
`},
		{"interval", "interval:ms:100", ""},
	}
	r := fixture()
	for _, tt := range tests {
		got, err := r.Describe(tt.in)
		if err != nil {
			t.Errorf("%s: Describe(%q): %v", tt.name, tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: Describe(%q) mismatch (-want +got):\n%s", tt.name, tt.in, diff)
		}
	}
}

func TestList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"tracepoint", "tracepoint:sched:*", []string{"tracepoint:sched:sched_process_exec", "tracepoint:sched:sched_process_exit", "tracepoint:sched:sched_switch", "tracepoint:sched:sched_wakeup"}},
		{"alias", "t:sched:sched_s*", []string{"tracepoint:sched:sched_switch"}},
		{"no provider", "*sched_switch*", []string{"tracepoint:sched:sched_switch"}},
		{"category only", "sched:sched_w*", []string{"tracepoint:sched:sched_wakeup"}},
		{"software", "software:cpu*", []string{"software:cpu-clock:", "software:cpu-migrations:"}},
		{"hardware", "h:*cycles*", []string{"hardware:bus-cycles:", "hardware:cpu-cycles:", "hardware:ref-cycles:"}},
		{"rawtracepoint", "rawtracepoint:sys_enter", []string{"rawtracepoint:sys_enter"}},
		{"no match", "tracepoint:nope:*", nil},
	}
	r := fixture()
	for _, tt := range tests {
		got, err := r.List(tt.in)
		if err != nil {
			t.Errorf("%s: List(%q): %v", tt.name, tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: List(%q) mismatch (-want +got):\n%s", tt.name, tt.in, diff)
		}
	}
}

func TestListAll(t *testing.T) {
	t.Parallel()
	got, err := fixture().List("")
	if err != nil {
		t.Fatal(err)
	}
	// bpftrace 0.17 lists hardware, kprobe, software and tracepoint
	// probes, in name order, and no raw tracepoints or kretprobes. The
	// fixture kallsyms has 12 distinct functions.
	if n := len(got); n != 10+12+11+20 {
		t.Errorf("got %d probes, want %d", n, 10+12+11+20)
	}
	if got[0] != "hardware:backend-stalls:" || got[len(got)-1] != "tracepoint:syscalls:sys_exit_write" {
		t.Errorf("got first %q, last %q", got[0], got[len(got)-1])
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"*", "", true},
		{"a*c", "abc", true},
		{"a*c", "abcd", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*:sys_*_read", "syscalls:sys_enter_read", true},
		{"**a", "bba", true},
		{"sched", "sched_switch", false},
	}
	for _, tt := range tests {
		if got := match(tt.pattern, tt.name); got != tt.want {
			t.Errorf("match(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

func TestParseCPUList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{"0", []int{0}, false},
		{"0-3,5,7-8", []int{0, 1, 2, 3, 5, 7, 8}, false},
		{"3-1", nil, true},
		{"x", nil, true},
	}
	for _, tt := range tests {
		got, err := parseCPUList(tt.in)
		if (err != nil) != tt.wantErr || !cmp.Equal(got, tt.want) {
			t.Errorf("parseCPUList(%q) = %v, %v; want %v (error %v)", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
