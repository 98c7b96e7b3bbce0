package elfsym

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNotELF checks that files that are not ELF say what they are, files
// shorter than an ELF header included (debug/elf says only "EOF").
func TestNotELF(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		name, data, want string
	}{
		{"empty", "", "is not an ELF file: it is empty"},
		{"short", "hi\n", "is not an ELF file: 3 bytes, shorter than an ELF header"},
		{"text", strings.Repeat("text\n", 20), "is not an ELF file: it does not start with \\x7fELF"},
		{"script", "#!/bin/sh\necho hi\n", "is not an ELF file: it is a script for /bin/sh"},
		{"truncated", "\x7fELF\x02\x01\x01", "is not an ELF file: 7 bytes, shorter than an ELF header"},
		{"truncated64", "\x7fELF\x02\x01\x01" + strings.Repeat("\x00", 53), "is not an ELF file"},
	} {
		path := filepath.Join(dir, tc.name)
		if err := os.WriteFile(path, []byte(tc.data), 0o755); err != nil {
			t.Fatal(err)
		}
		_, err := Open(path)
		if err == nil || !strings.Contains(err.Error(), path+" "+tc.want) {
			t.Errorf("%s: Open: got %v, want %q", tc.name, err, path+" "+tc.want)
		}
	}
}

func TestSymbolize(t *testing.T) {
	t.Parallel()
	f := &File{byAddr: byAddress([]Func{{"b", 0x200, 0}, {"a", 0x100, 0x10}, {"alias", 0x100, 0x10}, {"c", 0x300, 0}})}
	for _, tc := range []struct {
		addr uint64
		name string
		off  uint64
		ok   bool
	}{
		{0x50, "", 0, false},
		{0x100, "a", 0, true},
		{0x10f, "a", 0xf, true},
		{0x110, "", 0, false},
		{0x2ff, "b", 0xff, true},
		{0x1000, "c", 0xd00, true},
	} {
		fn, off, ok := f.Symbolize(tc.addr)
		if fn.Name != tc.name || off != tc.off || ok != tc.ok {
			t.Errorf("Symbolize(%#x) = %s+%#x, %v; want %s+%#x, %v", tc.addr, fn.Name, off, ok, tc.name, tc.off, tc.ok)
		}
	}
}
