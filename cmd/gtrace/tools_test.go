package main

// TestBpftraceTools type-checks every tool of Debian's bpftrace package
// (/usr/sbin/*.bt, installed by .ci/run) against the running kernel with
// `gtrace -d types`. The exceptions name a kernel or library fact that makes
// bpftrace 0.17 reject the same tool on this machine.

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gtrace/gtrace/internal/testenv"
)

// toolExceptions are tools bpftrace itself cannot run here, and why.
var toolExceptions = map[string]string{
	"mdflush.bt":     "kprobe md_flush_request does not exist in kernel 6.18",
	"swapin.bt":      "kprobe swap_readpage does not exist in kernel 6.18",
	"runqlen.bt":     "struct cfs_rq has no nr_running field in kernel 6.18",
	"threadsnoop.bt": "pthread_create moved from libpthread.so.0 into libc.so.6 in glibc 2.34",
}

func TestBpftraceTools(t *testing.T) {
	testenv.RequireRoot(t, "reading tracefs and kernel symbols")
	tools, _ := filepath.Glob("/usr/sbin/*.bt")
	if len(tools) == 0 {
		testenv.Missing(t, "bpftrace's tools (/usr/sbin/*.bt, package bpftrace) are not installed")
	}
	t.Parallel()
	for _, tool := range tools {
		name := filepath.Base(tool)
		t.Run(name, func(t *testing.T) {
			var out, errs bytes.Buffer
			code := run([]string{"-d", "types", tool}, nil, &out, &errs)
			why, excepted := toolExceptions[name]
			switch {
			case code != 0 && !excepted:
				t.Errorf("gtrace -d types %s: exit %d\n%s", tool, code, errs.String())
			case code == 0 && excepted:
				t.Logf("%s now checks (was an exception: %s)", name, why)
			case code == 0 && !strings.Contains(out.String(), "maps:") && !strings.Contains(out.String(), "probes:"):
				t.Errorf("gtrace -d types %s printed no typed program:\n%s", tool, out.String())
			}
		})
	}
}
