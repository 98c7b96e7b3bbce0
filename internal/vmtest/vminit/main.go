// Command vminit is PID 1 of the kernel matrix's initramfs: it mounts the
// kernel's file systems, brings up the loopback interface, runs the test
// binary /guest.test with the arguments the host put on the kernel command
// line, prints "GTRACE-VM-EXIT=<code>" on the console (qemu itself always
// exits 0, so this line is the verdict), and powers the machine off.
//
// It must stay tiny and must not import cilium/ebpf: that package's init
// work (the memlock rlimit probe) would run before /proc exists here and
// cache the failure for the whole process.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"unsafe"
)

func main() {
	code := run()
	fmt.Printf("\nGTRACE-VM-EXIT=%d\n", code)
	os.Stdout.Sync()
	syscall.Sync()
	syscall.Reboot(syscall.LINUX_REBOOT_CMD_POWER_OFF)
	select {}
}

func run() int {
	for _, m := range []struct{ src, dir, fs string }{
		{"proc", "/proc", "proc"},
		{"sysfs", "/sys", "sysfs"},
		{"devtmpfs", "/dev", "devtmpfs"},
		{"tracefs", "/sys/kernel/tracing", "tracefs"},
		{"debugfs", "/sys/kernel/debug", "debugfs"},
		{"bpffs", "/sys/fs/bpf", "bpf"},
		{"tmpfs", "/tmp", "tmpfs"},
	} {
		os.MkdirAll(m.dir, 0o755)
		if err := syscall.Mount(m.src, m.dir, m.fs, 0, ""); err != nil {
			fmt.Printf("vminit: mount %s: %v\n", m.dir, err)
		}
	}
	if err := loopbackUp(); err != nil {
		fmt.Printf("vminit: lo up: %v\n", err)
	}
	args := guestArgs()
	if len(args) > 0 && args[0] == "shell" {
		return runCmd("/bin/sh")
	}
	os.MkdirAll("/guest", 0o755)
	return runCmd("/guest.test", args...)
}

func runCmd(name string, args ...string) int {
	cmd := exec.Command(name, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Dir = "/guest"
	cmd.Env = []string{"PATH=/bin:/sbin", "HOME=/tmp", "TMPDIR=/tmp", "GTRACE_VM=1", "GTRACE_BIN=/bin/gtrace"}
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		fmt.Printf("vminit: %v\n", err)
		return 125
	}
	return 0
}

// guestArgs returns the words of the kernel command line's
// "vmtest.args=a,b,c" parameter.
func guestArgs() []string {
	data, _ := os.ReadFile("/proc/cmdline")
	for _, f := range strings.Fields(string(data)) {
		if v, ok := strings.CutPrefix(f, "vmtest.args="); ok && v != "" {
			return strings.Split(v, ",")
		}
	}
	return nil
}

// loopbackUp sets IFF_UP on "lo", for the TCP cases.
func loopbackUp() error {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	var req struct {
		name  [16]byte
		flags uint16
		_     [22]byte
	}
	copy(req.name[:], "lo")
	if err := ioctl(fd, syscall.SIOCGIFFLAGS, unsafe.Pointer(&req)); err != nil {
		return err
	}
	req.flags |= syscall.IFF_UP | syscall.IFF_RUNNING
	return ioctl(fd, syscall.SIOCSIFFLAGS, unsafe.Pointer(&req))
}

func ioctl(fd int, op uintptr, arg unsafe.Pointer) error {
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), op, uintptr(arg)); e != 0 {
		return e
	}
	return nil
}
