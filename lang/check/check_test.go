package check

// The error tests read testdata/*.gt. Each file is a script that is parsed
// and checked with the fixture resolver. A line that must produce an error
// carries a comment
//
//	// ERROR "regexp"
//
// and the checker must report exactly one error on that line whose message
// matches the regexp; any other error fails the test. A file with no ERROR
// comments must check cleanly. An ErrorList keeps at most lang.MaxErrors
// errors, so a file holds at most that many ERROR lines. Lines starting with
//
//	// PARAMS: a b c
//	// UNSAFE
//
// set the positional parameters and allow unsafe functions.

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gtrace/gtrace/lang"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var errorRE = regexp.MustCompile(`//\s*ERROR\s+"((?:[^"\\]|\\.)*)"`)

// expectation is one ERROR comment.
type expectation struct {
	line int
	re   *regexp.Regexp
}

func parseExpectations(t *testing.T, src string) (want []expectation, conf *Config) {
	t.Helper()
	conf = &Config{Resolver: &fixtureResolver{}}
	for i, l := range strings.Split(src, "\n") {
		if p, ok := strings.CutPrefix(strings.TrimSpace(l), "// PARAMS:"); ok {
			conf.Params = strings.Fields(p)
		}
		if strings.TrimSpace(l) == "// UNSAFE" {
			conf.Unsafe = true
		}
		m := errorRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		re, err := regexp.Compile(strings.ReplaceAll(m[1], `\"`, `"`))
		if err != nil {
			t.Fatalf("line %d: bad regexp: %v", i+1, err)
		}
		want = append(want, expectation{line: i + 1, re: re})
	}
	return want, conf
}

func checkSource(t *testing.T, name, src string, conf *Config) (*lang.File, *Info, lang.ErrorList) {
	t.Helper()
	f, err := lang.Parse(name, src)
	if err != nil {
		t.Fatalf("parse: %s", lang.FormatError(err))
	}
	info, err := conf.Check(f)
	if err == nil {
		return f, info, nil
	}
	list, ok := err.(lang.ErrorList)
	if !ok {
		t.Fatalf("Check returned %T (%v), want lang.ErrorList", err, err)
	}
	return f, info, list
}

func TestErrors(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/*.gt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want, conf := parseExpectations(t, string(src))
			_, _, errs := checkSource(t, file, string(src), conf)
			matchErrors(t, want, errs)
		})
	}
}

func matchErrors(t *testing.T, want []expectation, errs lang.ErrorList) {
	t.Helper()
	byLine := map[int]*lang.Error{}
	for _, e := range errs {
		if !e.Span.Start.IsValid() {
			t.Errorf("error without a position: %s", e.Msg)
			continue
		}
		byLine[e.Span.Start.Line] = e
	}
	for _, w := range want {
		e := byLine[w.line]
		if e == nil {
			t.Errorf("line %d: got no error, want one matching %q", w.line, w.re)
			continue
		}
		delete(byLine, w.line)
		if !w.re.MatchString(e.Msg) {
			t.Errorf("line %d: got error %q, want one matching %q", w.line, e.Msg, w.re)
		}
	}
	for _, e := range byLine {
		t.Errorf("unexpected error: %s", e.Format())
	}
}

func BenchmarkCheck(b *testing.B) {
	src, err := os.ReadFile("testdata/ok_basic.gt")
	if err != nil {
		b.Fatal(err)
	}
	f, err := lang.Parse("ok_basic.gt", string(src))
	if err != nil {
		b.Fatal(err)
	}
	conf := &Config{Resolver: &fixtureResolver{}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := conf.Check(f); err != nil {
			b.Fatal(err)
		}
	}
}
