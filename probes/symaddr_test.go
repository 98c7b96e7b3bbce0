package probes

import (
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
)

func TestSymbolAddresses(t *testing.T) {
	t.Parallel()
	r := New(&Options{KallsymsPath: "testdata/kallsyms"})
	if got, err := r.Kaddr("vfs_read"); err != nil || got != 0xffffffff816d5370 {
		t.Errorf("Kaddr(vfs_read) = %#x, %v; want 0xffffffff816d5370", got, err)
	}
	if _, err := r.Kaddr("asdfzzzzzzz"); err == nil || !strings.Contains(err.Error(), "failed to resolve kernel symbol asdfzzzzzzz") {
		t.Errorf("Kaddr(asdfzzzzzzz): got %v, want a resolve error", err)
	}
	if got, err := r.Uaddr("testdata/uprobe/gtadd", "main"); err != nil || got == 0 {
		t.Errorf("Uaddr(gtadd, main) = %#x, %v; want an address", got, err)
	}
	if _, err := r.Uaddr("testdata/uprobe/gtadd", "no_such_symbol"); err == nil {
		t.Error("Uaddr(gtadd, no_such_symbol): got no error")
	}
	dir := t.TempDir()
	var st syscall.Stat_t
	if err := syscall.Stat(dir, &st); err != nil {
		t.Fatal(err)
	}
	if got, err := r.CgroupID(dir); err != nil || got != st.Ino {
		t.Errorf("CgroupID(%s) = %d, %v; want the inode %d", dir, got, err, st.Ino)
	}
	if _, err := r.CgroupID(dir + "/missing"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("CgroupID(missing): got %v, want not-exist", err)
	}
}
