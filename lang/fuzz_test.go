package lang

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that Parse never panics, that a failure is a list of
// positioned errors, and that Dump of a parsed file never panics. The
// seeds are the golden and error test scripts plus
// testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"testdata/ast", "testdata/errors", "testdata/format"} {
		paths, _ := filepath.Glob(filepath.Join(dir, "*.gt"))
		for _, p := range paths {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(string(b))
			}
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		file, err := Parse("fuzz.gt", src)
		if err != nil {
			list, ok := err.(ErrorList)
			if !ok || len(list) == 0 {
				t.Fatalf("Parse returned %T %v, want a non-empty ErrorList", err, err)
			}
			for _, e := range list {
				if !e.Span.Start.IsValid() {
					t.Fatalf("error without a position: %v", e)
				}
				_ = e.Format()
			}
			return
		}
		if file == nil {
			t.Fatal("Parse returned nil file and nil error")
		}
		_ = Dump(file)
	})
}
