package kallsyms

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		parse func(r *strings.Reader) ([]Func, error)
		in    string
		want  []Func
	}{
		{"kallsyms", func(r *strings.Reader) ([]Func, error) { return ParseKallsyms(r) },
			"ffffffff816d52e0 t __pfx_vfs_read\nffffffff816d5370 T vfs_read\n" +
				"ffffffff81216d9d t vfs_get_tree.cold\nffffffff82000000 D jiffies\n" +
				"ffffffff816d0000 t cleanup\nffffffff816e0000 t cleanup\n" +
				"ffffffffc0002000 t cleanup\t[ext4]\nffffffff816d3a50 t __cfi_vfs_read\nbad\n",
			[]Func{{"cleanup", ""}, {"cleanup", "ext4"}, {"vfs_read", ""}}},
		{"filter functions", func(r *strings.Reader) ([]Func, error) { return ParseFilterFunctions(r) },
			"vfs_read\nfoo.isra.0\n__pfx_x\next4_readdir [ext4]\nvfs_read\n\n",
			[]Func{{"ext4_readdir", "ext4"}, {"foo.isra.0", ""}, {"vfs_read", ""}}},
	}
	for _, tt := range tests {
		got, err := tt.parse(strings.NewReader(tt.in))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}
