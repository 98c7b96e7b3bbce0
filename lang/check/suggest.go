package check

// This file implements "did you mean" suggestions.

import "github.com/gtrace/gtrace/internal/suggest"

// suggest returns a "did you mean X?" hint for name from candidates, or
// nil when nothing is close. Close means an edit distance (with adjacent
// transpositions) of at most a third of the name's length, and at least 1.
// Among equally close candidates, one that only adds letters to name wins
// ("prinf" → "printf", not "print").
func (ch *checker) suggest(name string, candidates []string) []string {
	closest := suggest.Closest(name, candidates, max(1, len(name)/3))
	if len(closest) == 0 {
		return nil
	}
	best := closest[0]
	for _, c := range closest {
		if isSubsequence(name, c) {
			best = c
			break
		}
	}
	return []string{"did you mean " + best + "?"}
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
