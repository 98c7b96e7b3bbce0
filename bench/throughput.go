package main

// This file measures output throughput and map printing: a C target calls
// getppid() at a fixed rate (or as fast as it can) for a while, traced with
// a printf per call written to a file (-o); and a target whose calls fill a
// count() map of N keys, timed from the target's end to the tool's exit.

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// targetSrc is the C target: "getppid RATE SECONDS" calls getppid() RATE
// times a second (0: as fast as it can) for SECONDS, then prints "calls
// wall_seconds end_unix_seconds" on stderr.
const targetSrc = `#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
static double now(int clk) { struct timespec ts; clock_gettime(clk, &ts); return ts.tv_sec + ts.tv_nsec / 1e9; }
int main(int argc, char **argv) {
	double rate = atof(argv[1]), secs = atof(argv[2]), t0 = now(CLOCK_MONOTONIC);
	long n = 0;
	if (rate > 0) {
		long total = (long)(rate * secs);
		for (; n < total; n++) {
			if ((n & 63) == 0) while (now(CLOCK_MONOTONIC) < t0 + n / rate) ;
			syscall(SYS_getppid);
		}
	} else {
		while (now(CLOCK_MONOTONIC) - t0 < secs) { for (int i = 0; i < 1024; i++) syscall(SYS_getppid); n += 1024; }
	}
	fprintf(stderr, "%ld %.6f %.6f\n", n, now(CLOCK_MONOTONIC) - t0, now(CLOCK_REALTIME));
	return 0;
}
`

// buildTarget compiles the C target with gcc into dir.
func buildTarget(dir string) (string, error) {
	src := filepath.Join(dir, "getppid.c")
	bin := filepath.Join(dir, "getppid")
	if err := os.WriteFile(src, []byte(targetSrc), 0o644); err != nil {
		return "", err
	}
	if out, err := exec.Command("gcc", "-O2", "-o", bin, src).CombinedOutput(); err != nil {
		return "", fmt.Errorf("gcc: %v: %s", err, out)
	}
	return bin, nil
}

// targetRun is what the target reports.
type targetRun struct {
	calls int
	wall  float64 // seconds
	end   float64 // unix seconds at its end
}

func parseTarget(stderr string) (targetRun, error) {
	m := regexp.MustCompile(`(?m)^([0-9]+) ([0-9.]+) ([0-9.]+)$`).FindStringSubmatch(stderr)
	if m == nil {
		return targetRun{}, fmt.Errorf("no report from the target in %q", stderr)
	}
	var r targetRun
	r.calls, _ = strconv.Atoi(m[1])
	r.wall, _ = strconv.ParseFloat(m[2], 64)
	r.end, _ = strconv.ParseFloat(m[3], 64)
	return r, nil
}

const printfScript = `tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { printf("%d %d\n", pid, nsecs); }`

// printfRates are the target's rates (0: unthrottled), for printfSeconds.
var printfRates = []int{100000, 300000, 1000000, 0}

const printfSeconds = 2

// printf traces the target at each rate with a printf per call to a file,
// and reports the share of lines delivered, the target's wall time against
// an untraced run, and lines written per second of the target's run.
func printf(tools []tool, target, dir string) {
	for _, rate := range printfRates {
		name := "unthrottled"
		if rate > 0 {
			name = fmt.Sprintf("%dk/s", rate/1000)
		}
		base, err := untraced(target, rate)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return
		}
		delivered := make([]float64, len(tools))
		slowdown := make([]float64, len(tools))
		rates := make([]float64, len(tools))
		for i, t := range tools {
			run, lines, err := printfOnce(t, target, rate, dir)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", t.name, err)
				return
			}
			delivered[i] = 100 * float64(lines) / float64(run.calls)
			slowdown[i] = run.wall / base.wall
			if rate == 0 { // a fixed time: compare the rates of calls
				slowdown[i] = (float64(base.calls) / base.wall) / (float64(run.calls) / run.wall)
			}
			rates[i] = float64(lines) / run.wall / 1e6
		}
		report("printf "+name+": lines delivered", "%  ", tools, delivered)
		what := fmt.Sprintf("printf %s: target wall / untraced (%.2f s)", name, base.wall)
		if rate == 0 {
			what = fmt.Sprintf("printf %s: target slowdown (untraced %.2fM calls/s)", name, float64(base.calls)/base.wall/1e6)
		}
		report(what, "x  ", tools, slowdown)
		if rate == 0 {
			report("printf unthrottled: lines written per second", "M/s", tools, rates)
		}
	}
}

func untraced(target string, rate int) (targetRun, error) {
	cmd := exec.Command(target, strconv.Itoa(rate), strconv.Itoa(printfSeconds))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return targetRun{}, fmt.Errorf("target: %v: %s", err, out)
	}
	return parseTarget(string(out))
}

// printfOnce runs one tool on the target and counts the printf lines.
func printfOnce(t tool, target string, rate int, dir string) (targetRun, int, error) {
	out := filepath.Join(dir, "printf.out")
	cmd := exec.Command(t.path, "-o", out, "-c", fmt.Sprintf("%s %d %d", target, rate, printfSeconds), "-e", printfScript)
	stderr, err := cmd.CombinedOutput()
	if err != nil {
		return targetRun{}, 0, fmt.Errorf("%v: %s", err, stderr)
	}
	run, err := parseTarget(string(stderr))
	if err != nil {
		return run, 0, err
	}
	lines, err := countLines(out, regexp.MustCompile(`^[0-9]+ -?[0-9]+$`))
	return run, lines, err
}

func countLines(path string, re *regexp.Regexp) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		if re.Match(sc.Bytes()) {
			n++
		}
	}
	return n, sc.Err()
}

// mapKeys are the sizes of the printed count() map.
var mapKeys = []int{100000, 1000000}

// mapPrint fills a count() map with one key per call of the target and
// reports the time from the target's end to the tool's exit: reading,
// sorting and printing the map (to a file), plus the tool's exit.
func mapPrint(tools []tool, target, dir string) {
	for _, keys := range mapKeys {
		vals := make([]float64, len(tools))
		for i, t := range tools {
			s, err := mapPrintOnce(t, target, keys, dir)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", t.name, err)
				return
			}
			vals[i] = s
		}
		report(fmt.Sprintf("print a %dk-key count() map at exit", keys/1000), "s  ", tools, vals)
	}
}

func mapPrintOnce(t tool, target string, keys int, dir string) (float64, error) {
	out := filepath.Join(dir, "map.out")
	// As fast as it can, exactly keys calls: a rate of 1e9 for keys/1e9 s.
	cmd := exec.Command(t.path, "-o", out, "-c", fmt.Sprintf("%s 1000000000 %g", target, float64(keys)/1e9),
		"-e", `tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { @[nsecs] = count(); }`)
	limit := strconv.Itoa(keys + keys/10)
	// bpftrace 0.17 reads BPFTRACE_MAP_KEYS_MAX; later versions and gtrace
	// BPFTRACE_MAX_MAP_KEYS (gtrace takes both).
	cmd.Env = append(os.Environ(), "BPFTRACE_MAP_KEYS_MAX="+limit, "BPFTRACE_MAX_MAP_KEYS="+limit)
	stderr, err := cmd.CombinedOutput()
	exited := float64(time.Now().UnixNano()) / 1e9
	if err != nil {
		return 0, fmt.Errorf("%v: %s", err, stderr)
	}
	run, err := parseTarget(string(stderr))
	if err != nil {
		return 0, err
	}
	n, err := countLines(out, regexp.MustCompile(`^@\[`))
	if err != nil {
		return 0, err
	}
	if n < keys*9/10 {
		return 0, fmt.Errorf("printed %d keys, want about %d: %s", n, keys, strings.TrimSpace(string(stderr)))
	}
	return exited - run.end, nil
}
