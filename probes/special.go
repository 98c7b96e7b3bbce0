package probes

import (
	"errors"
	"fmt"
	"io"

	"github.com/cilium/ebpf"

	"github.com/gtrace/gtrace/lang/types"
)

// specialProvider is BEGIN or END: programs the runtime runs itself with
// BPF_PROG_TEST_RUN instead of attaching them.
type specialProvider struct{ name string }

var _ Provider = specialProvider{}

func (p specialProvider) Name() string                { return p.name }
func (specialProvider) ProgramType() ebpf.ProgramType { return ebpf.RawTracepoint }
func (specialProvider) List() ([]string, error)       { return nil, nil }
func (specialProvider) Args(string) (*types.Type, error) {
	return nil, nil
}

func (p specialProvider) Expand(parts []string) ([]string, error) {
	if len(parts) != 0 {
		return nil, fmt.Errorf("%s probe type takes no arguments", p.name)
	}
	return []string{p.name}, nil
}

func (specialProvider) Describe(string) (string, error) { return "", nil }

func (p specialProvider) Attach(*ebpf.Program, string, uint64) (io.Closer, error) {
	return nil, errors.New("BEGIN and END probes are run, not attached")
}
