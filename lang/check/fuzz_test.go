package check

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gtrace/gtrace/lang"
)

// FuzzCheck checks that any script the parser accepts is checked without
// an internal error (a recovered panic).
func FuzzCheck(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.gt")
	more, _ := filepath.Glob("testdata/types/*.gt")
	for _, file := range append(files, more...) {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(string(src))
		}
	}
	f.Add("BEGIN { @x[1, comm] = count(); print(@x); }")
	f.Add("macro inc($x) { $x += 1; $x } macro get(@m, k) { @m[k] } BEGIN { $a = 1; @m[inc($a)] = { $a }; print(get(@m, 2)); assert($a == 2, \"a\"); }")
	f.Fuzz(func(t *testing.T, src string) {
		file, err := lang.Parse("fuzz", src)
		if err != nil {
			return
		}
		conf := &Config{Resolver: &fixtureResolver{}, Params: []string{"1", "a"}}
		if _, err := conf.Check(file); err != nil && strings.Contains(err.Error(), "internal checker error") {
			t.Fatalf("Check(%q): %v", src, err)
		}
	})
}
