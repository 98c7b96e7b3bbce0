package check

// This file implements "did you mean" suggestions.

import "sort"

// suggest returns a "did you mean X?" hint for name from candidates, or
// nil when nothing is close. Close means an edit distance (with adjacent
// transpositions) of at most a third of the name's length, and at least 1.
// Among equally close candidates, one that only adds letters to name wins
// ("prinf" → "printf", not "print").
func (ch *checker) suggest(name string, candidates []string) []string {
	best, bestD, bestSub := "", -1, false
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	limit := max(1, len(name)/3)
	for _, c := range sorted {
		if c == name {
			continue
		}
		d := editDistance(name, c)
		if d > limit {
			continue
		}
		sub := isSubsequence(name, c)
		if bestD < 0 || d < bestD || (d == bestD && sub && !bestSub) {
			best, bestD, bestSub = c, d, sub
		}
	}
	if bestD < 0 {
		return nil
	}
	return []string{"did you mean " + best + "?"}
}

// editDistance returns the optimal string alignment distance between a
// and b: insertions, deletions, substitutions and adjacent transpositions.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// isSubsequence reports whether s can be made from t by deleting letters.
func isSubsequence(s, t string) bool {
	i := 0
	for j := 0; j < len(t) && i < len(s); j++ {
		if s[i] == t[j] {
			i++
		}
	}
	return i == len(s)
}
