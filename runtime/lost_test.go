package runtime

// This file tests, with scripts compiled by codegen, what the runtime
// reports from the counters codegen keeps: output records lost because the
// ring buffer was full.

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gtrace/gtrace/codegen"
	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/check"
)

func compileScript(t *testing.T, src string, cfg *codegen.Config) *codegen.Program {
	t.Helper()
	f, err := lang.Parse("<test>", src)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	info, err := (&check.Config{}).Check(f)
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	p, err := codegen.Compile(f, info, cfg)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return p
}

func TestLostEvents(t *testing.T) {
	requireBPF(t)
	// BEGIN's exit() gets through; END writes about 26 KiB of records in
	// one run into a 4 KiB ring buffer.
	src := `BEGIN { exit(); }
END { $s = "0123456789012345678901234567890123456789012345678901234567890";
  unroll(100) { printf("%s%s%s%s\n", $s, $s, $s, $s); } }`
	prog := compileScript(t, src, &codegen.Config{RingBufSize: 4096})
	tests := []struct {
		name         string
		json         bool
		stdout, errw *regexp.Regexp
	}{
		{"text", false, nil, regexp.MustCompile(`(?m)^Lost [1-9][0-9]* events$`)},
		{"json", true, regexp.MustCompile(`(?m)^\{"type": "lost_events", "data": \{"events": [1-9][0-9]*\}\}$`), nil},
	}
	for _, tt := range tests {
		stdout, stderr, _, err := run(t, prog, &Options{Quiet: true, JSON: tt.json})
		if err != nil {
			t.Fatalf("%s: Run: %v", tt.name, err)
		}
		if tt.stdout != nil && !tt.stdout.MatchString(stdout) {
			t.Errorf("%s: got stdout %q, want a match for %s", tt.name, stdout, tt.stdout)
		}
		if tt.errw != nil && !tt.errw.MatchString(stderr) {
			t.Errorf("%s: got stderr %q, want a match for %s", tt.name, stderr, tt.errw)
		}
	}
}

// getsidEnv makes this test binary, re-executed, call getsid() that many
// times and exit (see TestMain): a -c target whose events are known. (Not
// getppid: the shell that holds the -c child calls it once at start.) With
// holdEnv set it then prints "calls done" and waits to be killed.
const (
	getsidEnv = "GTRACE_TEST_GETSID"
	holdEnv   = "GTRACE_TEST_HOLD"
)

func TestMain(m *testing.M) {
	if n, err := strconv.Atoi(os.Getenv(getsidEnv)); err == nil {
		for range n {
			unix.Getsid(0)
		}
		if os.Getenv(holdEnv) != "" {
			os.Stdout.WriteString("calls done\n")
			time.Sleep(time.Hour) // killed by the session
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestLostCountExact forces loss with a 4 KiB ring buffer and a -c target
// calling getsid() 200000 times, each call one printf record: the lines
// printed and the lost count reported must add up to the calls, exactly.
func TestLostCountExact(t *testing.T) {
	requireBPF(t)
	const calls = 200000
	prog := compileScript(t, `tracepoint:syscalls:sys_enter_getsid /pid == cpid/ { printf("hit %d\n", pid); }`,
		&codegen.Config{RingBufSize: 4096})
	stdout, stderr, _, err := run(t, prog, &Options{
		Quiet: true, Attacher: newTracepointAttacher(t),
		Cmd: []string{os.Args[0]}, Env: []string{getsidEnv + "=" + strconv.Itoa(calls)},
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	lines := len(regexp.MustCompile(`(?m)^hit [0-9]+$`).FindAllString(stdout, -1))
	m := regexp.MustCompile(`(?m)^Lost ([0-9]+) events$`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no lost events reported with a 4 KiB ring buffer (%d lines); stderr: %q", lines, stderr)
	}
	lost, _ := strconv.Atoi(m[1])
	if lines+lost != calls {
		t.Errorf("got %d lines + %d lost = %d, want %d calls", lines, lost, lines+lost, calls)
	}
}

// TestStopAccounting stops a session (as a signal does, by cancelling its
// context) right after its -c target called getsid() many times: every call
// is printed, lost (ring buffer full) or dropped (queued when the session
// stopped), and the three counts add up to the calls. The output is a slow
// writer, so that records are likely still queued at the stop.
func TestStopAccounting(t *testing.T) {
	requireBPF(t)
	const calls = 100000
	prog := compileScript(t, `tracepoint:syscalls:sys_enter_getsid /pid == cpid/ { printf("hit %d\n", pid); }`,
		&codegen.Config{RingBufSize: 1 << 20})
	var stdout, stderr lockedBuffer
	stdout.delay = 50 * time.Millisecond
	s, err := Load(prog, &Options{
		Quiet: true, Attacher: newTracepointAttacher(t), Stdout: &stdout, Stderr: &stderr,
		Cmd: []string{os.Args[0]}, Env: []string{getsidEnv + "=" + strconv.Itoa(calls), holdEnv + "=1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := s.Run(ctx); done <- err }()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(stdout.String(), "calls done\n") {
		if time.Now().After(deadline) {
			t.Fatalf("the target did not finish its calls: %q", stderr.String())
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// The target's line may split one of the session's: drop it first.
	out, errs := strings.Replace(stdout.String(), "calls done\n", "", 1), stderr.String()
	lines := strings.Count(out, "hit ")
	lost := countIn(t, errs, `(?m)^Lost ([0-9]+) events$`)
	dropped := countIn(t, errs, `(?m)^Dropped ([0-9]+) events queued at exit$`)
	t.Logf("%d lines, %d lost, %d dropped", lines, lost, dropped)
	if lines+lost+dropped != calls {
		t.Errorf("got %d lines + %d lost + %d dropped = %d, want %d calls", lines, lost, dropped, lines+lost+dropped, calls)
	}
}

// countIn returns the number the regexp re captures in s, 0 without a match.
func countIn(t *testing.T, s, re string) int {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// lockedBuffer is a bytes.Buffer safe for concurrent use; each write
// takes delay.
type lockedBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	delay time.Duration
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	time.Sleep(b.delay)
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
