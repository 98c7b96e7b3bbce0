package check

// This file implements "did you mean" suggestions.

import "sort"

// suggest returns a "did you mean X?" hint for name from candidates, or
// nil when nothing is close. Close means an edit distance of at most a
// third of the name's length (at least 1).
func (ch *checker) suggest(name string, candidates []string) []string {
	best, bestD := "", -1
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	limit := max(1, len(name)/3)
	for _, c := range sorted {
		if c == name {
			continue
		}
		d := levenshtein(name, c)
		if d <= limit && (bestD < 0 || d < bestD) {
			best, bestD = c, d
		}
	}
	if bestD < 0 {
		return nil
	}
	return []string{"did you mean " + best + "?"}
}

// levenshtein returns the edit distance between a and b.
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
