package probes

import (
	"os"
	"testing"
)

// TestKfuncBTF types vfs_read's arguments and return value from the running
// kernel's BTF, as a tracing program's context holds them.
func TestKfuncBTF(t *testing.T) {
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		t.Skip("skipped: the kernel has no BTF (/sys/kernel/btf/vmlinux)")
	}
	r := New(nil)
	names, err := r.Expand("fexit", []string{"vfs_read"})
	if err != nil || len(names) != 1 || names[0] != "kretfunc:vmlinux:vfs_read" {
		t.Fatalf("Expand = %v, %v", names, err)
	}
	args, err := r.Args(names[0])
	if err != nil {
		t.Fatal(err)
	}
	if got, want := dumpStruct(args), `struct kretfunc_vmlinux_vfs_read size 32
file struct file * @0
buf int8 * @8
count uint64 @16
pos int64 * @24
`; got != want {
		t.Errorf("args:\n%s\nwant:\n%s", got, want)
	}
	ret, err := r.Retval(names[0])
	if err != nil || ret.Offset != 32 || ret.Type.String() != "int64" {
		t.Errorf("Retval = %+v, %v; want int64 @32", ret, err)
	}
	d, err := r.Describe(names[0])
	if want := "    struct file * file\n    char * buf\n    size_t count\n    loff_t * pos\n    ssize_t retval\n"; err != nil || d != want {
		t.Errorf("Describe = %q, %v; want %q", d, err, want)
	}
}
