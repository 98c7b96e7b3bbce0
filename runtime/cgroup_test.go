package runtime

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestCgroupPath builds two fake hierarchies (directories standing for a
// cgroup2 and a cgroup v1 mount) and resolves a directory's inode.
func TestCgroupPath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	v2, v1 := filepath.Join(dir, "unified"), filepath.Join(dir, "cpu")
	for _, d := range []string{filepath.Join(v2, "user.slice", "a"), v1} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mi := filepath.Join(dir, "mountinfo")
	text := fmt.Sprintf("32 31 0:29 / %s rw,relatime - cgroup cgroup rw,cpu,cpuacct\n41 31 0:38 / %s rw - cgroup2 cgroup2 rw\n50 1 0:1 / /proc rw - proc proc rw\n", v1, v2)
	if err := os.WriteFile(mi, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(filepath.Join(v2, "user.slice", "a"), &st); err != nil {
		t.Fatal(err)
	}
	c := &cgroups{mountinfo: mi}
	if got, want := c.path(st.Ino), "unified:/user.slice/a"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := c.path(1 << 62); got != "" {
		t.Errorf("unknown id: got %q, want empty", got)
	}
	if got, want := v1Name("rw,name=systemd"), "systemd"; got != want {
		t.Errorf("v1Name: got %q, want %q", got, want)
	}
	if got, want := c.hier[0].name+" "+c.hier[1].name, "unified cpu,cpuacct"; got != want {
		t.Errorf("hierarchies: got %q, want %q", got, want)
	}
}
