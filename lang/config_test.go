package lang

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestConfigBlock checks that the settings of a config block reach the AST
// with their positions.
func TestConfigBlock(t *testing.T) {
	t.Parallel()
	f, err := Parse("t.bt", "config = { max_map_keys = 100; perf_rb_pages = 8 }\nBEGIN { exit(); }")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range f.Config {
		got = append(got, c.Name+"="+c.Value)
	}
	if diff := cmp.Diff([]string{"max_map_keys=100", "perf_rb_pages=8"}, got); diff != "" {
		t.Errorf("config items (-want +got):\n%s", diff)
	}
	if c := f.Config[1]; c.Span().Start.Line != 1 || c.Span().Start.Col != 32 {
		t.Errorf("perf_rb_pages at %d:%d, want 1:32", c.Span().Start.Line, c.Span().Start.Col)
	}
}
