// Package testenv says what tests do when something they need is missing.
// A kernel feature this kernel lacks (kprobes, a PMU, BTF) skips the test,
// naming the feature: that is a fact about the machine. Anything else (a
// tool such as gcc, a Debian package, ../shared, root) is a prerequisite:
// under CI (CI=true), where .ci/run installs every prerequisite and runs
// as root, a missing one fails the test, so CI cannot go green by
// skipping; elsewhere it skips, naming what to install.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// CI reports whether the tests run under CI (CI=true).
func CI() bool { return os.Getenv("CI") == "true" }

// Missing reports a missing prerequisite: it fails the test under CI and
// skips it elsewhere. The message says what is missing.
func Missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if CI() {
		tb.Fatalf("%s (CI=true: .ci/run must provide it)", msg)
	}
	tb.Skip("skipped: " + msg)
}

// LookPath returns the path of a program, or reports it Missing.
func LookPath(tb testing.TB, name string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(tb, "%s is not installed", name)
	}
	return p
}

// RequireRoot reports Missing unless the test runs as root.
func RequireRoot(tb testing.TB, why string) {
	tb.Helper()
	if os.Geteuid() != 0 {
		Missing(tb, "needs root: %s", why)
	}
}

// RequireFile reports Missing unless path exists; what names it ("libc's
// debug file (package libc6-dbg)").
func RequireFile(tb testing.TB, path, what string) {
	tb.Helper()
	if _, err := os.Stat(path); err != nil {
		Missing(tb, "%s is missing: %v", what, err)
	}
}

// NoKernelFeature skips the test: this kernel lacks feature. It is the
// only kind of skip CI allows.
func NoKernelFeature(tb testing.TB, feature string, err error) {
	tb.Helper()
	if err != nil {
		tb.Skipf("skipped: this kernel lacks %s: %v", feature, err)
	}
	tb.Skipf("skipped: this kernel lacks %s", feature)
}
