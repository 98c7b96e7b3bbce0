// Command vmrun runs gtrace's kernel matrix (package vmtest): for each
// kernel it fetches vmlinuz, packs an initramfs with a static gtrace and the
// guest test binary, boots it under qemu and reports the cases' results.
//
//	go run ./internal/vmtest/cmd/vmrun [-kernel 5.10,6.12] [-run REGEX] [-v] [-shell] [-bpftrace]
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/gtrace/gtrace/internal/vmtest"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

type options struct {
	kernels  []vmtest.Kernel
	run      string
	verbose  bool
	shell    bool
	refresh  bool
	cache    string
	timeout  time.Duration
	parallel int
	oracle   bool
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("vmrun", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		kernels  = fs.String("kernel", "all", "comma-separated `kernels` of the matrix (5.10, 6.1, 6.12, 7.3) or all")
		runRE    = fs.String("run", "", "run only the cases matching `regexp` (file names in guest/testdata, without .txtar)")
		verbose  = fs.Bool("v", false, "print the guest's console as it comes")
		shell    = fs.Bool("shell", false, "boot one kernel into a busybox shell instead of the cases")
		refresh  = fs.Bool("refresh", false, "download the newest packages even when a kernel is cached")
		cache    = fs.String("cache", vmtest.DefaultCacheDir(), "`dir` where kernels are kept between runs")
		timeout  = fs.Duration("timeout", 10*time.Minute, "`limit` for one kernel's boot and cases")
		parallel = fs.Int("parallel", 2, "kernels booted at once (each qemu uses one host core)")
		oracle   = fs.Bool("bpftrace", false, "also pack the host's bpftrace and its libraries (~210 MB, 2G of guest RAM), so that cases time it beside gtrace")
	)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	o := options{run: *runRE, verbose: *verbose, shell: *shell, refresh: *refresh, cache: *cache, timeout: *timeout, parallel: max(*parallel, 1), oracle: *oracle}
	for _, name := range strings.Split(*kernels, ",") {
		if name == "all" {
			o.kernels = append(o.kernels, vmtest.Kernels...)
			continue
		}
		k, err := vmtest.FindKernel(name)
		if err != nil {
			fmt.Fprintf(stderr, "vmrun: %v\n", err)
			return 2
		}
		o.kernels = append(o.kernels, k)
	}
	if o.shell && len(o.kernels) != 1 {
		fmt.Fprintln(stderr, "vmrun: -shell needs exactly one -kernel")
		return 2
	}
	if err := vmtest.HaveQemu(); err != nil {
		fmt.Fprintf(stderr, "vmrun: %v\n", err)
		return 1
	}
	return matrix(o, stdin, stdout, stderr)
}

func matrix(o options, stdin io.Reader, stdout, stderr io.Writer) int {
	start := time.Now()
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, "vmrun: "+format+"\n", a...) }
	work, err := os.MkdirTemp("", "gtrace-vm-")
	if err != nil {
		logf("%v", err)
		return 1
	}
	defer os.RemoveAll(work)
	root, err := moduleRoot()
	if err != nil {
		logf("%v", err)
		return 1
	}
	bins, err := vmtest.Build(root, work)
	if err != nil {
		logf("build: %v", err)
		return 1
	}
	logf("built the guest binaries in %v", time.Since(start).Round(time.Millisecond))
	var fetched []*vmtest.Fetched
	for _, k := range o.kernels {
		f, err := vmtest.Fetch(k, o.cache, o.refresh, logf)
		if err != nil {
			logf("kernel %s: %v", k.Name, err)
			return 1
		}
		fetched = append(fetched, f)
	}
	if o.shell {
		return boot(o, root, fetched[0], bins, work, stdin, stdout, logf).code
	}
	results := make([]result, len(fetched))
	var wg sync.WaitGroup
	sem := make(chan struct{}, o.parallel)
	for i, f := range fetched {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			var console io.Writer
			if o.verbose {
				console = &prefixWriter{w: stdout, prefix: "[" + f.Kernel.Name + "] "}
			}
			results[i] = boot(o, root, f, bins, work, nil, console, logf)
		}()
	}
	wg.Wait()
	return report(results, time.Since(start), stdout)
}

type result struct {
	kernel  string
	pkg     string
	code    int
	err     error
	dur     time.Duration
	console []byte
}

func boot(o options, root string, f *vmtest.Fetched, bins *vmtest.Binaries, work string, stdin io.Reader, console io.Writer, logf func(string, ...any)) result {
	r := result{kernel: f.Kernel.Name, pkg: f.Version, code: -1}
	initrd := filepath.Join(work, "initramfs-"+f.Kernel.Name+".cpio.gz")
	var extra map[string]string
	memory := ""
	if o.oracle {
		var err error
		if extra, err = vmtest.OracleFiles(); err != nil {
			r.err = err
			return r
		}
		memory = "2G"
	}
	if err := vmtest.Pack(initrd, bins, f, "/usr/sbin", filepath.Join(root, "internal/vmtest/guest/testdata"), filepath.Join(root, "examples"), extra); err != nil {
		r.err = err
		return r
	}
	args := []string{"-test.v"}
	if o.run != "" {
		// Parenthesized: testing splits a pattern at a top-level '|', so
		// "a|b" would run case a and a test named b.
		args = append(args, "-test.run=TestCases/("+o.run+")")
	}
	if o.shell {
		args = []string{"shell"}
	}
	b := &vmtest.Boot{Vmlinuz: f.Vmlinuz, Initrd: initrd, Args: args, Timeout: o.timeout, Console: console, Stdin: stdin, Memory: memory}
	if o.shell {
		b.Timeout = 24 * time.Hour
	}
	start := time.Now()
	logf("kernel %s: booting %s", f.Kernel.Name, f.Version)
	r.code, r.console, r.err = b.Run()
	r.dur = time.Since(start)
	return r
}

var timeLine = regexp.MustCompile(`(?m)^GTRACE-TIME (.*?)\r?$`)

var caseLine = regexp.MustCompile(`^\s*--- (PASS|FAIL|SKIP): TestCases/(\S+)`)

// report prints each kernel's cases, the failures' console output, and a
// closing "N passed, N failed" line.
func report(results []result, total time.Duration, w io.Writer) int {
	passed, failed := 0, 0
	for _, r := range results {
		counts := map[string]int{}
		var fails []string
		sc := bufio.NewScanner(bytes.NewReader(r.console))
		for sc.Scan() {
			if m := caseLine.FindStringSubmatch(sc.Text()); m != nil {
				counts[m[1]]++
				if m[1] == "FAIL" {
					fails = append(fails, m[2])
				}
			}
		}
		verdict := "ok"
		if r.err != nil || r.code != 0 {
			verdict = "FAIL"
			failed++
			fmt.Fprintf(w, "---- kernel %s console ----\n%s\n----\n", r.kernel, r.console)
		} else {
			passed++
		}
		fmt.Fprintf(w, "kernel %-5s %-4s %6.1fs  cases: %d pass, %d fail, %d skip  (%s)\n",
			r.kernel, verdict, r.dur.Seconds(), counts["PASS"], counts["FAIL"], counts["SKIP"], r.pkg)
		for _, t := range timeLine.FindAllSubmatch(r.console, -1) {
			fmt.Fprintf(w, "  time %s\n", t[1])
		}
		if r.err != nil {
			fmt.Fprintf(w, "  error: %v\n", r.err)
		} else if r.code != 0 {
			fmt.Fprintf(w, "  guest exit code %d; failed: %s\n", r.code, strings.Join(fails, " "))
		}
	}
	fmt.Fprintf(w, "kernel matrix: %d kernels ok, %d failed, in %.1fs\n", passed, failed, total.Seconds())
	if failed > 0 {
		return 1
	}
	return 0
}

type prefixWriter struct {
	mu     sync.Mutex
	w      io.Writer
	prefix string
	mid    bool
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out bytes.Buffer
	for _, c := range b {
		if !p.mid {
			out.WriteString(p.prefix)
			p.mid = true
		}
		out.WriteByte(c)
		if c == '\n' {
			p.mid = false
		}
	}
	_, err := p.w.Write(out.Bytes())
	return len(b), err
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %v", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("run vmrun inside the gtrace module")
	}
	return filepath.Dir(mod), nil
}
