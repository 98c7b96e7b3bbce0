package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCommandArgv: words split at blanks, as bpftrace 0.17 splits them;
// shell syntax stays plain words (bpftrace runs no shell either); quotes
// group words (bpftrace 0.17 would pass the quote characters on).
func TestCommandArgv(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want []string
		err  string
	}{
		{in: "/bin/echo a  b", want: []string{"/bin/echo", "a", "b"}},
		{in: "/bin/echo 'a b' \"c d\" e\\ f", want: []string{"/bin/echo", "a b", "c d", "e f"}},
		{in: `/bin/echo "a \"q\" \\ \x"`, want: []string{"/bin/echo", `a "q" \ \x`}},
		{in: "/bin/echo a | cat", want: []string{"/bin/echo", "a", "|", "cat"}},
		{in: "/bin/echo $HOME *.c", want: []string{"/bin/echo", "$HOME", "*.c"}},
		{in: "/bin/dd if=/dev/zero count=1", want: []string{"/bin/dd", "if=/dev/zero", "count=1"}},
		{in: "FOO=1 /bin/true", want: []string{"FOO=1", "/bin/true"}},
		{in: "/bin/echo 'unterminated", err: "-c: unterminated ' quote"},
		{in: "  ", err: "-c: empty command"},
	} {
		got, err := commandArgv(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("commandArgv(%q): got %q, %v; want error %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || !cmp.Equal(got, tc.want) {
			t.Errorf("commandArgv(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}
