package export

// Tier-1 tests of the collector against a session's real per-CPU maps.

import (
	"bytes"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cilium/ebpf"

	"github.com/gtrace/gtrace/codegen"
	"github.com/gtrace/gtrace/internal/bpftest"
	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/check"
	"github.com/gtrace/gtrace/runtime"
)

// session loads src, compiled with cfg, until the test ends. It does not
// run it: its maps exist from Load on, and the collector reads them as it
// does while the probes run (without the exit dump of a huge map).
func session(t testing.TB, src string, cfg *codegen.Config) *runtime.Session {
	t.Helper()
	f, err := lang.Parse("<test>", src)
	if err != nil {
		t.Fatal(lang.FormatError(err))
	}
	info, err := (&check.Config{}).Check(f)
	if err != nil {
		t.Fatal(lang.FormatError(err))
	}
	prog, err := codegen.Compile(f, info, cfg)
	if err != nil {
		t.Fatal(lang.FormatError(err))
	}
	var out bytes.Buffer
	s, err := runtime.Load(prog, &runtime.Options{Stdout: &out, Stderr: &out, Quiet: true})
	if err != nil {
		t.Fatal(lang.FormatError(err))
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// millionKeys declares the map @scale1m, which fillMillion fills with
// 2^20 keys (a BPF loop of 2^20 iterations is more than the verifier
// takes).
const millionKeys = `BEGIN { @scale1m[0] = count(); }`

// fillMillion finds the session's map AT_scale1m in the kernel and gives
// it 2^20 keys, each counted once on each CPU.
func fillMillion(t testing.TB) {
	t.Helper()
	var m *ebpf.Map
	for id := ebpf.MapID(0); m == nil; {
		next, err := ebpf.MapGetNextID(id)
		if err != nil {
			t.Fatal("map AT_scale1m not found")
		}
		id = next
		km, err := ebpf.NewMapFromID(id)
		if err != nil {
			continue
		}
		if info, err := km.Info(); err == nil && info.Name == "AT_scale1m" {
			m = km
		} else {
			km.Close()
		}
	}
	defer m.Close()
	ncpu, err := ebpf.PossibleCPU()
	if err != nil {
		t.Fatal(err)
	}
	const chunk = 1 << 16
	keys := make([]uint64, chunk)
	vals := make([]uint64, chunk*ncpu)
	for i := range vals {
		vals[i] = 1
	}
	for base := 0; base < 1<<20; base += chunk {
		for i := range keys {
			keys[i] = uint64(base + i)
		}
		if _, err := m.BatchUpdate(keys, vals, nil); err != nil {
			t.Fatalf("fill: %v", err)
		}
	}
}

// TestScrapeMillionKeys scrapes a map of 2^20 keys: the scrape reads the
// cap of keys and reports that it did.
func TestScrapeMillionKeys(t *testing.T) {
	bpftest.RequireBPF(t)
	s := session(t, millionKeys, &codegen.Config{MapMax: 1 << 20})
	fillMillion(t)
	var stderr bytes.Buffer
	c := NewCollector(s, &MetricsOptions{Stderr: &stderr})
	cpu0, start := cpuTime(), time.Now()
	got := scrape(t, c)
	t.Logf("one scrape of a map of 2^20 keys: %v wall, %v CPU (user+system), %d bytes",
		time.Since(start), cpuTime()-cpu0, len(got))
	if n := strings.Count(got, "gtrace_scale1m_total{"); n != DefaultMaxKeys {
		t.Errorf("got %d series, want %d", n, DefaultMaxKeys)
	}
	for _, want := range []string{"gtrace_metrics_max_keys 10000\n", `gtrace_metrics_truncated{map="@scale1m"} 1` + "\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("exposition lacks %q", want)
		}
	}
	if !strings.Contains(stderr.String(), "warning: map @scale1m has more than 10000 keys") {
		t.Errorf("no warning on stderr: %q", stderr.String())
	}
}

// BenchmarkScrapeMillionKeys measures one scrape of a map of 2^20 keys.
func BenchmarkScrapeMillionKeys(b *testing.B) {
	bpftest.RequireBPF(b)
	s := session(b, millionKeys, &codegen.Config{MapMax: 1 << 20})
	fillMillion(b)
	c := NewCollector(s, nil)
	start := time.Now()
	for b.Loop() {
		scrape(b, c)
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/scrape")
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
