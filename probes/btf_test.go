package probes

import (
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gtrace/gtrace/lang/types"
)

// requireKernelBTF skips unless the kernel exposes its BTF.
func requireKernelBTF(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		t.Skipf("skipped: this kernel has no BTF (/sys/kernel/btf/vmlinux): %v", err)
	}
}

func TestStruct(t *testing.T) {
	requireKernelBTF(t)
	t.Parallel()
	r := New(nil)
	tests := []struct {
		name  string
		in    string
		field string
		want  string // type of field
	}{
		{"task pid", "task_struct", "pid", "int32"},
		{"task comm", "struct task_struct", "comm", "int8[16]"},
		{"task parent", "task_struct", "real_parent", "struct task_struct *"},
		{"task mm", "task_struct", "mm", "struct mm_struct *"},
		{"path dentry", "path", "dentry", "struct dentry *"},
		{"file path", "file", "f_path", "struct path"},
		{"sockaddr_in port", "sockaddr_in", "sin_port", "uint16"},
		{"union", "union bpf_attr", "map_type", "uint32"},
	}
	for _, tt := range tests {
		st, err := r.Struct(tt.in)
		if err != nil {
			t.Errorf("%s: Struct(%q): %v", tt.name, tt.in, err)
			continue
		}
		f := st.FieldByName(tt.field)
		if f == nil {
			t.Errorf("%s: %s has no field %s", tt.name, st, tt.field)
			continue
		}
		if got := f.Type.String(); got != tt.want {
			t.Errorf("%s: %s.%s: got %s, want %s", tt.name, tt.in, tt.field, got, tt.want)
		}
	}
}

func TestStructLayout(t *testing.T) {
	requireKernelBTF(t)
	t.Parallel()
	r := New(nil)
	st, err := r.Struct("file")
	if err != nil {
		t.Fatal(err)
	}
	path := st.FieldByName("f_path")
	if path == nil || len(path.Type.Fields) == 0 || path.Type.Fields[1].Offset != 8 {
		t.Fatalf("file.f_path: got %+v, want a struct path with dentry at offset 8", path)
	}
	// Pointers to structs are incomplete: the caller asks for them by name.
	parent, err := r.Struct("task_struct")
	if err != nil {
		t.Fatal(err)
	}
	p := parent.FieldByName("real_parent").Type.Elem
	if p.Kind != types.Struct || p.Fields != nil || p.Size != parent.Size {
		t.Errorf("real_parent points to %+v, want an incomplete task_struct of size %d", p, parent.Size)
	}
	again, _ := r.Struct("task_struct")
	if again != parent {
		t.Errorf("second Struct call did not return the cached type")
	}
}

func TestStructBitfield(t *testing.T) {
	requireKernelBTF(t)
	t.Parallel()
	// struct sock has "sk_type:16" style bitfields on every kernel with BTF.
	st, err := New(nil).Struct("sk_buff")
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, f := range st.Fields {
		if f.BitSize == 0 {
			continue
		}
		found = true
		if f.BitOff+f.BitSize > f.Type.Size*8 && f.BitOff >= 8 {
			t.Errorf("bitfield %s: BitOff %d + BitSize %d exceeds its %d-byte unit", f.Name, f.BitOff, f.BitSize, f.Type.Size)
		}
	}
	if !found {
		t.Errorf("sk_buff: found no bitfields")
	}
}

func TestStructNotFound(t *testing.T) {
	requireKernelBTF(t)
	t.Parallel()
	_, err := New(nil).Struct("no_such_struct_xyz")
	if !errors.Is(err, ErrNoSuchProbe) || err.Error() != "struct no_such_struct_xyz not found" {
		t.Errorf("got %v, want struct no_such_struct_xyz not found", err)
	}
	_, err = New(nil).Struct("task_strct")
	var nf *NotFoundError
	if !errors.As(err, &nf) || !cmp.Equal(nf.Hints(), []string{"did you mean struct task_struct?"}) {
		t.Errorf("task_strct: got %v with hints %v, want a hint for struct task_struct", err, nf)
	}
}

func TestEnum(t *testing.T) {
	requireKernelBTF(t)
	t.Parallel()
	r := New(nil)
	tests := []struct {
		name string
		want int64
	}{
		{"TCP_ESTABLISHED", 1},
		{"TCP_CLOSE", 7},
		{"BPF_MAP_TYPE_HASH", 1},
	}
	for _, tt := range tests {
		got, err := r.Enum(tt.name)
		if err != nil || got != tt.want {
			t.Errorf("Enum(%s) = %d, %v; want %d", tt.name, got, err, tt.want)
		}
	}
	if _, err := r.Enum("NO_SUCH_ENUMERATOR"); !errors.Is(err, ErrNoSuchProbe) {
		t.Errorf("Enum(NO_SUCH_ENUMERATOR): got %v, want a NotFoundError", err)
	}
}
