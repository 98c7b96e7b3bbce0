package probes

// This file looks for the C headers a script #includes.

import (
	"fmt"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// Header returns an error when none of the include directories has the
// header name: the -I directories of Options.IncludeDirs, the current
// directory, the system's (/usr/local/include, the multiarch directory,
// /usr/include) and the running kernel's build headers. A kernel header
// (<net/sock.h>, <linux/blkdev.h>, ...) needs no file when the kernel has
// BTF: gtrace reads no header, and BTF has every type such a header
// declares, so tools written for kernels without BTF run on machines
// without kernel headers.
func (r *Registry) Header(name string) error {
	dirs := r.includeDirs()
	for _, d := range dirs {
		if fi, err := os.Stat(filepath.Join(d, name)); err == nil && !fi.IsDir() {
			return nil
		}
	}
	if isKernelHeader(name) && r.hasKernelBTF() {
		return nil
	}
	return fmt.Errorf("searched %s", strings.Join(dirs, ", "))
}

// kernelHeaderDirs are the top directories of the kernel's include tree
// whose headers a tracing script includes for kernel types.
var kernelHeaderDirs = []string{"linux", "net", "asm", "asm-generic", "uapi", "trace", "scsi", "crypto", "keys", "kvm", "xen", "drm", "rdma", "media", "sound", "video", "block"}

// isKernelHeader reports whether name is a header of the kernel's include
// tree, by its top directory.
func isKernelHeader(name string) bool {
	top, _, ok := strings.Cut(name, "/")
	return ok && slices.Contains(kernelHeaderDirs, top)
}

// hasKernelBTF reports whether kernel types can come from BTF.
func (r *Registry) hasKernelBTF() bool {
	path := r.k.opts.BTFPath
	if path == "" {
		path = "/sys/kernel/btf/vmlinux"
	}
	_, err := os.Stat(path)
	return err == nil
}

// includeDirs returns the directories Header searches, in order.
func (r *Registry) includeDirs() []string {
	dirs := append([]string(nil), r.k.opts.IncludeDirs...)
	dirs = append(dirs, ".", "/usr/local/include")
	if goruntime.GOARCH == "amd64" {
		dirs = append(dirs, "/usr/include/x86_64-linux-gnu")
	} else if goruntime.GOARCH == "arm64" {
		dirs = append(dirs, "/usr/include/aarch64-linux-gnu")
	}
	dirs = append(dirs, "/usr/include")
	var u unix.Utsname
	if unix.Uname(&u) == nil {
		build := "/lib/modules/" + unix.ByteSliceToString(u.Release[:]) + "/build"
		dirs = append(dirs, build+"/include", build+"/arch/x86/include")
	}
	return dirs
}
