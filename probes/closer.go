package probes

import (
	"errors"
	"io"
	"sync"
)

// multiCloser closes a set of links and perf event fds once. Each Closer
// owns its own resources, so Closers can close concurrently.
type multiCloser struct {
	once    sync.Once
	closers []io.Closer
	err     error
}

func newCloser(cs ...io.Closer) *multiCloser { return &multiCloser{closers: cs} }

// Close closes everything, in reverse order of creation (links before the
// perf events they are attached to), and returns the errors joined.
func (m *multiCloser) Close() error {
	m.once.Do(func() {
		var errs []error
		for i := len(m.closers) - 1; i >= 0; i-- {
			errs = append(errs, m.closers[i].Close())
		}
		m.err = errors.Join(errs...)
	})
	return m.err
}
