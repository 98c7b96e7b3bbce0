package probes

import (
	"errors"
	"io"

	"github.com/cilium/ebpf"
)

// specialProvider is BEGIN or END: programs the runtime runs itself with
// BPF_PROG_TEST_RUN instead of attaching them.
type specialProvider struct{ name string }

var _ Provider = specialProvider{}

func (p specialProvider) Name() string { return p.name }

func (specialProvider) Attach(*ebpf.Program, string, uint64) (io.Closer, error) {
	return nil, errors.New("BEGIN and END probes are run, not attached")
}
