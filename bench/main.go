// Command bench measures gtrace against bpftrace on this machine, in one run,
// and prints ratios (gtrace / bpftrace). It is not part of the test suite:
//
//	go build -o gtrace ./cmd/gtrace && go run ./bench [-gtrace ./gtrace] [-n 10]
//
// It measures:
//   - whole-process wall time and peak RSS of `-e 'BEGIN { exit(); }'`;
//   - kernel-measured cost per event (run_time_ns / run_cnt, with
//     kernel.bpf_stats_enabled=1, the median of 3 runs) of three
//     tracepoint:syscalls:sys_enter_read programs while a dd workload
//     reads, as a whole and above the empty program's;
//   - wall time of a 360-probe script that exits at once (attach + detach);
//   - printf throughput (throughput.go): a C target (built with gcc) calls
//     getppid() 100k, 300k, 1M times a second and unthrottled for 2 s,
//     each call traced with a printf to a file: lines delivered, the
//     target's wall time against an untraced run, lines written per second;
//   - the time to print a count() map of 100k and 1M keys at exit.
//
// -parts selects some of them: startup, cost, probes, printf, map.
//
// bpftrace is optional: without it, only gtrace's figures are printed.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cilium/ebpf"
)

type tool struct {
	name string
	path string
}

func main() {
	gt := flag.String("gtrace", "./gtrace", "the gtrace `binary` to measure")
	bt := flag.String("bpftrace", "bpftrace", "the bpftrace `binary` to compare with")
	n := flag.Int("n", 10, "`runs` per startup measurement")
	events := flag.Int("events", 200000, "read() calls per cost measurement")
	parts := flag.String("parts", "startup,cost,probes,printf,map", "comma-separated `parts` to run")
	flag.Parse()
	tools := []tool{{"gtrace", *gt}}
	if p, err := exec.LookPath(*bt); err == nil {
		tools = append(tools, tool{"bpftrace", p})
	} else {
		fmt.Println("bpftrace not found: printing gtrace's figures only")
	}
	want := map[string]bool{}
	for _, p := range strings.Split(*parts, ",") {
		want[p] = true
	}
	if want["startup"] {
		startup(tools, *n)
	}
	if want["cost"] {
		costs(tools, *events)
	}
	if want["probes"] {
		manyProbes(tools)
	}
	if want["printf"] || want["map"] {
		dir, err := os.MkdirTemp("", "gtrace-bench")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer os.RemoveAll(dir)
		target, err := buildTarget(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if want["printf"] {
			printf(tools, target, dir)
		}
		if want["map"] {
			mapPrint(tools, target, dir)
		}
	}
}

// result is one measurement per tool, in the order of tools.
func report(what, unit string, tools []tool, vals []float64) {
	fmt.Printf("%-58s", what)
	for i, t := range tools {
		fmt.Printf("  %s %10.1f %s", t.name, vals[i], unit)
	}
	if len(vals) == 2 && vals[1] > 0 {
		fmt.Printf("  ratio %.3f", vals[0]/vals[1])
	}
	fmt.Println()
}

// startup runs `-e 'BEGIN { exit(); }'` n times per tool and reports the
// median wall time and the median peak RSS.
func startup(tools []tool, n int) {
	walls := make([]float64, len(tools))
	rss := make([]float64, len(tools))
	for i, t := range tools {
		var ws, rs []float64
		for range n {
			w, r, err := runOnce(t.path, "-e", "BEGIN { exit(); }")
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", t.name, err)
				os.Exit(1)
			}
			ws, rs = append(ws, w.Seconds()*1000), append(rs, r)
		}
		walls[i], rss[i] = median(ws), median(rs)
	}
	report("startup `BEGIN { exit(); }` wall (median)", "ms ", tools, walls)
	report("startup `BEGIN { exit(); }` peak RSS (median)", "MiB", tools, rss)
}

func runOnce(path string, args ...string) (time.Duration, float64, error) {
	cmd := exec.Command(path, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	t0 := time.Now()
	err := cmd.Run()
	wall := time.Since(t0)
	if err != nil {
		return 0, 0, fmt.Errorf("%v: %s", err, out.String())
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return wall, float64(ru.Maxrss) / 1024, nil
}

var costScripts = []string{
	`tracepoint:syscalls:sys_enter_read { @[comm] = count(); }`,
	`tracepoint:syscalls:sys_enter_read { @h = hist(args->count); }`,
	`tracepoint:syscalls:sys_enter_read /comm == "dd"/ { printf("%d %s\n", pid, comm); }`,
}

// floorScript is the empty program: its cost per event is the kernel's
// (running any BPF program on the tracepoint), the floor under every script.
const floorScript = `tracepoint:syscalls:sys_enter_read { }`

// costs reports each script's cost per event, as a whole and above the
// floor of each tool's empty program.
func costs(tools []tool, events int) {
	floor := cost(tools, floorScript, events)
	for _, s := range costScripts {
		vals := cost(tools, s, events)
		if floor == nil || vals == nil {
			continue
		}
		above := make([]float64, len(tools))
		for i := range tools {
			above[i] = vals[i] - floor[i]
		}
		report("  above the floor", "ns ", tools, above)
	}
}

// costRuns is how many times cost measures each tool; it reports the
// median.
const costRuns = 3

// cost starts each tool on script, drives `events` reads with dd, and reads
// run_time_ns/run_cnt of the tool's BPF programs (the median of costRuns
// runs).
func cost(tools []tool, script string, events int) []float64 {
	if err := os.WriteFile("/proc/sys/kernel/bpf_stats_enabled", []byte("1"), 0); err != nil {
		fmt.Fprintf(os.Stderr, "enable bpf stats: %v\n", err)
		return nil
	}
	defer os.WriteFile("/proc/sys/kernel/bpf_stats_enabled", []byte("0"), 0)
	vals := make([]float64, len(tools))
	for i, t := range tools {
		var runs []float64
		for range costRuns {
			ns, err := costOnce(t.path, script, events)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", t.name, err)
				return nil
			}
			runs = append(runs, ns)
		}
		vals[i] = median(runs)
	}
	report("per event: "+script, "ns ", tools, vals)
	return vals
}

func costOnce(path, script string, events int) (float64, error) {
	cmd := exec.Command(path, "-e", script)
	cmd.Stdout, cmd.Stderr = nil, os.Stderr
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer stop(cmd)
	ids, err := waitForPrograms(cmd.Process.Pid)
	if err != nil {
		return 0, err
	}
	before := progStats(ids)
	dd := exec.Command("dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count="+strconv.Itoa(events))
	if out, err := dd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("dd: %v: %s", err, out)
	}
	after := progStats(ids)
	cnt := after[1] - before[1]
	if cnt == 0 {
		return 0, fmt.Errorf("no events counted")
	}
	return float64(after[0]-before[0]) / float64(cnt), nil
}

// stop sends cmd SIGINT and waits for it; a tool still running 20 s later
// (bpftrace 0.17 sometimes hangs at exit on a loaded machine) is killed.
func stop(cmd *exec.Cmd) {
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		fmt.Fprintf(os.Stderr, "%s did not exit 20 s after SIGINT: killed\n", cmd.Path)
		cmd.Process.Kill()
		<-done
	}
}

// waitForPrograms waits until pid holds BPF programs and returns their ids.
func waitForPrograms(pid int) ([]ebpf.ProgramID, error) {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		if ids := programsOf(pid); len(ids) > 0 {
			time.Sleep(300 * time.Millisecond) // let attaching finish
			return programsOf(pid), nil
		}
	}
	return nil, fmt.Errorf("process %d loaded no BPF program", pid)
}

func programsOf(pid int) []ebpf.ProgramID {
	fds, _ := filepath.Glob(fmt.Sprintf("/proc/%d/fdinfo/*", pid))
	var ids []ebpf.ProgramID
	for _, f := range fds {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "prog_id:"); ok {
				n, _ := strconv.Atoi(strings.TrimSpace(v))
				ids = append(ids, ebpf.ProgramID(n))
			}
		}
	}
	return ids
}

// progStats sums run time and run count over the programs.
func progStats(ids []ebpf.ProgramID) [2]uint64 {
	var s [2]uint64
	for _, id := range ids {
		p, err := ebpf.NewProgramFromID(id)
		if err != nil {
			continue
		}
		if st, err := p.Stats(); err == nil {
			s[0] += uint64(st.Runtime.Nanoseconds())
			s[1] += st.RunCount
		}
		p.Close()
	}
	return s
}

// manyProbes times a script with one probe per syscall entry tracepoint that
// exits at once: the cost of attaching and detaching hundreds of probes.
func manyProbes(tools []tool) {
	vals := make([]float64, len(tools))
	for i, t := range tools {
		w, _, err := runOnce(t.path, "-e", `tracepoint:syscalls:sys_enter_* { @[probe] = count(); } BEGIN { exit(); }`)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", t.name, err)
			return
		}
		vals[i] = w.Seconds()
	}
	report("`sys_enter_* { @[probe] = count(); } BEGIN { exit(); }`", "s  ", tools, vals)
}

func median(v []float64) float64 {
	sort.Float64s(v)
	return v[len(v)/2]
}
