package lang

// TestParseConformance parses every program of bpftrace's own runtime test
// suite (../shared/conformance/bpftrace-cases.tsv beside the repository, one
// case per line: tab-separated columns named by the header line, with
// backslash escapes \\ \n \t \r) and every bpftrace tool in /usr/sbin/*.bt.
// Cases with will_fail=0 and all tools must parse; cases with will_fail=1
// may fail, but only with positioned errors.

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gtrace/gtrace/internal/testenv"
)

// conformanceExceptions are cases whose program column is not a bpftrace
// program, with the reason.
var conformanceExceptions = map[string]string{
	"defines work":                    "the program is a shell command substitution that builds the script",
	"address_probe_invalid_expansion": "the attach point is completed by a shell command substitution",
}

func TestParseConformance(t *testing.T) {
	t.Parallel()
	cases := readConformance(t)
	tools, _ := filepath.Glob("/usr/sbin/*.bt")
	if cases == nil {
		testenv.Missing(t, "no conformance cases (../shared/conformance/bpftrace-cases.tsv)")
	}
	if tools == nil {
		testenv.Missing(t, "bpftrace's tools (/usr/sbin/*.bt, package bpftrace) are not installed")
	}
	var failed []string
	for _, c := range cases {
		if _, ok := conformanceExceptions[c["name"]]; ok {
			continue
		}
		// The runner substitutes {{BEFORE_PID}} with a process id.
		prog := strings.ReplaceAll(c["program"], "{{BEFORE_PID}}", "4242")
		if msg := checkParse(prog, c["will_fail"] == "1"); msg != "" {
			failed = append(failed, c["source_file"]+" "+c["name"]+": "+msg)
		}
	}
	for _, path := range tools {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if msg := checkParse(string(src), false); msg != "" {
			failed = append(failed, path+": "+msg)
		}
	}
	if len(failed) > 0 {
		t.Errorf("%d of %d programs do not parse:\n%s", len(failed), len(cases)+len(tools), strings.Join(failed, "\n"))
	}
}

// checkParse parses src and returns "" when the outcome is acceptable.
func checkParse(src string, mayFail bool) string {
	_, err := Parse("case.bt", src)
	if err == nil {
		return ""
	}
	var l ErrorList
	if !errors.As(err, &l) {
		return "error without a position: " + err.Error()
	}
	for _, e := range l {
		if !e.Span.Start.IsValid() || strings.Contains(e.Msg, "internal error") {
			return "bad error: " + e.Error()
		}
	}
	if mayFail {
		return ""
	}
	return l.Error()
}

// readConformance reads the cases TSV, or returns nil when it is absent.
func readConformance(t *testing.T) []map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "shared", "conformance", "bpftrace-cases.tsv"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	head := strings.Split(lines[0], "\t")
	var cases []map[string]string
	for _, line := range lines[1:] {
		c := map[string]string{}
		for i, v := range strings.Split(line, "\t") {
			if i < len(head) {
				c[head[i]] = unescapeTSV(v)
			}
		}
		cases = append(cases, c)
	}
	return cases
}

// unescapeTSV undoes the TSV's backslash escapes (\\ \n \t \r); any other
// backslash pair is kept as written.
func unescapeTSV(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case '\\':
			b.WriteByte('\\')
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
