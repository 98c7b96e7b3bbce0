package probes

// This file looks for the C headers a script #includes.

import (
	"fmt"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"

	"golang.org/x/sys/unix"
)

// Header returns an error when none of the include directories has the
// header name: the -I directories of Options.IncludeDirs, the current
// directory, the system's (/usr/local/include, the multiarch directory,
// /usr/include) and the running kernel's build headers.
func (r *Registry) Header(name string) error {
	dirs := r.includeDirs()
	for _, d := range dirs {
		if fi, err := os.Stat(filepath.Join(d, name)); err == nil && !fi.IsDir() {
			return nil
		}
	}
	return fmt.Errorf("searched %s", strings.Join(dirs, ", "))
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
