package probes

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/cilium/ebpf"

	"github.com/gtrace/gtrace/internal/bpftest"

	"github.com/gtrace/gtrace/internal/testenv"
)

// TestUprobeOtherMountNamespace attaches a uprobe to a program that exists
// only in another mount namespace (a tmpfs mounted there), named through
// /proc/PID/root, as bpftrace allows. The program waits for a byte on
// stdin, then calls gt_ns five times.
func TestUprobeOtherMountNamespace(t *testing.T) {
	bpftest.RequireBPF(t)
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		testenv.Missing(t, "gcc is not installed")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Fatal("unshare (util-linux) is not installed")
	}
	dir := t.TempDir()
	src, bin := filepath.Join(dir, "ns.c"), filepath.Join(dir, "ns")
	os.WriteFile(src, []byte(`#include <unistd.h>
__attribute__((noinline)) int gt_ns(int x) { return x + 1; }
int main(void) { char c; int s = 0; if (read(0, &c, 1) != 1) return 1; for (int i = 0; i < 5; i++) s += gt_ns(i); return s != 15; }
`), 0o644)
	if out, err := exec.Command(gcc, "-O0", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	mnt := filepath.Join(dir, "mnt")
	os.Mkdir(mnt, 0o755)
	cmd := exec.Command(unshare, "--mount", "--propagation", "private", "sh", "-c",
		`mount -t tmpfs gtrace-test "$1" && cp "$2" "$1/prog" && exec "$1/prog"`, "sh", mnt, bin)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := false
	defer func() {
		if !exited {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	prog := mnt + "/prog"
	root := "/proc/" + strconv.Itoa(cmd.Process.Pid) + "/root"
	deadline := time.Now().Add(30 * time.Second) // a guard, not a timing assertion
	for {
		if time.Now().After(deadline) {
			t.Fatal("the namespaced program did not start")
		}
		if exe, _ := os.Readlink("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/exe"); exe == prog {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if _, err := os.Stat(prog); err == nil {
		t.Fatalf("%s is visible here: the mount namespace is not separate", prog)
	}
	r := New(nil)
	names, err := r.Expand("uprobe", []string{root + prog, "gt_ns"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "uprobe:" + root + prog + ":gt_ns"; len(names) != 1 || names[0] != want {
		t.Fatalf("Expand = %q, want %q", names, want)
	}
	c := newCounter(t, ebpf.Kprobe, false)
	cl, err := r.Attach(c.prog, names[0], 0)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	stdin.Write([]byte{'\n'})
	exited = true
	if err := cmd.Wait(); err != nil {
		t.Fatalf("program: %v", err)
	}
	if count, _ := c.read(t); count != 5 {
		t.Errorf("got %d calls of gt_ns, want 5", count)
	}
}
