package probes

import (
	"io"
	"os"

	"github.com/cilium/ebpf"

	"github.com/gtrace/gtrace/lang/types"
)

// kprobeProvider is "kprobe:FUNC" and "kretprobe:FUNC". Only the feature
// check is implemented: on kernels without CONFIG_KPROBES every use says
// so; elsewhere kprobes are not implemented yet.
type kprobeProvider struct {
	k    *kernel
	name string // kprobe or kretprobe
}

var _ Provider = (*kprobeProvider)(nil)

func (p *kprobeProvider) Name() string                   { return p.name }
func (*kprobeProvider) ProgramType() ebpf.ProgramType    { return ebpf.Kprobe }
func (*kprobeProvider) Args(string) (*types.Type, error) { return nil, nil }
func (*kprobeProvider) Describe(string) (string, error)  { return "", nil }
func (*kprobeProvider) List() ([]string, error)          { return nil, nil }

func (p *kprobeProvider) Expand([]string) ([]string, error) { return nil, p.unsupported() }

func (p *kprobeProvider) Attach(*ebpf.Program, string, uint64) (io.Closer, error) {
	return nil, p.unsupported()
}

func (p *kprobeProvider) unsupported() error {
	if !p.k.haveKprobes() {
		return notSupported("kprobes are not supported by this kernel (built without CONFIG_KPROBES)")
	}
	return notSupported("%s probes are not supported yet", p.name)
}

// haveKprobes reports whether the kernel can create kprobes: through the
// kprobe PMU (4.17+) or tracefs kprobe_events.
func (k *kernel) haveKprobes() bool {
	if _, err := os.Stat("/sys/bus/event_source/devices/kprobe"); err == nil {
		return true
	}
	root, err := k.tracefsRoot()
	if err != nil {
		return true // cannot tell: do not blame the kernel
	}
	_, err = os.Stat(root + "/kprobe_events")
	return err == nil
}
