package runtime

import (
	"errors"
	"io"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/google/go-cmp/cmp"

	"github.com/gtrace/gtrace/codegen"
)

// multiAttacher is a fakeAttacher that can also attach many targets
// through one link, or fail to (then the runtime attaches them one by one
// with the program loaded again plainly).
type multiAttacher struct {
	fakeAttacher
	multiFail bool
	multi     [][]string // targets of each AttachMulti call
	one       []string   // targets of each Attach call
}

func (a *multiAttacher) MultiAttachType(targets []string) (ebpf.AttachType, bool) {
	return ebpf.AttachTraceUprobeMulti, len(targets) > 1
}

func (a *multiAttacher) AttachMulti(p *ebpf.Program, targets []string, _ []uint64) (io.Closer, error) {
	a.multi = append(a.multi, targets)
	if a.multiFail {
		return nil, errors.New("no uprobe_multi")
	}
	return fakeLink{targets[0], &a.fakeAttacher}, nil
}

func (a *multiAttacher) Attach(p *ebpf.Program, probe string, cookie uint64) (io.Closer, error) {
	a.one = append(a.one, probe)
	return a.fakeAttacher.Attach(p, probe, cookie)
}

// TestAttachMulti attaches the targets of one program through one multi
// link, and one by one when the multi link fails.
func TestAttachMulti(t *testing.T) {
	requireBPF(t)
	targets := []string{"uprobe:/x:a", "uprobe:/x:b", "uprobe:/x:c"}
	for _, fail := range []bool{false, true} {
		b := newBuilder()
		exit := b.event(codegen.Event{Kind: codegen.EvExit})
		b.probe("BEGIN", ebpf.RawTracepoint, "BEGIN", []string{"BEGIN"}, concat(emit(exit), ret()))
		b.probe("u", ebpf.Kprobe, "uprobe", targets, ret())
		b.probe("one", ebpf.Kprobe, "uprobe", []string{"uprobe:/x:d"}, ret())
		fa := &multiAttacher{fakeAttacher: fakeAttacher{closed: make(chan string, 10)}, multiFail: fail}
		stdout, _, _, err := run(t, b.p, &Options{Attacher: fa})
		if err != nil {
			t.Fatalf("multi fails %v: Run: %v", fail, err)
		}
		if want := "Attaching 5 probes...\n\n\n"; stdout != want {
			t.Errorf("multi fails %v: got stdout %q, want %q", fail, stdout, want)
		}
		wantOne := []string{"uprobe:/x:d"}
		if fail {
			wantOne = append(wantOne, targets...)
		}
		if diff := cmp.Diff([][]string{targets}, fa.multi); diff != "" {
			t.Errorf("multi fails %v: AttachMulti calls (-want +got):\n%s", fail, diff)
		}
		if diff := cmp.Diff(wantOne, fa.one); diff != "" {
			t.Errorf("multi fails %v: Attach calls (-want +got):\n%s", fail, diff)
		}
	}
}
