// Package suggest finds the known names closest to a misspelt one, for the
// "did you mean" hints of gtrace's errors. lang, lang/check and probes all
// use it, so one spelling mistake is measured the same way everywhere.
package suggest

import "sort"

// Distance returns the optimal string alignment distance between a and b:
// the fewest insertions, deletions, substitutions and adjacent
// transpositions (of bytes) that turn a into b.
func Distance(a, b string) int {
	// Three rows suffice: a transposition looks two rows back.
	back, prev, cur := make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
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
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], back[j-2]+1)
			}
		}
		back, prev, cur = prev, cur, back
	}
	return prev[len(b)]
}

// Closest returns the candidates nearest to name, all at the same smallest
// distance, which is at most limit, in sorted order. name itself is never
// suggested. It returns nil when every candidate is farther than limit.
func Closest(name string, candidates []string, limit int) []string {
	best, out := -1, []string(nil)
	for _, c := range candidates {
		if c == name {
			continue
		}
		d := Distance(name, c)
		if d > limit || best >= 0 && d > best {
			continue
		}
		if best < 0 || d < best {
			best, out = d, out[:0]
		}
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}
