package suggest

import (
	"slices"
	"testing"
)

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"printf", "printf", 0},
		{"prinf", "printf", 1},  // insertion
		{"pritnf", "printf", 1}, // adjacent transposition
		{"kprobe", "uprobe", 1}, // substitution
		{"tracepiont", "tracepoint", 1},
		{"ca", "abc", 3}, // OSA: no edit of a transposed pair
		{"sched_switch", "sched_wakeup", 6},
	} {
		if got := Distance(tc.a, tc.b); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := Distance(tc.b, tc.a); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d (symmetric)", tc.b, tc.a, got, tc.want)
		}
	}
}

func TestClosest(t *testing.T) {
	cands := []string{"uprobe", "kprobe", "tracepoint", "usdt", "kfunc"}
	for _, tc := range []struct {
		name  string
		limit int
		want  []string
	}{
		{"xprobe", 2, []string{"kprobe", "uprobe"}}, // ties, sorted
		{"tracepiont", 3, []string{"tracepoint"}},
		{"usdt", 2, []string{"kfunc"}[:0]}, // itself is not suggested; nothing else near
		{"zzzzzz", 2, nil},
	} {
		got := Closest(tc.name, cands, tc.limit)
		if len(got) == 0 && len(tc.want) == 0 {
			continue
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Closest(%q, %d) = %q, want %q", tc.name, tc.limit, got, tc.want)
		}
	}
}
