package probes

import (
	"errors"
	"fmt"
	"sort"

	"github.com/cilium/ebpf"
)

// ErrNotSupported is wrapped by errors about kernel features this machine
// lacks (kprobes, a PMU for hardware events). It is cilium/ebpf's
// sentinel, so one errors.Is answers for both.
var ErrNotSupported = ebpf.ErrNotSupported

// ErrNoSuchProbe is matched by every *NotFoundError (errors.Is).
var ErrNoSuchProbe = errors.New("no such probe")

// NotFoundError says that no probe matches a name.
type NotFoundError struct {
	Probe   string   // the name as asked for, canonical provider, wildcards kept
	Similar []string // existing full names close to Probe, best first
}

func (e *NotFoundError) Error() string { return e.Probe + " not found" }

// Is makes errors.Is(err, ErrNoSuchProbe) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNoSuchProbe }

// Hints returns one "did you mean X?" line per similar name.
func (e *NotFoundError) Hints() []string {
	var hints []string
	for _, s := range e.Similar {
		hints = append(hints, fmt.Sprintf("did you mean %s?", s))
	}
	return hints
}

// hintedError is an error with hint lines for the positioned report. Its
// message keeps bpftrace's words where scripts and bpftrace's tests match
// them; the hints say the same in gtrace's terms.
type hintedError struct {
	msg   string
	hints []string
}

func (e *hintedError) Error() string   { return e.msg }
func (e *hintedError) Hints() []string { return e.hints }

// notSupportedError is ErrNotSupported with a sentence naming the missing
// kernel feature, and the error that showed it missing (Unwrap).
type notSupportedError struct {
	msg   string
	cause error
}

func (e *notSupportedError) Error() string        { return e.msg }
func (e *notSupportedError) Is(target error) bool { return target == ErrNotSupported }
func (e *notSupportedError) Unwrap() error        { return e.cause }

// notSupported returns an ErrNotSupported error. A %w in format names the
// cause, which stays reachable through errors.Is and errors.As.
func notSupported(format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &notSupportedError{msg: err.Error(), cause: errors.Unwrap(err)}
}

// maxHints bounds the hints attached to a NotFoundError.
const maxHints = 3

// similar returns the candidates closest to name by edit distance (up to
// maxHints of them, all at the same distance), or nil when every candidate
// is too far away to be a typo.
func similar(name string, candidates []string) []string {
	type scored struct {
		s string
		d int
	}
	limit := max(2, len(name)/4)
	var best []scored
	for _, c := range candidates {
		if d := editDistance(name, c); d <= limit {
			best = append(best, scored{c, d})
		}
	}
	sort.SliceStable(best, func(i, j int) bool { return best[i].d < best[j].d })
	var out []string
	for i := 0; i < len(best) && i < maxHints && best[i].d == best[0].d; i++ {
		out = append(out, best[i].s)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
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
