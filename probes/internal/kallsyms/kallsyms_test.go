package kallsyms

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const sample = "ffffffff816d52e0 t __pfx_vfs_read\nffffffff816d5370 T vfs_read\n" +
	"ffffffff81216d9d t vfs_get_tree.cold\nffffffff82000000 D jiffies\n" +
	"ffffffff816d0000 t cleanup\nffffffff816e0000 t cleanup\n" +
	"ffffffffc0002000 t cleanup\t[ext4]\nffffffff816d3a50 t __cfi_vfs_read\nbad\n"

func TestParse(t *testing.T) {
	t.Parallel()
	tab, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Func{{"cleanup", ""}, {"cleanup", "ext4"}, {"vfs_read", ""}}, tab.Funcs()); diff != "" {
		t.Errorf("Funcs mismatch (-want +got):\n%s", diff)
	}
	fs, err := ParseFilterFunctions(strings.NewReader("vfs_read\nfoo.isra.0\n__pfx_x\next4_readdir [ext4]\nvfs_read\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Func{{"ext4_readdir", "ext4"}, {"foo.isra.0", ""}, {"vfs_read", ""}}, fs); diff != "" {
		t.Errorf("filter functions mismatch (-want +got):\n%s", diff)
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	tab, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		addr uint64
		name string
		off  uint64
		ok   bool
	}{
		{0xffffffff816d5370, "vfs_read", 0, true},
		{0xffffffff816d5380, "vfs_read", 0x10, true},
		{0xffffffff816d52e4, "__pfx_vfs_read", 4, true},
		{0xffffffff82000010, "cleanup", 0x920010, true}, // data symbols are not code
		{0xffffffffc0002001, "cleanup", 1, true},
		{0x1000, "", 0, false},
	} {
		s, off, ok := tab.Lookup(tc.addr)
		if s.Name != tc.name || off != tc.off || ok != tc.ok {
			t.Errorf("Lookup(%#x) = %s+%#x, %v; want %s+%#x, %v", tc.addr, s.Name, off, ok, tc.name, tc.off, tc.ok)
		}
	}
	if s, ok := tab.Addr("jiffies"); !ok || s.Addr != 0xffffffff82000000 || s.Type != 'D' {
		t.Errorf("Addr(jiffies) = %+v, %v", s, ok)
	}
}
