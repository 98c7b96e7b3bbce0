package vmtest

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Boot describes one qemu run.
type Boot struct {
	Vmlinuz, Initrd string
	Args            []string      // passed to /guest.test (or "shell")
	Timeout         time.Duration // the whole boot, test and power-off
	Console         io.Writer     // receives the console as it comes; may be nil
	Stdin           io.Reader     // for the shell; nil otherwise
	Memory          string        // guest RAM, "1G" when empty
}

// ErrNoVerdict is returned when the guest never printed its exit-code line
// (it hung, oopsed or timed out).
var ErrNoVerdict = errors.New("the guest printed no GTRACE-VM-EXIT line")

var exitLine = regexp.MustCompile(`(?m)^GTRACE-VM-EXIT=(-?[0-9]+)\r?$`)

// Run boots the kernel under TCG with one vCPU (KVM does not work for these
// kernels on this project's machines, and -smp 2 hangs about one boot in
// ten) and returns the guest's exit code and its console output.
func (b *Boot) Run() (int, []byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), b.Timeout)
	defer cancel()
	appendLine := "console=ttyS0 panic=-1 oops=panic softlockup_panic=1 quiet loglevel=4"
	if len(b.Args) > 0 {
		appendLine += " vmtest.args=" + strings.Join(b.Args, ",")
	}
	cmd := exec.CommandContext(ctx, "qemu-system-x86_64",
		"-cpu", "max", "-smp", "1", "-m", cmp.Or(b.Memory, "1G"), "-nographic", "-no-reboot", "-nic", "none",
		"-kernel", b.Vmlinuz, "-initrd", b.Initrd, "-append", appendLine)
	var out bytes.Buffer
	cmd.Stdout = &out
	if b.Console != nil {
		cmd.Stdout = io.MultiWriter(&out, b.Console)
	}
	cmd.Stderr = cmd.Stdout
	cmd.Stdin = b.Stdin
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		return -1, out.Bytes(), fmt.Errorf("%w: timed out after %v", ErrNoVerdict, b.Timeout)
	}
	if err != nil {
		return -1, out.Bytes(), fmt.Errorf("qemu: %v", err)
	}
	m := exitLine.FindSubmatch(out.Bytes())
	if m == nil {
		return -1, out.Bytes(), ErrNoVerdict
	}
	code, _ := strconv.Atoi(string(m[1]))
	return code, out.Bytes(), nil
}

// HaveQemu reports whether qemu-system-x86_64 is on PATH.
func HaveQemu() error {
	_, err := exec.LookPath("qemu-system-x86_64")
	if err != nil {
		return fmt.Errorf("qemu-system-x86_64 not found (apt-get install --no-install-recommends qemu-system-x86): %w", err)
	}
	return nil
}

// DefaultCacheDir is where kernels are kept between runs.
func DefaultCacheDir() string {
	if d := os.Getenv("GTRACE_KERNEL_CACHE"); d != "" {
		return d
	}
	return "/var/cache/gtrace-kernels"
}
