package lang

// The golden and error tests read these testdata files:
//
//   - testdata/ast/NAME.gt is a script; testdata/ast/NAME.ast is Dump of
//     its AST. "go test ./lang -update" rewrites the .ast files.
//   - testdata/errors/NAME.gt is a script that does not parse. Each line
//     where an error is expected ends with a comment // ERROR "regexp"; the
//     test checks that every reported error is on such a line and matches
//     its regexp, and that every such line gets an error.
//   - testdata/format/NAME.gt does not parse either; testdata/format/NAME.golden
//     is the full display form of its errors (FormatError), rewritten by
//     -update.

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestDumpGolden(t *testing.T) {
	t.Parallel()
	paths, err := filepath.Glob("testdata/ast/*.gt")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no testdata/ast/*.gt files (err %v)", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			src := readFile(t, path)
			f, err := Parse(filepath.Base(path), src)
			if err != nil {
				t.Fatalf("Parse: %s", FormatError(err))
			}
			compareGolden(t, strings.TrimSuffix(path, ".gt")+".ast", Dump(f))
		})
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	paths, err := filepath.Glob("testdata/errors/*.gt")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no testdata/errors/*.gt files (err %v)", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			src := readFile(t, path)
			want := expectedErrors(t, src)
			_, err := Parse(filepath.Base(path), src)
			if err == nil {
				t.Fatalf("Parse succeeded, want errors on lines %v", keys(want))
			}
			list, ok := err.(ErrorList)
			if !ok {
				t.Fatalf("Parse returned %T, want ErrorList", err)
			}
			for _, e := range list {
				re, ok := want[e.Span.Start.Line]
				switch {
				case !ok:
					t.Errorf("unexpected error %s", e.Error())
				case !re.MatchString(e.Msg):
					t.Errorf("line %d: got %q, want match for %q", e.Span.Start.Line, e.Msg, re)
				}
				delete(want, e.Span.Start.Line)
			}
			for line, re := range want {
				t.Errorf("line %d: no error, want one matching %q", line, re)
			}
		})
	}
}

var errorComment = regexp.MustCompile(`// ERROR "((?:[^"\\]|\\.)*)"`)

// expectedErrors maps line numbers to the regexps of their ERROR comments.
func expectedErrors(t *testing.T, src string) map[int]*regexp.Regexp {
	t.Helper()
	want := map[int]*regexp.Regexp{}
	for i, line := range strings.Split(src, "\n") {
		if m := errorComment.FindStringSubmatch(line); m != nil {
			want[i+1] = regexp.MustCompile(strings.ReplaceAll(m[1], `\"`, `"`))
		}
	}
	if len(want) == 0 {
		t.Fatal("no // ERROR comments")
	}
	return want
}

func keys(m map[int]*regexp.Regexp) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestFormatGolden(t *testing.T) {
	t.Parallel()
	paths, err := filepath.Glob("testdata/format/*.gt")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no testdata/format/*.gt files (err %v)", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			_, err := Parse(filepath.Base(path), readFile(t, path))
			if err == nil {
				t.Fatal("Parse succeeded, want errors")
			}
			compareGolden(t, strings.TrimSuffix(path, ".gt")+".golden", FormatError(err))
		})
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// compareGolden compares got with the golden file, or rewrites it with -update.
func compareGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := readFile(t, golden)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", golden, diff)
	}
}
