package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestAOTTrailer reads back the program an --aot trailer carries, and finds
// none in a file without one or with a damaged one.
func TestAOTTrailer(t *testing.T) {
	t.Parallel()
	exe := []byte("\x7fELF pretend executable")
	prog := "BEGIN { printf(\"hi\\n\"); }"
	withTrailer := append(append([]byte(nil), exe...), prog...)
	withTrailer = append(withTrailer, byte(len(prog)), 0, 0, 0, 0, 0, 0, 0)
	withTrailer = append(withTrailer, aotMagic...)
	tests := []struct {
		name   string
		data   []byte
		want   string
		wantOK bool
	}{
		{"trailer", withTrailer, prog, true},
		{"none", exe, "", false},
		{"short", []byte(aotMagic), "", false},
		{"too long", append(append(append([]byte(nil), exe...), 0xff, 0, 0, 0, 0, 0, 0, 0), aotMagic...), "", false},
	}
	for _, tt := range tests {
		path := filepath.Join(t.TempDir(), "exe")
		if err := os.WriteFile(path, tt.data, 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := readTrailer(f, int64(len(tt.data)))
		size, _ := exeSize(f)
		f.Close()
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("%s: got %q, %v, want %q, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
		if wantSize := int64(len(tt.data)); ok && size != int64(len(exe)) || !ok && size != wantSize {
			t.Errorf("%s: exeSize %d", tt.name, size)
		}
	}
}
