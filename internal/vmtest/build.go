package vmtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// Binaries are the static programs the guest runs.
type Binaries struct {
	Init, Gtrace, GuestTest string
}

// Build compiles vminit, gtrace and the guest test binary (all static,
// CGO_ENABLED=0) into dir. root is the module root.
func Build(root, dir string) (*Binaries, error) {
	b := &Binaries{
		Init:      filepath.Join(dir, "init"),
		Gtrace:    filepath.Join(dir, "gtrace"),
		GuestTest: filepath.Join(dir, "guest.test"),
	}
	steps := [][]string{
		{"build", "-o", b.Init, "./internal/vmtest/vminit"},
		{"build", "-o", b.Gtrace, "./cmd/gtrace"},
		{"test", "-c", "-o", b.GuestTest, "./internal/vmtest/guest"},
	}
	for _, args := range steps {
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return b, nil
}

// Pack writes the initramfs for one kernel to path: the binaries, busybox
// (for /bin/sh and the tools' helpers), Debian's bpftrace tools from
// toolsDir (copied at build time, never committed), and the kernel's
// guest modules; the cases of casesDir go to /guest/testdata and the
// scripts of examplesDir to /examples. extra adds files (guest path → host
// path), such as OracleFiles; with extra the archive is stored, not
// compressed, since compressing hundreds of megabytes takes longer than
// the guest takes to copy them.
func Pack(path string, b *Binaries, f *Fetched, toolsDir, casesDir, examplesDir string, extra map[string]string) error {
	ir := &Initramfs{
		Files: map[string]string{
			"/init":       b.Init,
			"/bin/gtrace": b.Gtrace,
			"/guest.test": b.GuestTest,
		},
		Symlinks: map[string]string{},
	}
	if bb, err := exec.LookPath("busybox"); err == nil {
		ir.Files["/bin/busybox"] = bb
		for _, c := range []string{"sh", "ls", "cat", "sleep", "dd", "mount", "insmod", "true", "echo", "head", "grep", "wc", "losetup", "sync", "id", "mkdir", "uname"} {
			ir.Symlinks["/bin/"+c] = "busybox"
		}
	}
	cases, _ := filepath.Glob(filepath.Join(casesDir, "*.txtar"))
	for _, c := range cases {
		ir.Files["/guest/testdata/"+filepath.Base(c)] = c
	}
	examples, _ := filepath.Glob(filepath.Join(examplesDir, "*.gt"))
	for _, e := range examples {
		ir.Files["/examples/"+filepath.Base(e)] = e
	}
	tools, _ := filepath.Glob(filepath.Join(toolsDir, "*.bt"))
	for _, t := range tools {
		ir.Files["/tools/"+filepath.Base(t)] = t
	}
	for g, h := range toolHeaders(tools) {
		ir.Files[g] = h
	}
	for _, m := range f.Modules {
		ir.Files["/modules/"+filepath.Base(m)] = m
	}
	for g, h := range extra {
		ir.Files[g] = h
	}
	ir.Store = len(extra) > 0
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := ir.Write(out); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// OracleFiles returns bpftrace (the host's, 0.17 on this project's
// machines) with the shared libraries and loader it needs, at their host
// paths, so that cases can run it in the guest beside gtrace, as the
// oracle of a measurement ([file:/usr/bin/bpftrace]). They weigh about
// 210 MB, most of it LLVM and clang.
func OracleFiles() (map[string]string, error) {
	bin, err := exec.LookPath("bpftrace")
	if err != nil {
		return nil, fmt.Errorf("bpftrace is not installed: %w", err)
	}
	out, err := exec.Command("ldd", bin).Output()
	if err != nil {
		return nil, fmt.Errorf("ldd %s: %w", bin, err)
	}
	files := map[string]string{"/usr/bin/bpftrace": bin, "/etc/ld.so.cache": "/etc/ld.so.cache"}
	for _, line := range strings.Split(string(out), "\n") {
		for _, w := range strings.Fields(line) {
			if strings.HasPrefix(w, "/") {
				files[w] = w
			}
		}
	}
	return files, nil
}

// toolHeaders returns the C library headers the tools #include (such as
// <sys/socket.h>) that the host has, at their host paths: gtrace refuses a
// script whose header is missing, as bpftrace does, and the guest has no
// /usr/include. Headers the host lacks (<net/sock.h>) are left out:
// kernel structs come from BTF.
func toolHeaders(tools []string) map[string]string {
	inc := regexp.MustCompile(`(?m)^#include <([^>]+)>`)
	files := map[string]string{}
	for _, t := range tools {
		data, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for _, m := range inc.FindAllStringSubmatch(string(data), -1) {
			for _, dir := range []string{"/usr/include/x86_64-linux-gnu", "/usr/include"} {
				p := filepath.Join(dir, m[1])
				if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
					files[p] = p
					break
				}
			}
		}
	}
	return files
}
