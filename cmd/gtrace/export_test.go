package main

// This file tests the exporters end to end, with the real consumers: a
// Prometheus server scraping `gtrace --metrics` (values read back through
// its query API), promtool checking the exposition, and `go tool pprof`
// reading `--pprof` profiles of a C program (gcc) and a Go program. Under
// CI=true a missing prometheus, promtool, gcc or go fails the test.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gtrace/gtrace/internal/bpftest"
)

// need returns the path of a program the test needs: missing, it fails the
// test under CI=true (.ci/run installs it) and skips it elsewhere.
func need(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed (CI=true: .ci/run must install it)", name)
	}
	t.Skipf("skipped: %s is not installed", name)
	return ""
}

var servingRE = regexp.MustCompile(`Serving metrics on https?(?:\(s\))?://([^/\s]+)/metrics`)

// startGtraceMetrics starts gtrace with args (which include --metrics) and
// returns it, its stdout and stderr, and the address it serves once it
// says so. The test stops it.
func startGtraceMetrics(t *testing.T, args ...string) (cmd *exec.Cmd, stdout, stderr *syncBuffer, addr string) {
	t.Helper()
	cmd = gtraceCmd(args...)
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	cmd.Stdout = stdout
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			stderr.Write([]byte(sc.Text() + "\n"))
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		io.Copy(stderr, pr)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		pw.Close()
	})
	select {
	case addr = <-found:
	case <-time.After(60 * time.Second):
		t.Fatalf("gtrace did not start serving metrics; stderr:\n%s", stderr.String())
	}
	return cmd, stdout, stderr, addr
}

// stop interrupts gtrace as Ctrl-C does and waits for it.
func stop(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("gtrace: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("gtrace did not exit on SIGINT")
	}
}

// buildC compiles a C program with gcc -O0 (frame pointers kept).
func buildC(t *testing.T, name, src string) string {
	t.Helper()
	gcc := need(t, "gcc")
	dir := t.TempDir()
	file := filepath.Join(dir, name+".c")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, name)
	if out, err := exec.Command(gcc, "-g", "-O0", "-fno-omit-frame-pointer", "-o", bin, file).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	return bin
}

// getppidLoop calls getppid(2) argv[1] times, then waits to be killed.
const getppidLoop = `#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>
int main(int argc, char **argv) {
	long n = atol(argv[1]);
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	for (;;)
		pause();
}
`

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startPrometheus runs a Prometheus server that scrapes target every
// second and returns its address.
func startPrometheus(t *testing.T, target string) string {
	t.Helper()
	prom := need(t, "prometheus")
	dir := t.TempDir()
	conf := fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: gtrace
    static_configs:
      - targets: [%q]
`, target)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	cmd := exec.Command(prom, "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"), "--web.listen-address="+addr)
	var log syncBuffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		if t.Failed() {
			t.Logf("prometheus log:\n%s", log.String())
		}
	})
	return addr
}

// promQuery evaluates an instant query and returns the value of each
// series, keyed by its labels' text.
func promQuery(prom, q string) (map[string]float64, error) {
	resp, err := http.Get("http://" + prom + "/api/v1/query?query=" + url.QueryEscape(q))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var r struct {
		Status string
		Error  string
		Data   struct {
			Result []struct {
				Metric map[string]string
				Value  []any
			}
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, err
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("query %s: %s", q, r.Error)
	}
	out := map[string]float64{}
	for _, s := range r.Data.Result {
		if len(s.Value) != 2 {
			continue
		}
		v, err := strconv.ParseFloat(fmt.Sprint(s.Value[1]), 64)
		if err != nil {
			return nil, err
		}
		delete(s.Metric, "instance")
		delete(s.Metric, "job")
		out[fmt.Sprint(s.Metric)] = v
	}
	return out, nil
}

// TestMetricsPrometheus has Prometheus scrape gtrace while a child makes
// exactly n getppid calls, and reads the counter and the histogram back
// through Prometheus' query API once it has scraped at least twice.
func TestMetricsPrometheus(t *testing.T) {
	bpftest.RequireBPF(t)
	const n = 1000
	child := buildC(t, "getppid", getppidLoop)
	promtool := need(t, "promtool")
	// comm == "getppid": the held -c child starts as a shell, which may
	// call getppid itself once the probes are attached.
	script := `tracepoint:syscalls:sys_enter_getppid /pid == cpid && comm == "getppid"/ { @calls = count(); @bycomm[comm] = count(); @start[tid] = nsecs; }
tracepoint:syscalls:sys_exit_getppid /pid == cpid && comm == "getppid" && @start[tid] != 0/ { @usecs = hist((nsecs - @start[tid]) / 1000); delete(@start[tid]); }`
	cmd, stdout, stderr, addr := startGtraceMetrics(t, "-f", "json", "--metrics", ":0", "-c", child+" "+strconv.Itoa(n), "-e", script)
	if !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Errorf("--metrics :0 serves on %s, want loopback 127.0.0.1", addr)
	}
	prom := startPrometheus(t, addr)

	want := map[string]float64{
		`gtrace_calls_total`:                      n,
		`gtrace_bycomm_total`:                     n,
		`gtrace_usecs_count`:                      n,
		`gtrace_usecs_bucket{le="+Inf"}`:          n,
		`count_over_time(gtrace_calls_total[5m])`: 2, // at least
	}
	got := map[string]float64{}
	deadline := time.Now().Add(90 * time.Second)
	for {
		var err error
		for q := range want {
			var r map[string]float64
			if r, err = promQuery(prom, q); err != nil {
				break
			}
			got[q] = -1
			for _, v := range r {
				got[q] = v
			}
		}
		if err == nil && settled(got, want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 90s Prometheus has %v (err %v), want %v; gtrace stderr:\n%s", got, err, want, stderr.String())
		}
		time.Sleep(500 * time.Millisecond)
	}
	if r, err := promQuery(prom, `gtrace_bycomm_total`); err != nil || r[`map[__name__:gtrace_bycomm_total comm:getppid]`] != n {
		t.Errorf("gtrace_bycomm_total by comm: %v, %v; want comm=getppid %d", r, err, n)
	}

	// The exposition passes promtool's checks.
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	check := exec.Command(promtool, "check", "metrics")
	check.Stdin = bytes.NewReader(body)
	if out, err := check.CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("promtool check metrics: %v\n%s\nexposition:\n%s", err, out, body)
	}

	stop(t, cmd)
	// -f json output is unchanged by --metrics.
	if want := fmt.Sprintf(`{"type": "map", "data": {"@calls": %d}}`, n); !strings.Contains(stdout.String(), want) {
		t.Errorf("stdout lacks %s:\n%s", want, stdout.String())
	}
}

// settled reports whether Prometheus has what want asks: the exact values,
// and for count_over_time at least that many scrapes.
func settled(got, want map[string]float64) bool {
	for q, w := range want {
		if strings.HasPrefix(q, "count_over_time") {
			if got[q] < w {
				return false
			}
		} else if got[q] != w {
			return false
		}
	}
	return true
}

// spinC burns CPU for two seconds in spin_leaf, called by spin_caller.
const spinC = `#include <time.h>
static volatile unsigned long sink;
__attribute__((noinline)) void spin_leaf(void) { for (int i = 0; i < 100000; i++) sink += i; }
__attribute__((noinline)) void spin_caller(void) { spin_leaf(); }
int main(void) {
	time_t end = time(0) + 2;
	while (time(0) < end)
		spin_caller();
	return 0;
}
`

// spinGo burns CPU for two seconds in main.spin, called through main.run,
// which the compiler inlines into main.main. spin calls add so that it has
// a frame of its own: the kernel walks user stacks by frame pointers, and
// a sample in a frameless leaf function loses the leaf's caller.
const spinGo = `package main

import "time"

var sink int

//go:noinline
func add(a, b int) int { return a + b }

//go:noinline
func spin() {
	for i := 0; i < 1000000; i++ {
		sink = add(sink, i)
	}
}

func run() { spin() }

func main() {
	end := time.Now().Add(2 * time.Second)
	for time.Now().Before(end) {
		run()
	}
}
`

// buildGo builds a one-file Go program.
func buildGo(t *testing.T, name, src string) string {
	t.Helper()
	gobin := need(t, "go")
	dir := t.TempDir()
	for f, text := range map[string]string{"main.go": src, "go.mod": "module " + name + "\n\ngo 1.22\n"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, name)
	cmd := exec.Command(gobin, "build", "-o", bin, ".")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestPprofProfile profiles a C and a Go program on CPU with --pprof, and
// has `go tool pprof -top` read the profile; -f folded prints the same
// stacks as collapsed lines. Functions the Go compiler inlined are frames
// of their own.
func TestPprofProfile(t *testing.T) {
	bpftest.RequireBPF(t)
	gobin := need(t, "go")
	for _, tc := range []struct {
		name  string
		bin   func(t *testing.T) string
		funcs []string // in -top, and root first in a folded line
	}{
		{"c", func(t *testing.T) string { return buildC(t, "spin", spinC) }, []string{"main", "spin_caller", "spin_leaf"}},
		{"go", func(t *testing.T) string { return buildGo(t, "spin", spinGo) }, []string{"main.main", "main.run", "main.spin"}}, // main.run is inlined
	} {
		t.Run(tc.name, func(t *testing.T) {
			bin := tc.bin(t)
			prof := filepath.Join(t.TempDir(), "cpu.pb.gz")
			script := `profile:hz:99 /pid == cpid/ { @[ustack] = count(); }`
			out, err := gtraceCmd("-q", "--pprof", prof, "-f", "folded", "-c", bin, "-e", script).CombinedOutput()
			if err != nil {
				t.Fatalf("gtrace: %v\n%s", err, out)
			}
			top, err := exec.Command(gobin, "tool", "pprof", "-top", prof).CombinedOutput()
			if err != nil {
				t.Fatalf("go tool pprof -top: %v\n%s", err, top)
			}
			for _, fn := range tc.funcs {
				if !regexp.MustCompile(`(?m)\s` + regexp.QuoteMeta(fn) + `( \(inline\))?$`).Match(top) {
					t.Errorf("go tool pprof -top lacks %s:\n%s", fn, top)
				}
			}
			chain := strings.Join(tc.funcs, ";")
			if !regexp.MustCompile(`(?m)^\S*` + regexp.QuoteMeta(chain) + ` [1-9][0-9]*$`).Match(out) {
				t.Errorf("-f folded has no line with %s N:\n%s", chain, out)
			}
		})
	}
}
