package codegen

import (
	"errors"
	"testing"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/check"
)

// TestErrors checks that what codegen cannot compile is reported as a
// positioned error, not a panic.
func TestErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		col            int
		cfg            *Config
	}{
		{"kaddr", `BEGIN { @ = kaddr("vfs_read"); }`, "<test>:1:13: kaddr() is not available: no symbol table", 13, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := lang.Parse("<test>", tt.in)
			if err != nil {
				t.Fatal(err)
			}
			info, err := (&check.Config{}).Check(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Compile(f, info, tt.cfg)
			var list lang.ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("got %v, want an ErrorList", err)
			}
			if got := list[0].Error(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if got := list[0].Span.Start.Col; got != tt.col {
				t.Errorf("got column %d, want %d", got, tt.col)
			}
		})
	}
}
