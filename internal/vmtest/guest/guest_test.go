package guest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/features"
	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/sys/unix"

	"github.com/gtrace/gtrace/internal/testenv"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"work": func() { os.Exit(work(os.Args[1:])) },
	})
}

func TestCases(t *testing.T) {
	bin := os.Getenv("GTRACE_BIN")
	_, kprobes := os.Stat("/sys/bus/event_source/devices/kprobe")
	switch prereq(kprobes, bin) {
	case noKprobes:
		testenv.NoKernelFeature(t, "kprobes (CONFIG_KPROBES); the kernel matrix runs these cases: go run ./internal/vmtest/cmd/vmrun", nil)
	case noBinary:
		testenv.Missing(t, "GTRACE_BIN names no gtrace binary (go run ./internal/vmtest/cmd/vmrun sets it; on a host with kprobes, set it to a static gtrace)")
	}
	testscript.Run(t, testscript.Params{
		Dir:       "testdata",
		Condition: condition,
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", filepath.Dir(bin)+string(os.PathListSeparator)+env.Getenv("PATH"))
			env.Setenv("TOOLS", "/tools")
			env.Setenv("MODULES", "/modules")
			env.Setenv("FENTRY_END", fentryEnd("vfs_read"))
			return nil
		},
	})
}

// What the cases lack to run here.
const (
	ready = iota
	noKprobes
	noBinary
)

// prereq says what is missing: kprobes (kprobeErr from stat'ing the
// kprobe PMU) is a kernel feature, a skip anywhere; GTRACE_BIN is a
// prerequisite, which CI must provide on a kernel that has kprobes.
func prereq(kprobeErr error, bin string) int {
	switch {
	case kprobeErr != nil:
		return noKprobes
	case bin == "":
		return noBinary
	}
	return ready
}

// fentryEnd returns the offset of the first instruction after fn's
// ftrace call site: the site is a 5-byte call at +0, or at +4 after an
// endbr64 (CONFIG_X86_KERNEL_IBT), so the answer is 5 or 9. The kernel
// itself tells: it refuses a kprobe_events entry that is not on an
// instruction boundary. "" when neither is accepted, so the cases that use
// it fail to parse.
func fentryEnd(fn string) string {
	for _, off := range []string{"5", "9"} {
		if probeKprobeEvent(fn + "+" + off) {
			return off
		}
	}
	return ""
}

func probeKprobeEvent(sym string) bool {
	const events = "/sys/kernel/tracing/kprobe_events"
	f, err := os.OpenFile(events, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	if _, err := f.WriteString("p:gtrace_vmtest_offset " + sym + "\n"); err != nil {
		return false
	}
	f.WriteString("-:gtrace_vmtest_offset\n")
	return true
}

func ksymAddr(name string) (uint64, error) {
	data, err := os.ReadFile("/proc/kallsyms")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && f[2] == name {
			return strconv.ParseUint(f[0], 16, 64)
		}
	}
	return 0, fmt.Errorf("%s not in kallsyms", name)
}

func condition(cond string) (bool, error) {
	name, arg, _ := strings.Cut(cond, ":")
	switch name {
	case "kernel":
		return kernelAtLeast(arg)
	case "kprobe_multi":
		return features.HaveBPFLinkKprobeMulti() == nil, nil
	case "get_func_ip":
		return features.HaveProgramHelper(ebpf.Kprobe, asm.FnGetFuncIp) == nil, nil
	case "cookie":
		return features.HaveProgramHelper(ebpf.Kprobe, asm.FnGetAttachCookie) == nil, nil
	case "module":
		m, _ := filepath.Glob("/modules/" + arg + ".ko*")
		return len(m) > 0, nil
	case "ksym":
		_, err := ksymAddr(arg)
		return err == nil, nil
	case "file":
		_, err := os.Stat(arg)
		return err == nil, nil
	}
	return false, fmt.Errorf("unknown condition %q", cond)
}

// kernelAtLeast compares the running kernel's release with "X.Y".
func kernelAtLeast(want string) (bool, error) {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return false, err
	}
	have := parseRelease(unix.ByteSliceToString(u.Release[:]))
	w := parseRelease(want)
	if w[0] == 0 {
		return false, fmt.Errorf("bad kernel version %q", want)
	}
	if have[0] != w[0] {
		return have[0] > w[0], nil
	}
	return have[1] >= w[1], nil
}

func parseRelease(s string) [2]int {
	var v [2]int
	for i, p := range strings.SplitN(s, ".", 3) {
		if i == 2 {
			break
		}
		n := 0
		for _, c := range p {
			if c < '0' || c > '9' {
				break
			}
			n = n*10 + int(c-'0')
		}
		v[i] = n
	}
	return v
}

// work is the workload: "work VERB ARGS...". Every verb does exactly the
// system calls it names, N times, so a case can count them.
//
//	open PATH N          open(PATH) and close it, N times (a missing PATH fails N times)
//	read PATH SIZE N     open PATH once, then pread SIZE bytes N times
//	fsync PATH N         open PATH once, then fsync it N times
//	tcp N                listen on 127.0.0.1, then connect, accept and close N times
//	stat PATH N          stat PATH N times
//	truncate PATH N      truncate(PATH, 0) N times (vfs_truncate)
//	chown PATH N         chown PATH to uid 1, gid 1, N times (a CAP_CHOWN check each)
//	insmod PATH 1        load a module (.ko or .ko.xz) with finit_module
//	dread PATH N         open PATH with O_DIRECT, then read 4096 bytes N times
//	                     (N block I/Os)
//	loop FILE SIZE 1     create FILE of SIZE bytes and attach it to /dev/loop0
//	time LABEL CMD...    run CMD, then print "GTRACE-TIME LABEL: SECONDS" on
//	                     stdout and on the console, where vmrun reports it
func work(args []string) int {
	if len(args) >= 3 && args[0] == "time" {
		return timeCmd(args[1], args[2:])
	}
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: work VERB ARGS... N")
		return 2
	}
	n, err := strconv.Atoi(args[len(args)-1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "work: bad count %q\n", args[len(args)-1])
		return 2
	}
	if err := doWork(args[0], args[1:len(args)-1], n); err != nil {
		fmt.Fprintf(os.Stderr, "work %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

func doWork(verb string, args []string, n int) error {
	switch verb {
	case "open":
		for range n {
			if fd, err := unix.Open(args[0], unix.O_RDONLY, 0); err == nil {
				unix.Close(fd)
			}
		}
		return nil
	case "stat":
		var st unix.Stat_t
		for range n {
			unix.Stat(args[0], &st)
		}
		return nil
	case "read", "fsync":
		fd, err := unix.Open(args[0], unix.O_RDONLY, 0)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		if verb == "fsync" {
			for range n {
				unix.Fsync(fd)
			}
			return nil
		}
		size, err := strconv.Atoi(args[1])
		if err != nil {
			return err
		}
		buf := make([]byte, size)
		for range n {
			unix.Pread(fd, buf, 0)
		}
		return nil
	case "tcp":
		return tcp(n)
	case "truncate":
		for range n {
			unix.Truncate(args[0], 0)
		}
		return nil
	case "chown":
		for range n {
			unix.Chown(args[0], 1, 1)
		}
		return nil
	case "insmod":
		return insmod(args[0])
	case "dread":
		return directRead(args[0], n)
	case "loop":
		return loopSetup(args[0], args[1])
	}
	return errors.New("unknown verb")
}

func tcp(n int) error {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	for range n {
		c, err := net.Dial("tcp4", ln.Addr().String())
		if err != nil {
			return err
		}
		s, err := ln.Accept()
		if err != nil {
			return err
		}
		c.Close()
		s.Close()
	}
	return nil
}

func insmod(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	flags := 0
	if strings.HasSuffix(path, ".xz") {
		flags = unix.MODULE_INIT_COMPRESSED_FILE
	}
	if err := unix.FinitModule(int(f.Fd()), "", flags); err != nil && !errors.Is(err, unix.EEXIST) {
		return fmt.Errorf("finit_module %s: %w", path, err)
	}
	return nil
}

// timeCmd runs argv with its output passed through and reports its wall
// time. It is a measurement for the matrix's report, never an assertion.
func timeCmd(label string, argv []string) int {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	line := fmt.Sprintf("GTRACE-TIME %s: %.2fs\n", label, time.Since(start).Seconds())
	os.Stdout.WriteString(line)
	if c, cerr := os.OpenFile("/dev/console", os.O_WRONLY, 0); cerr == nil {
		c.WriteString(line)
		c.Close()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "work time: %v\n", err)
		return 1
	}
	return 0
}

func directRead(path string, n int) error {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_DIRECT, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	// O_DIRECT needs an aligned buffer: take a page from mmap.
	buf, err := unix.Mmap(-1, 0, 4096, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return err
	}
	defer unix.Munmap(buf)
	for i := range n {
		if _, err := unix.Pread(fd, buf, int64(i%64)*4096); err != nil {
			return err
		}
	}
	return nil
}

// loopSetup backs /dev/loop0 with a new file of size bytes.
func loopSetup(file, size string) error {
	sz, err := strconv.ParseInt(size, 10, 64)
	if err != nil {
		return err
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Truncate(sz); err != nil {
		return err
	}
	ctl, err := unix.Open("/dev/loop-control", unix.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer unix.Close(ctl)
	nr, err := unix.IoctlRetInt(ctl, unix.LOOP_CTL_GET_FREE)
	if err != nil {
		return err
	}
	dev, err := unix.Open(fmt.Sprintf("/dev/loop%d", nr), unix.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer unix.Close(dev)
	return unix.IoctlSetInt(dev, unix.LOOP_SET_FD, int(f.Fd()))
}

// TestPrereq checks when the cases skip (no kprobes) and when a missing
// GTRACE_BIN is a prerequisite (testenv.Missing: a failure under CI=true).
func TestPrereq(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		bin  string
		want int
	}{
		{"no kprobes", os.ErrNotExist, "/bin/gtrace", noKprobes},
		{"no kprobes, no binary", os.ErrNotExist, "", noKprobes},
		{"kprobes, no binary", nil, "", noBinary},
		{"kprobes and a binary", nil, "/bin/gtrace", ready},
	}
	for _, tt := range tests {
		if got := prereq(tt.err, tt.bin); got != tt.want {
			t.Errorf("%s: got %d, want %d", tt.name, got, tt.want)
		}
	}
}
