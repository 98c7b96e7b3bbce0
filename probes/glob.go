package probes

import "strings"

// hasWild reports whether s contains a wildcard.
func hasWild(s string) bool { return strings.ContainsAny(s, "*?") }

// match reports whether name matches pattern, where '*' matches any run of
// bytes (':' included, as in bpftrace's listing) and '?' any one byte.
func match(pattern, name string) bool {
	px, nx := 0, 0
	starP, starN := -1, 0
	for nx < len(name) {
		switch {
		case px < len(pattern) && pattern[px] == '*':
			starP, starN = px, nx
			px++
		case px < len(pattern) && (pattern[px] == '?' || pattern[px] == name[nx]):
			px++
			nx++
		case starP >= 0:
			px = starP + 1
			starN++
			nx = starN
		default:
			return false
		}
	}
	for px < len(pattern) && pattern[px] == '*' {
		px++
	}
	return px == len(pattern)
}

// filter returns the names that match pattern, in order.
func filter(pattern string, names []string) []string {
	var out []string
	for _, n := range names {
		if match(pattern, n) {
			out = append(out, n)
		}
	}
	return out
}
