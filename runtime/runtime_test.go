// Tests in this file load hand-built programs (written with cilium/ebpf/asm
// as codegen would write them) and run them for real: they need root and
// BPF, and skip, naming the missing feature, without them. Expected output
// is compared as exact strings; there is no golden file.

package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/gtrace/gtrace/codegen"
	"github.com/gtrace/gtrace/internal/bpftest"
	"github.com/gtrace/gtrace/internal/testenv"
	"github.com/gtrace/gtrace/lang/types"
	"github.com/gtrace/gtrace/probes"
)

func requireBPF(t *testing.T) {
	t.Helper()
	bpftest.RequireBPF(t)
}

// builder assembles a test Program: maps, events and probes.
type builder struct {
	p *codegen.Program
}

func newBuilder() *builder {
	return &builder{p: &codegen.Program{
		Spec: &ebpf.CollectionSpec{
			Maps: map[string]*ebpf.MapSpec{
				"ringbuf": {Name: "ringbuf", Type: ebpf.RingBuf, MaxEntries: 1 << 16},
			},
			Programs: map[string]*ebpf.ProgramSpec{},
		},
		RingBuf: "ringbuf",
	}}
}

// event adds an event and returns its id.
func (b *builder) event(ev codegen.Event) int64 {
	ev.ID = len(b.p.Events)
	b.p.Events = append(b.p.Events, &ev)
	return int64(ev.ID)
}

// countMap adds a per-CPU scalar count() map.
func (b *builder) countMap(name, spec string) {
	b.p.Spec.Maps[spec] = &ebpf.MapSpec{Name: spec, Type: ebpf.PerCPUArray, KeySize: 4, ValueSize: 8, MaxEntries: 1}
	b.p.Maps = append(b.p.Maps, &codegen.Map{Name: name, SpecName: spec, Value: &types.Type{Kind: types.Count}, PerCPU: true})
}

// hashMap adds a u64 → int64 hash map (@m[k] = v).
func (b *builder) hashMap(name, spec string) {
	b.p.Spec.Maps[spec] = &ebpf.MapSpec{Name: spec, Type: ebpf.Hash, KeySize: 8, ValueSize: 8, MaxEntries: 16}
	b.p.Maps = append(b.p.Maps, &codegen.Map{Name: name, SpecName: spec, Key: types.Int64, Value: types.Int64})
}

// probe adds a program with the given body (ctx is in R1 at entry; the body
// must end with a return).
func (b *builder) probe(name string, typ ebpf.ProgramType, provider string, targets []string, body asm.Instructions) {
	b.p.Spec.Programs[name] = &ebpf.ProgramSpec{Name: name, Type: typ, License: "GPL", Instructions: body}
	cookies := make([]uint64, len(targets))
	b.p.Probes = append(b.p.Probes, &codegen.Probe{Program: name, Provider: provider, Targets: targets, Cookies: cookies})
}

// emit writes the record {id, words...} to the ring buffer.
func emit(id int64, words ...int64) asm.Instructions {
	n := int16(8 * (len(words) + 1))
	insns := asm.Instructions{
		asm.LoadImm(asm.R1, id, asm.DWord),
		asm.StoreMem(asm.RFP, -n, asm.R1, asm.DWord),
	}
	for i, w := range words {
		insns = append(insns,
			asm.LoadImm(asm.R1, w, asm.DWord),
			asm.StoreMem(asm.RFP, -n+int16(8*(i+1)), asm.R1, asm.DWord))
	}
	return append(insns,
		asm.LoadMapPtr(asm.R1, 0).WithReference("ringbuf"),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, int32(-n)),
		asm.Mov.Imm(asm.R3, int32(n)),
		asm.Mov.Imm(asm.R4, 0),
		asm.FnRingbufOutput.Call(),
	)
}

// bumpCount adds one to the scalar count map spec; label must be unique in
// the program.
func bumpCount(spec, label string) asm.Instructions {
	return asm.Instructions{
		asm.StoreImm(asm.RFP, -4, 0, asm.Word),
		asm.LoadMapPtr(asm.R1, 0).WithReference(spec),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -4),
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, label),
		asm.LoadMem(asm.R1, asm.R0, 0, asm.DWord),
		asm.Add.Imm(asm.R1, 1),
		asm.StoreMem(asm.R0, 0, asm.R1, asm.DWord),
		asm.Mov.Imm(asm.R0, 0).WithSymbol(label),
	}
}

// putHash sets spec[k] = v.
func putHash(spec string, k, v int64) asm.Instructions {
	return asm.Instructions{
		asm.LoadImm(asm.R1, k, asm.DWord),
		asm.StoreMem(asm.RFP, -8, asm.R1, asm.DWord),
		asm.LoadImm(asm.R1, v, asm.DWord),
		asm.StoreMem(asm.RFP, -16, asm.R1, asm.DWord),
		asm.LoadMapPtr(asm.R1, 0).WithReference(spec),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -8),
		asm.Mov.Reg(asm.R3, asm.RFP),
		asm.Add.Imm(asm.R3, -16),
		asm.Mov.Imm(asm.R4, 0),
		asm.FnMapUpdateElem.Call(),
	}
}

func ret() asm.Instructions {
	return asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()}
}

func concat(parts ...asm.Instructions) asm.Instructions {
	var out asm.Instructions
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// run loads p, runs it with a timeout and returns stdout, stderr, the exit
// code and Run's error.
func run(t *testing.T, p *codegen.Program, opts *Options) (string, string, int, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	o := Options{}
	if opts != nil {
		o = *opts
	}
	o.Stdout, o.Stderr = &stdout, &stderr
	s, err := Load(p, &o)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code, err := s.Run(ctx)
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	return stdout.String(), stderr.String(), code, err
}

func TestBeginPrintfAndMaps(t *testing.T) {
	requireBPF(t)
	b := newBuilder()
	hello := b.event(codegen.Event{Kind: codegen.EvPrintf, Format: "hello %d %s\n", Args: []*types.Type{types.Int64, types.NewString(8)}})
	exit := b.event(codegen.Event{Kind: codegen.EvExit})
	endMsg := b.event(codegen.Event{Kind: codegen.EvPrintf, Format: "end\n"})
	b.countMap("@c", "c")
	b.hashMap("@h", "h")
	str := int64(0x6f6c6c6568) // "hello" little endian
	b.probe("BEGIN", ebpf.RawTracepoint, "BEGIN", []string{"BEGIN"}, concat(
		emit(hello, 42, str), bumpCount("c", "l1"), bumpCount("c", "l2"), putHash("h", 7, 3), putHash("h", 2, 9),
		emit(exit), emit(hello, 1, str), ret()))
	b.probe("END", ebpf.RawTracepoint, "END", []string{"END"}, concat(emit(endMsg), ret()))

	stdout, stderr, code, err := run(t, b.p, nil)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := "Attaching 2 probes...\nhello 42 hello\nend\n\n\n@c: 2\n@h[7]: 3\n@h[2]: 9\n"
	if diff := cmp.Diff(want, stdout); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
	if stderr != "" || code != 0 {
		t.Errorf("got stderr %q, code %d, want none, 0", stderr, code)
	}
}

func TestExitCodeAndQuiet(t *testing.T) {
	requireBPF(t)
	b := newBuilder()
	exit := b.event(codegen.Event{Kind: codegen.EvExit, Args: []*types.Type{types.Int64}})
	b.probe("BEGIN", ebpf.RawTracepoint, "BEGIN", []string{"BEGIN"}, concat(emit(exit, 3), ret()))
	stdout, _, code, err := run(t, b.p, &Options{Quiet: true})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if stdout != "\n\n" || code != 3 {
		t.Errorf("got stdout %q, code %d, want %q, 3", stdout, code, "\n\n")
	}
}

func TestJSON(t *testing.T) {
	requireBPF(t)
	b := newBuilder()
	hi := b.event(codegen.Event{Kind: codegen.EvPrintf, Format: "hi %d\n", Args: []*types.Type{types.Int64}})
	exit := b.event(codegen.Event{Kind: codegen.EvExit})
	b.countMap("@c", "c")
	b.probe("BEGIN", ebpf.RawTracepoint, "BEGIN", []string{"BEGIN"}, concat(emit(hi, 5), bumpCount("c", "l3"), emit(exit), ret()))
	stdout, _, _, err := run(t, b.p, &Options{JSON: true})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := `{"type": "attached_probes", "data": {"probes": 1}}
{"type": "printf", "data": "hi 5\n"}


{"type": "map", "data": {"@c": 1}}
`
	if diff := cmp.Diff(want, stdout); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
}

// fakeAttacher attaches anything but fail, and reports detaches on closed.
type fakeAttacher struct {
	closed chan string
	fail   string
}

type fakeLink struct {
	name string
	a    *fakeAttacher
}

func (l fakeLink) Close() error { l.a.closed <- l.name; return nil }

func (a *fakeAttacher) Attach(_ *ebpf.Program, probe string, _ uint64) (io.Closer, error) {
	if probe == a.fail {
		return nil, errors.New("no such probe")
	}
	return fakeLink{probe, a}, nil
}

func TestAttachCountAndDetach(t *testing.T) {
	requireBPF(t)
	b := newBuilder()
	exit := b.event(codegen.Event{Kind: codegen.EvExit})
	b.probe("BEGIN", ebpf.RawTracepoint, "BEGIN", []string{"BEGIN"}, concat(emit(exit), ret()))
	targets := []string{"tracepoint:a:b", "tracepoint:a:c", "tracepoint:a:d"}
	b.probe("tp", ebpf.TracePoint, "tracepoint", targets, ret())
	fa := &fakeAttacher{closed: make(chan string, 10)}
	stdout, _, _, err := run(t, b.p, &Options{Attacher: fa})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if want := "Attaching 4 probes...\n\n\n"; stdout != want {
		t.Errorf("got stdout %q, want %q", stdout, want)
	}
	close(fa.closed)
	n := 0
	for range fa.closed {
		n++
	}
	if n != len(targets) {
		t.Errorf("got %d detaches, want %d", n, len(targets))
	}
}

func TestAttachFailure(t *testing.T) {
	requireBPF(t)
	b := newBuilder()
	b.probe("tp", ebpf.TracePoint, "tracepoint", []string{"tracepoint:a:bad", "tracepoint:a:b"}, ret())
	// Probes attach from the last to the first (see attachAll): b is
	// attached, then bad fails, and b must be detached.
	fa := &fakeAttacher{closed: make(chan string, 10), fail: "tracepoint:a:bad"}
	s, err := Load(b.p, &Options{Attacher: fa, Stdout: io.Discard, Quiet: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "attach tracepoint:a:bad: no such probe") {
		t.Errorf("got error %v, want the failing probe named", err)
	}
	if len(fa.closed) != 1 {
		t.Errorf("got %d detaches after a failed attach, want 1", len(fa.closed))
	}
}

func TestCancel(t *testing.T) {
	requireBPF(t)
	b := newBuilder()
	b.countMap("@c", "c")
	b.probe("BEGIN", ebpf.RawTracepoint, "BEGIN", []string{"BEGIN"}, concat(bumpCount("c", "l4"), ret()))
	var stdout bytes.Buffer
	s, err := Load(b.p, &Options{Stdout: &stdout})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if want := "Attaching 1 probe...\n\n\n@c: 1\n"; stdout.String() != want {
		t.Errorf("got %q, want %q", stdout.String(), want)
	}
}

func TestChildExitStops(t *testing.T) {
	requireBPF(t)
	b := newBuilder()
	b.probe("BEGIN", ebpf.RawTracepoint, "BEGIN", []string{"BEGIN"}, ret())
	stdout, _, _, err := run(t, b.p, &Options{Cmd: []string{"echo", "child"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Attaching 1 probe...\nchild\n\n\n"; stdout != want {
		t.Errorf("got %q, want %q", stdout, want)
	}
}

func TestVerifierRejection(t *testing.T) {
	requireBPF(t)
	b := newBuilder()
	b.probe("BEGIN", ebpf.RawTracepoint, "BEGIN", []string{"BEGIN"}, asm.Instructions{
		asm.Mov.Reg(asm.R6, asm.R1).WithSource(asm.Comment("$x = 1")),
		asm.Mov.Imm(asm.R2, 0).WithSource(asm.Comment("@x = *(uint64 *)0")),
		asm.LoadImm(asm.R3, 5, asm.DWord),
		asm.LoadMem(asm.R0, asm.R2, 0, asm.DWord),
		asm.Mov.Imm(asm.R0, 0).WithSource(asm.Comment("exit()")),
		asm.Return(),
	})
	_, err := Load(b.p, &Options{Stdout: io.Discard})
	var re *RejectError
	if !errors.As(err, &re) {
		t.Fatalf("got error %v, want a *RejectError", err)
	}
	got := re.Format()
	want := "verifier rejected the program for BEGIN: R2 invalid mem access 'scalar'\n    in statement: @x = *(uint64 *)0\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	var ve *ebpf.VerifierError
	if !errors.As(err, &ve) {
		t.Errorf("got %T, want it to unwrap to *ebpf.VerifierError", err)
	}
}

// bpfFDs counts this process's fds that are BPF objects, perf events or
// epoll instances.
func bpfFDs(t *testing.T) map[string]int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, e := range ents {
		l, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name()))
		if err != nil {
			continue
		}
		for _, kind := range []string{"bpf-prog", "bpf-map", "bpf_link", "bpf-link", "perf_event", "eventpoll"} {
			if strings.Contains(l, kind) {
				n[kind]++
			}
		}
	}
	return n
}

func TestNoLeaks(t *testing.T) {
	requireBPF(t)
	before := bpfFDs(t)
	b := newBuilder()
	exit := b.event(codegen.Event{Kind: codegen.EvExit})
	b.countMap("@c", "c")
	b.probe("BEGIN", ebpf.RawTracepoint, "BEGIN", []string{"BEGIN"}, concat(bumpCount("c", "l5"), emit(exit), ret()))
	b.probe("tp", ebpf.TracePoint, "tracepoint", []string{"tracepoint:syscalls:sys_enter_getpid"}, concat(bumpCount("c", "l6"), ret()))
	if _, _, _, err := run(t, b.p, &Options{Attacher: newTracepointAttacher(t)}); err != nil {
		t.Fatal(err)
	}
	if after := bpfFDs(t); !cmp.Equal(before, after) {
		t.Errorf("open fds after Close: got %v, want %v", after, before)
	}
}

// newTracepointAttacher returns the real probes.Registry (it mounts
// tracefs when needed).
func newTracepointAttacher(t *testing.T) Attacher {
	t.Helper()
	return probes.New(&probes.Options{})
}

func TestTracepoint(t *testing.T) {
	requireBPF(t)
	b := newBuilder()
	hit := b.event(codegen.Event{Kind: codegen.EvPrintf, Format: "getpid\n"})
	exit := b.event(codegen.Event{Kind: codegen.EvExit})
	b.probe("tp", ebpf.TracePoint, "tracepoint", []string{"tracepoint:syscalls:sys_enter_getpid"}, concat(emit(hit), emit(exit), ret()))
	var stdout bytes.Buffer
	s, err := Load(b.p, &Options{Stdout: &stdout, Attacher: newTracepointAttacher(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if _, err := s.Run(ctx); err != nil {
			t.Error(err)
		}
	}()
	for {
		select {
		case <-done:
			// Two CPUs may both print before either's exit() is read.
			got := strings.ReplaceAll(stdout.String(), "getpid\ngetpid\n", "getpid\n")
			if want := "Attaching 1 probe...\ngetpid\n\n\n"; got != want {
				t.Errorf("got %q, want %q", stdout.String(), want)
			}
			return
		case <-time.After(time.Millisecond):
			unix.Getpid()
		}
	}
}

func TestMapEvents(t *testing.T) {
	requireBPF(t)
	b := newBuilder()
	b.countMap("@c", "c")
	b.hashMap("@h", "h")
	printH := b.event(codegen.Event{Kind: codegen.EvPrintMap, Map: "@h"})
	printTop := b.event(codegen.Event{Kind: codegen.EvPrintMap, Map: "@h", Top: 1, Div: 2})
	clearH := b.event(codegen.Event{Kind: codegen.EvClear, Map: "@h"})
	zeroC := b.event(codegen.Event{Kind: codegen.EvZero, Map: "@c"})
	exit := b.event(codegen.Event{Kind: codegen.EvExit})
	b.probe("BEGIN", ebpf.RawTracepoint, "BEGIN", []string{"BEGIN"}, concat(
		bumpCount("c", "l1"), putHash("h", 1, 5), putHash("h", 2, 6),
		emit(printH), emit(printTop), emit(clearH), emit(zeroC), emit(exit), ret()))
	b.probe("END", ebpf.RawTracepoint, "END", []string{"END"}, concat(putHash("h", 3, 7), ret()))
	stdout, _, _, err := run(t, b.p, &Options{Quiet: true})
	if err != nil {
		t.Fatal(err)
	}
	want := "@h[1]: 5\n@h[2]: 6\n@h[2]: 3\n\n\n@c: 0\n@h[3]: 7\n"
	if diff := cmp.Diff(want, stdout); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
}

func TestDroppedUpdates(t *testing.T) {
	requireBPF(t)
	b := newBuilder()
	b.countMap("@c", "c")
	b.p.ErrorsMap = "errors"
	b.p.Spec.Maps["errors"] = &ebpf.MapSpec{Name: "errors", Type: ebpf.PerCPUArray, KeySize: 4, ValueSize: 8, MaxEntries: 2}
	exit := b.event(codegen.Event{Kind: codegen.EvExit})
	b.probe("BEGIN", ebpf.RawTracepoint, "BEGIN", []string{"BEGIN"}, concat(
		bumpCount("errors", "l1"), bumpCount("errors", "l2"), emit(exit), ret()))
	_, stderr, _, err := run(t, b.p, &Options{Quiet: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := "warning: map @c is full: 2 updates dropped\n" +
		"hint: maps hold 1 keys each; raise max_map_keys with --max-map-keys N, BPFTRACE_MAX_MAP_KEYS=N or config = { max_map_keys = N }\n"; stderr != want {
		t.Errorf("got stderr %q, want %q", stderr, want)
	}
}

func TestVerifierRejectionVerbose(t *testing.T) {
	requireBPF(t)
	b := newBuilder()
	b.probe("p", ebpf.RawTracepoint, "BEGIN", []string{"BEGIN"}, asm.Instructions{
		asm.Mov.Imm(asm.R2, 0).WithSource(asm.Comment("$p = 0")),
		asm.Return(),
	})
	_, err := Load(b.p, &Options{Verbose: true})
	if err == nil {
		t.Fatal("got no error, want a rejection")
	}
	got := err.Error()
	for _, want := range []string{"verifier rejected the program for BEGIN: R0 !read_ok\n", "    in statement: $p = 0\n", "verifier log:\n", "processed "} {
		if !strings.Contains(got, want) {
			t.Errorf("got %q, want it to contain %q", got, want)
		}
	}
}

func TestPIDExitStops(t *testing.T) {
	requireBPF(t)
	cmd := exec.Command("sleep", "0.2")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go cmd.Wait()
	b := newBuilder()
	b.countMap("@c", "c")
	b.probe("BEGIN", ebpf.RawTracepoint, "BEGIN", []string{"BEGIN"}, concat(bumpCount("c", "l1"), ret()))
	stdout, _, _, err := run(t, b.p, &Options{PID: cmd.Process.Pid})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Attaching 1 probe...\n\n\n@c: 1\n"; stdout != want {
		t.Errorf("got %q, want %q", stdout, want)
	}
}

func TestPIDMissing(t *testing.T) {
	requireBPF(t)
	b := newBuilder()
	b.probe("BEGIN", ebpf.RawTracepoint, "BEGIN", []string{"BEGIN"}, ret())
	_, err := Load(b.p, &Options{PID: 1 << 30, Stdout: io.Discard})
	if want := "process 1073741824 does not exist"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

// TestManyProbes attaches to many syscalls:sys_enter_* tracepoints, exits
// from BEGIN, and checks that everything is detached and closed. (Only 40:
// the kernel serialises tracepoint perf event teardown, ~45 ms each.)
func TestManyProbes(t *testing.T) {
	requireBPF(t)
	reg := probes.New(&probes.Options{})
	targets, err := reg.Expand("tracepoint", []string{"syscalls", "sys_enter_*"})
	if err != nil {
		testenv.NoKernelFeature(t, "syscall tracepoints (CONFIG_FTRACE_SYSCALLS)", err)
	}
	targets = targets[:min(len(targets), 40)]
	before := bpfFDs(t)
	b := newBuilder()
	exit := b.event(codegen.Event{Kind: codegen.EvExit})
	b.countMap("@c", "c")
	b.probe("BEGIN", ebpf.RawTracepoint, "BEGIN", []string{"BEGIN"}, concat(emit(exit), ret()))
	b.probe("tp", ebpf.TracePoint, "tracepoint", targets, concat(bumpCount("c", "l1"), ret()))
	stdout, _, _, err := run(t, b.p, &Options{Attacher: reg})
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("Attaching %d probes...\n", len(targets)+1); !strings.HasPrefix(stdout, want) {
		t.Errorf("got %q, want it to start with %q", stdout, want)
	}
	if after := bpfFDs(t); !cmp.Equal(before, after) {
		t.Errorf("open fds after Close: got %v, want %v", after, before)
	}
}

// TestExitDropsLaterRecords fires a 1ms interval that prints and exits: a
// record written after exit(), even while END runs, must not print.
func TestExitDropsLaterRecords(t *testing.T) {
	requireBPF(t)
	for range 5 {
		b := newBuilder()
		hi := b.event(codegen.Event{Kind: codegen.EvPrintf, Format: "tick\n"})
		exit := b.event(codegen.Event{Kind: codegen.EvExit})
		endMsg := b.event(codegen.Event{Kind: codegen.EvPrintf, Format: "end\n"})
		b.probe("tick", ebpf.PerfEvent, "interval", []string{"interval:ms:1"}, concat(emit(hi), emit(exit), ret()))
		b.probe("END", ebpf.RawTracepoint, "END", []string{"END"}, concat(emit(endMsg), ret()))
		stdout, _, _, err := run(t, b.p, &Options{Quiet: true, Attacher: probes.New(nil)})
		if err != nil {
			t.Fatal(err)
		}
		if want := "tick\nend\n\n\n"; stdout != want {
			t.Fatalf("got %q, want %q", stdout, want)
		}
	}
}

func TestOutputEvents(t *testing.T) {
	requireBPF(t)
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, []byte("file text"), 0o644); err != nil {
		t.Fatal(err)
	}
	b := newBuilder()
	cat := b.event(codegen.Event{Kind: codegen.EvCat, Format: path})
	sys := b.event(codegen.Event{Kind: codegen.EvSystem, Format: "echo sys %d", Args: []*types.Type{types.Int64}})
	tm := b.event(codegen.Event{Kind: codegen.EvTime, Format: "|no conversions|"})
	argv := &types.Type{Kind: types.Array, Elem: types.NewString(8), Len: 3, Size: 24}
	join := b.event(codegen.Event{Kind: codegen.EvJoin, Format: ",", Args: []*types.Type{argv}})
	pr := b.event(codegen.Event{Kind: codegen.EvPrint, Args: []*types.Type{types.Int64}})
	exit := b.event(codegen.Event{Kind: codegen.EvExit})
	b.probe("BEGIN", ebpf.RawTracepoint, "BEGIN", []string{"BEGIN"}, concat(
		emit(cat), emit(sys, 7), emit(tm), emit(join, 'a', 'b', 0), emit(pr, -3), emit(exit), ret()))
	tests := []struct {
		name string
		json bool
		want string
	}{
		{"text", false, "file textsys 7\n|no conversions|a,b\n-3\n\n\n"},
		{"json", true, `{"type": "cat", "data": "file text"}
{"type": "syscall", "data": "sys 7\n"}
{"type": "time", "data": "|no conversions|"}
{"type": "join", "data": "a,b"}
{"type": "value", "data": -3}


`},
	}
	for _, tt := range tests {
		stdout, stderr, _, err := run(t, b.p, &Options{Quiet: true, Unsafe: true, JSON: tt.json})
		if err != nil || stderr != "" {
			t.Fatalf("%s: Run: %v, stderr %q", tt.name, err, stderr)
		}
		if diff := cmp.Diff(tt.want, stdout); diff != "" {
			t.Errorf("%s: stdout (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestCatMissingFile(t *testing.T) {
	requireBPF(t)
	b := newBuilder()
	cat := b.event(codegen.Event{Kind: codegen.EvCat, Format: "/does/not/exist"})
	exit := b.event(codegen.Event{Kind: codegen.EvExit})
	b.probe("BEGIN", ebpf.RawTracepoint, "BEGIN", []string{"BEGIN"}, concat(emit(cat), emit(exit), ret()))
	_, stderr, _, err := run(t, b.p, &Options{Quiet: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := "ERROR: failed to open file '/does/not/exist': No such file or directory\n"; stderr != want {
		t.Errorf("got stderr %q, want %q", stderr, want)
	}
}

// TestClearScalar clears un-keyed maps, which live in one-entry arrays: as
// in bpftrace, a cleared or never written sum prints as an empty map, a
// cleared count() as 0, and a map written again after clear() prints its
// new value.
func TestClearScalar(t *testing.T) {
	requireBPF(t)
	b := newBuilder()
	b.countMap("@c", "c")
	b.countMap("@d", "d")
	b.p.Spec.Maps["h"] = &ebpf.MapSpec{Name: "h", Type: ebpf.PerCPUArray, KeySize: 4, ValueSize: 8, MaxEntries: 1}
	b.p.Maps = append(b.p.Maps, &codegen.Map{Name: "@s", SpecName: "h", Value: &types.Type{Kind: types.Sum, Signed: true}, PerCPU: true})
	b.p.Spec.Maps["u"] = &ebpf.MapSpec{Name: "u", Type: ebpf.PerCPUArray, KeySize: 4, ValueSize: 8, MaxEntries: 1}
	b.p.Maps = append(b.p.Maps, &codegen.Map{Name: "@u", SpecName: "u", Value: &types.Type{Kind: types.Sum, Signed: true}, PerCPU: true})
	clearC := b.event(codegen.Event{Kind: codegen.EvClear, Map: "@c"})
	clearD := b.event(codegen.Event{Kind: codegen.EvClear, Map: "@d"})
	clearS := b.event(codegen.Event{Kind: codegen.EvClear, Map: "@s"})
	exit := b.event(codegen.Event{Kind: codegen.EvExit})
	b.probe("BEGIN", ebpf.RawTracepoint, "BEGIN", []string{"BEGIN"}, concat(
		bumpCount("c", "l1"), bumpCount("d", "l2"), bumpCount("h", "l3"),
		emit(clearC), emit(clearD), emit(clearS), emit(exit), ret()))
	b.probe("END", ebpf.RawTracepoint, "END", []string{"END"}, concat(bumpCount("d", "l4"), ret()))
	stdout, _, _, err := run(t, b.p, &Options{Quiet: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := "\n\n@c: 0\n@d: 1\n\n\n"; stdout != want {
		t.Errorf("got %q, want %q", stdout, want)
	}
}

// TestChildNeverReleased checks that a held child does not run its command
// when gtrace dies before releasing it: this test binary, re-executed with
// GTRACE_TEST_HOLD set, starts a held "touch" and exits at once; the
// kernel must kill the child (PTRACE_O_EXITKILL) rather than let it run.
func TestChildNeverReleased(t *testing.T) {
	if marker := os.Getenv("GTRACE_TEST_HOLD"); marker != "" {
		c, err := StartChild([]string{"touch", marker}, nil, nil, nil, nil)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println(c.Pid())
		os.Exit(0)
	}
	marker := filepath.Join(t.TempDir(), "ran")
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildNeverReleased$")
	cmd.Env = append(os.Environ(), "GTRACE_TEST_HOLD="+marker)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	var pid int
	if _, err := fmt.Sscan(string(out), &pid); err != nil {
		t.Fatalf("helper printed %q", out)
	}
	// The orphan is reaped by init (or a subreaper) once it is gone.
	for unix.Kill(pid, 0) == nil {
		time.Sleep(time.Millisecond)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Errorf("the held command ran without Release")
	}
}

// TestChildKilledHeld checks that Kill before Release never runs the
// command, and that a released child runs it as its own process: cpid is
// the command's pid, not a shell's.
func TestChildKilledHeld(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "ran")
	c, err := StartChild([]string{"touch", marker}, nil, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", c.Pid()))
	if err != nil || filepath.Base(exe) != "touch" {
		t.Errorf("held child runs %q (%v), want touch", exe, err)
	}
	c.Kill()
	if _, err := os.Stat(marker); err == nil {
		t.Errorf("the held command ran after Kill")
	}
	c, err = StartChild([]string{"touch", marker}, nil, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Release()
	<-c.Done()
	if _, err := os.Stat(marker); err != nil || c.err != nil {
		t.Errorf("released command: %v, exit %v", err, c.err)
	}
}

// TestPrintMapsSignal sends two SIGUSR1-like values: each prints every map,
// as bpftrace does, before the usual dump at exit.
func TestPrintMapsSignal(t *testing.T) {
	requireBPF(t)
	b := newBuilder()
	b.countMap("@c", "c")
	b.probe("BEGIN", ebpf.RawTracepoint, "BEGIN", []string{"BEGIN"}, concat(bumpCount("c", "l1"), ret()))
	// A probe besides BEGIN keeps the session running until ctx ends.
	b.probe("tp", ebpf.TracePoint, "tracepoint", []string{"tracepoint:a:b"}, ret())
	var stdout bytes.Buffer
	sig := make(chan os.Signal, 2)
	sig <- unix.SIGUSR1
	sig <- unix.SIGUSR1
	fa := &fakeAttacher{closed: make(chan string, 10)}
	s, err := Load(b.p, &Options{Stdout: &stdout, Quiet: true, PrintMaps: sig, Attacher: fa})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for len(sig) > 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	if _, err := s.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if want := "@c: 1\n@c: 1\n\n\n@c: 1\n"; stdout.String() != want {
		t.Errorf("got %q, want %q", stdout.String(), want)
	}
}

// TestBeginOnlyEndsByItself runs a program of BEGIN and END without exit()
// and without a context that ends: like bpftrace 0.24+, the session ends
// after BEGIN, runs END and prints the maps.
func TestBeginOnlyEndsByItself(t *testing.T) {
	requireBPF(t)
	b := newBuilder()
	endMsg := b.event(codegen.Event{Kind: codegen.EvPrintf, Format: "end\n"})
	b.countMap("@c", "c")
	b.probe("BEGIN", ebpf.RawTracepoint, "BEGIN", []string{"BEGIN"}, concat(bumpCount("c", "l1"), ret()))
	b.probe("END", ebpf.RawTracepoint, "END", []string{"END"}, concat(emit(endMsg), ret()))
	var stdout bytes.Buffer
	s, err := Load(b.p, &Options{Stdout: &stdout, Quiet: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if want := "end\n\n\n@c: 1\n"; stdout.String() != want {
		t.Errorf("got %q, want %q", stdout.String(), want)
	}
}
