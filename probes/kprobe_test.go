// Tier-0 tests of kprobe names against the fixture testdata/kallsyms (the
// fixture tracefs has no available_filter_functions, so the provider falls
// back to it, as on kernels with ftrace locked down).
package probes

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/google/go-cmp/cmp"

	"github.com/gtrace/gtrace/internal/bpftest"
)

func TestKprobeExpand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		provider string
		parts    []string
		want     []string
	}{
		{"plain", "kprobe", []string{"vfs_read"}, []string{"kprobe:vfs_read"}},
		{"alias", "k", []string{"vfs_read"}, []string{"kprobe:vfs_read"}},
		{"kretprobe", "kr", []string{"vfs_read"}, []string{"kretprobe:vfs_read"}},
		{"star", "kprobe", []string{"vfs_*"}, []string{"kprobe:vfs_get_tree", "kprobe:vfs_getattr", "kprobe:vfs_read", "kprobe:vfs_readv", "kprobe:vfs_write", "kprobe:vfs_writev"}},
		{"question", "kprobe", []string{"vfs_?ead"}, []string{"kprobe:vfs_read"}},
		{"offset", "kprobe", []string{"vfs_read+0x10"}, []string{"kprobe:vfs_read+0x10"}},
		{"duplicate static", "kprobe", []string{"cleanup"}, []string{"kprobe:cleanup"}},
		{"module", "kprobe", []string{"ext4", "ext4_*"}, []string{"kprobe:ext4:ext4_file_read_iter", "kprobe:ext4:ext4_readdir"}},
		{"module star", "kprobe", []string{"*", "cleanup"}, []string{"kprobe:ext4:cleanup", "kprobe:vmlinux:cleanup"}},
		{"vmlinux", "kprobe", []string{"vmlinux", "vfs_read"}, []string{"kprobe:vmlinux:vfs_read"}},
		{"syscall", "kprobe", []string{"__x64_sys_openat"}, []string{"kprobe:__x64_sys_openat"}},
	}
	r := fixture()
	for _, tt := range tests {
		got, err := r.Expand(tt.provider, tt.parts)
		if err != nil {
			t.Errorf("%s: Expand(%q, %q): %v", tt.name, tt.provider, tt.parts, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: Expand(%q, %q) mismatch (-want +got):\n%s", tt.name, tt.provider, tt.parts, diff)
		}
	}
}

func TestKprobeExpandErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		provider  string
		parts     []string
		want      string
		wantHints []string
	}{
		{"typo", "kprobe", []string{"vfs_raed"}, "kprobe:vfs_raed not found", []string{"did you mean kprobe:vfs_read?"}},
		{"kretprobe typo", "kretprobe", []string{"vfs_writ"}, "kretprobe:vfs_writ not found", []string{"did you mean kretprobe:vfs_write?"}},
		{"clone", "kprobe", []string{"vfs_get_tree.cold"}, "kprobe:vfs_get_tree.cold not found", nil},
		{"padding", "kprobe", []string{"__pfx_vfs_read"}, "kprobe:__pfx_vfs_read not found", nil},
		{"data", "kprobe", []string{"jiffies"}, "kprobe:jiffies not found", nil},
		{"wildcard", "kprobe", []string{"nope_*"}, "kprobe:nope_* not found", nil},
		{"wrong module", "kprobe", []string{"ext4", "vfs_read"}, "kprobe:ext4:vfs_read not found", nil},
		{"bad offset", "kprobe", []string{"vfs_read+x"}, `invalid offset "x" in kprobe probe`, nil},
		{"wild offset", "kprobe", []string{"vfs_*+1"}, "kprobe vfs_*+1: an offset cannot follow a wildcard", nil},
		{"kretprobe offset", "kretprobe", []string{"vfs_read+1"}, "kretprobe probes do not take an offset", nil},
		{"arity", "kprobe", []string{"a", "b", "c"}, "kprobe probes need a function name: kprobe:function", nil},
	}
	r := fixture()
	for _, tt := range tests {
		_, err := r.Expand(tt.provider, tt.parts)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: got error %v, want %q", tt.name, err, tt.want)
			continue
		}
		var nf *NotFoundError
		var hints []string
		if errors.As(err, &nf) {
			hints = nf.Hints()
		}
		if diff := cmp.Diff(tt.wantHints, hints); diff != "" {
			t.Errorf("%s: hints mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestKprobeList(t *testing.T) {
	t.Parallel()
	r := fixture()
	got, err := r.List("kprobe:vfs_w*")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"kprobe:vfs_write", "kprobe:vfs_writev"}, got); diff != "" {
		t.Errorf("List mismatch (-want +got):\n%s", diff)
	}
	got, err = r.List("vfs_readv")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"kprobe:vfs_readv"}, got); diff != "" {
		t.Errorf("List(vfs_readv) mismatch (-want +got):\n%s", diff)
	}
}

// TestKprobeAttach attaches to vfs_read where the kernel has kprobes, and
// checks the error that names CONFIG_KPROBES where it does not.
func TestKprobeAttach(t *testing.T) {
	bpftest.RequireBPF(t)
	r := New(nil)
	names, err := r.Expand("kprobe", []string{"vfs_read"})
	if err != nil {
		t.Fatal(err)
	}
	c := newCounter(t, ebpf.Kprobe, false)
	cl, err := r.Attach(c.prog, names[0], 0)
	if !r.k.haveKprobes() {
		if !errors.Is(err, ErrNotSupported) || !strings.Contains(err.Error(), "CONFIG_KPROBES") {
			t.Errorf("Attach(%s) without kprobes: got %v, want ErrNotSupported naming CONFIG_KPROBES", names[0], err)
		}
		t.Skip("skipped: this kernel has no kprobes (CONFIG_KPROBES)")
	}
	if err != nil {
		t.Fatalf("Attach(%s): %v", names[0], err)
	}
	defer cl.Close()
	if n := c.waitCount(t, 1, func() { os.ReadFile("/proc/self/stat") }); n == 0 {
		t.Errorf("vfs_read: got no hits")
	}
}

// TestKprobeFilterFunctions reads testdata/ftrace, a tracefs with only an
// available_filter_functions file: it wins over kallsyms; its compiler
// clones (".isra.0") are left out of wildcards, as bpftrace does, but can
// be probed by their exact name.
func TestKprobeFilterFunctions(t *testing.T) {
	t.Parallel()
	r := New(&Options{TracefsRoot: "testdata/ftrace", KallsymsPath: "testdata/kallsyms"})
	got, err := r.Expand("kprobe", []string{"vfs_*"})
	if diff := cmp.Diff([]string{"kprobe:vfs_read", "kprobe:vfs_write"}, got); err != nil || diff != "" {
		t.Errorf("Expand(kprobe:vfs_*): %v, mismatch (-want +got):\n%s", err, diff)
	}
	got, err = r.Expand("kprobe", []string{"vfs_readv.isra.0"})
	if diff := cmp.Diff([]string{"kprobe:vfs_readv.isra.0"}, got); err != nil || diff != "" {
		t.Errorf("Expand(kprobe:vfs_readv.isra.0): %v, mismatch (-want +got):\n%s", err, diff)
	}
	// A function available_filter_functions lacks is found in kallsyms
	// when named exactly.
	got, err = r.Expand("kprobe", []string{"vfs_getattr"})
	if diff := cmp.Diff([]string{"kprobe:vfs_getattr"}, got); err != nil || diff != "" {
		t.Errorf("Expand(kprobe:vfs_getattr): %v, mismatch (-want +got):\n%s", err, diff)
	}
	if got, err := r.Expand("kprobe", []string{"vfs_getatt*"}); err == nil {
		t.Errorf("Expand(kprobe:vfs_getatt*) = %q, want not found (wildcards use available_filter_functions only)", got)
	}
	got, err = r.Expand("kprobe", []string{"ext4", "*"})
	if diff := cmp.Diff([]string{"kprobe:ext4:ext4_file_read_iter"}, got); err != nil || diff != "" {
		t.Errorf("Expand(kprobe:ext4:*): %v, mismatch (-want +got):\n%s", err, diff)
	}
}
