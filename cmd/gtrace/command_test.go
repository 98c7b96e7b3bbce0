package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCommandArgv(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"/bin/echo a b", []string{"/bin/echo", "a", "b"}},
		{"/bin/echo 'a b' \"c d\" e\\ f", []string{"/bin/echo", "a b", "c d", "e f"}},
		{"/bin/echo a | cat", []string{"/bin/sh", "-c", "/bin/echo a | cat"}},
		{"/bin/echo $HOME", []string{"/bin/sh", "-c", "/bin/echo $HOME"}},
		{"/bin/echo 'unterminated", []string{"/bin/sh", "-c", "/bin/echo 'unterminated"}},
		{"/bin/dd if=/dev/zero count=1", []string{"/bin/dd", "if=/dev/zero", "count=1"}},
		{"FOO=1 /bin/true", []string{"/bin/sh", "-c", "FOO=1 /bin/true"}},
	} {
		if got := commandArgv(tc.in); !cmp.Equal(got, tc.want) {
			t.Errorf("commandArgv(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
