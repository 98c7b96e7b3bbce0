package runtime

// This file tests, with scripts compiled by codegen, what the runtime
// reports from the counters codegen keeps: output records lost because the
// ring buffer was full.

import (
	"regexp"
	"testing"

	"github.com/gtrace/gtrace/codegen"
	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/check"
)

func compileScript(t *testing.T, src string, cfg *codegen.Config) *codegen.Program {
	t.Helper()
	f, err := lang.Parse("<test>", src)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	info, err := (&check.Config{}).Check(f)
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	p, err := codegen.Compile(f, info, cfg)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return p
}

func TestLostEvents(t *testing.T) {
	requireBPF(t)
	// BEGIN's exit() gets through; END writes about 26 KiB of records in
	// one run into a 4 KiB ring buffer.
	src := `BEGIN { exit(); }
END { $s = "0123456789012345678901234567890123456789012345678901234567890";
  unroll(100) { printf("%s%s%s%s\n", $s, $s, $s, $s); } }`
	prog := compileScript(t, src, &codegen.Config{RingBufSize: 4096})
	tests := []struct {
		name         string
		json         bool
		stdout, errw *regexp.Regexp
	}{
		{"text", false, nil, regexp.MustCompile(`(?m)^Lost [1-9][0-9]* events$`)},
		{"json", true, regexp.MustCompile(`(?m)^\{"type": "lost_events", "data": \{"events": [1-9][0-9]*\}\}$`), nil},
	}
	for _, tt := range tests {
		stdout, stderr, _, err := run(t, prog, &Options{Quiet: true, JSON: tt.json})
		if err != nil {
			t.Fatalf("%s: Run: %v", tt.name, err)
		}
		if tt.stdout != nil && !tt.stdout.MatchString(stdout) {
			t.Errorf("%s: got stdout %q, want a match for %s", tt.name, stdout, tt.stdout)
		}
		if tt.errw != nil && !tt.errw.MatchString(stderr) {
			t.Errorf("%s: got stderr %q, want a match for %s", tt.name, stderr, tt.errw)
		}
	}
}
