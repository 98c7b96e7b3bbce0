package vmtest

import (
	"bytes"
	"compress/gzip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gtrace/gtrace/internal/testenv"
)

func TestVersionCompare(t *testing.T) {
	t.Parallel()
	have := []string{"linux-image-6.1.0-9-cloud", "linux-image-6.1.0-57-cloud", "linux-image-6.1.0-10-cloud"}
	slices.SortFunc(have, versionCompare)
	want := []string{"linux-image-6.1.0-9-cloud", "linux-image-6.1.0-10-cloud", "linux-image-6.1.0-57-cloud"}
	if !slices.Equal(have, want) {
		t.Errorf("got %v, want %v", have, want)
	}
}

// TestInitramfs writes an archive and lists it with cpio, the format's
// reference reader.
func TestInitramfs(t *testing.T) {
	t.Parallel()
	testenv.LookPath(t, "cpio")
	dir := t.TempDir()
	f := filepath.Join(dir, "hello")
	os.WriteFile(f, []byte("hello\n"), 0o644)
	ir := &Initramfs{Files: map[string]string{"/init": f, "/a/b/c": f}, Symlinks: map[string]string{"/bin/sh": "busybox"}}
	var buf bytes.Buffer
	if err := ir.Write(&buf); err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("cpio", "-t", "--quiet")
	cmd.Stdin = zr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("cpio -t: %v", err)
	}
	got := strings.Fields(string(out))
	want := []string{"a", "a/b", "a/b/c", "bin", "bin/sh", "init"}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestToolHeaders finds the headers a tool includes that this host has
// (libc6-dev's <sys/socket.h>) and leaves out those it lacks.
func TestToolHeaders(t *testing.T) {
	t.Parallel()
	testenv.RequireFile(t, "/usr/include/x86_64-linux-gnu/sys/socket.h", "libc6-dev's sys/socket.h")
	tool := filepath.Join(t.TempDir(), "t.bt")
	os.WriteFile(tool, []byte("#include <gtrace/no-such.h>\n#include <sys/socket.h>\nBEGIN { exit(); }\n"), 0o644)
	got := toolHeaders([]string{tool})
	const want = "/usr/include/x86_64-linux-gnu/sys/socket.h"
	if len(got) != 1 || got[want] != want {
		t.Errorf("got %v, want only %s", got, want)
	}
}
