package probes

import (
	"errors"
	"io"

	"github.com/cilium/ebpf"
)

// specialProvider is BEGIN, END, self or bench: programs the runtime runs
// itself with BPF_PROG_TEST_RUN instead of attaching them (at start, at
// the end, on a signal gtrace receives, in a benchmark loop).
type specialProvider struct{ name string }

var _ Provider = specialProvider{}

func (p specialProvider) Name() string { return p.name }

func (p specialProvider) Attach(*ebpf.Program, string, uint64) (io.Closer, error) {
	return nil, errors.New(p.name + " probes are run, not attached")
}
