package probes

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gtrace/gtrace/probes/internal/tracefs"
)

// FuzzArgsType checks that any parsable format file gives an args struct
// whose fields lie inside the record. Seeds: the fixture format files.
func FuzzArgsType(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/tracefs/events/*/*/format")
	if len(seeds) == 0 {
		f.Fatal("no seeds")
	}
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, user bool) {
		ft, err := tracefs.ParseFormat(data)
		if err != nil {
			return
		}
		cat := "x"
		if user {
			cat = "syscalls"
		}
		args := argsType(cat, "y", ft.Fields)
		for _, fd := range args.Fields {
			if fd.Type == nil || fd.Offset+fd.Type.Size > args.Size {
				t.Errorf("field %s (%v at %d) outside the %d-byte record", fd.Name, fd.Type, fd.Offset, args.Size)
			}
		}
	})
}
