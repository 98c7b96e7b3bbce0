package codegen

import "testing"

func TestDebugfFormat(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ have, want string }{
		{"a %d b", "a %lld b"},
		{"%-5x|%s|%ld|%%d|%c", "%-5llx|%s|%ld|%%d|%c"},
		{"%u%i%X", "%llu%lli%llX"},
		{"no conversions", "no conversions"},
	} {
		if got := debugfFormat(tc.have); got != tc.want {
			t.Errorf("debugfFormat(%q): got %q, want %q", tc.have, got, tc.want)
		}
	}
}
