package probes

import (
	"errors"
	"fmt"

	"github.com/cilium/ebpf"

	"github.com/gtrace/gtrace/internal/suggest"
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
	out := suggest.Closest(name, candidates, max(2, len(name)/4))
	return out[:min(len(out), maxHints)]
}
