package guest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/features"
	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"work": func() { os.Exit(work(os.Args[1:])) },
	})
}

func TestCases(t *testing.T) {
	bin := os.Getenv("GTRACE_BIN")
	if _, err := os.Stat("/sys/bus/event_source/devices/kprobe"); err != nil {
		t.Skip("skipped: needs kprobes (CONFIG_KPROBES); the kernel matrix runs these cases: go run ./internal/vmtest/cmd/vmrun")
	}
	if bin == "" {
		t.Skip("skipped: GTRACE_BIN names no gtrace binary (go run ./internal/vmtest/cmd/vmrun sets it)")
	}
	testscript.Run(t, testscript.Params{
		Dir:       "testdata",
		Condition: condition,
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", filepath.Dir(bin)+string(os.PathListSeparator)+env.Getenv("PATH"))
			env.Setenv("TOOLS", "/tools")
			env.Setenv("MODULES", "/modules")
			return nil
		},
	})
}

func condition(cond string) (bool, error) {
	name, arg, _ := strings.Cut(cond, ":")
	switch name {
	case "kernel":
		return kernelAtLeast(arg)
	case "kprobe_multi":
		return haveKprobeMulti(), nil
	case "get_func_ip":
		return features.HaveProgramHelper(ebpf.Kprobe, asm.FnGetFuncIp) == nil, nil
	case "cookie":
		return features.HaveProgramHelper(ebpf.Kprobe, asm.FnGetAttachCookie) == nil, nil
	case "module":
		m, _ := filepath.Glob("/modules/" + arg + ".ko*")
		return len(m) > 0, nil
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

func haveKprobeMulti() bool {
	data, err := os.ReadFile("/proc/kallsyms")
	return err == nil && strings.Contains(string(data), " bpf_kprobe_multi_link_attach\n")
}

// work is the workload: "work VERB ARGS...". Every verb does exactly the
// system calls it names, N times, so a case can count them.
//
//	open PATH N          open(PATH) and close it, N times (a missing PATH fails N times)
//	read PATH SIZE N     open PATH once, then pread SIZE bytes N times
//	fsync PATH N         open PATH once, then fsync it N times
//	tcp N                listen on 127.0.0.1, then connect, accept and close N times
//	stat PATH N          stat PATH N times
func work(args []string) int {
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
