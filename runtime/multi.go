// This file attaches all the targets of one program through one link when
// the Attacher can (uprobe_multi: one syscall instead of a perf event per
// probe, and one teardown), and falls back to one link per target, with
// the program loaded again without the multi attach type, when the kernel
// refuses the multi link.

package runtime

import (
	"fmt"
	"io"

	"github.com/cilium/ebpf"

	"github.com/gtrace/gtrace/codegen"
)

// MultiAttacher is an Attacher that can attach many targets of one
// program through one link. probes.Registry implements it.
type MultiAttacher interface {
	// MultiAttachType returns the attach type a program must be loaded
	// with to serve every target through one link, and false when the
	// targets cannot share one.
	MultiAttachType(targets []string) (ebpf.AttachType, bool)
	// AttachMulti attaches prog (loaded with MultiAttachType's type) to
	// every target, targets[i] with cookies[i], through one link.
	AttachMulti(prog *ebpf.Program, targets []string, cookies []uint64) (io.Closer, error)
}

// multiJob is the part of an attachJob that serves many targets at once.
type multiJob struct {
	a       MultiAttacher
	targets []string
	cookies []uint64
	plain   func() (*ebpf.Program, error) // the program without the multi attach type
}

// multiSpec returns the spec to load: p.Spec, or a copy in which the
// programs whose targets can share one link have the multi attach type.
// multi names those programs.
func multiSpec(p *codegen.Program, a Attacher) (spec *ebpf.CollectionSpec, multi map[string]bool) {
	ma, ok := a.(MultiAttacher)
	if !ok {
		return p.Spec, nil
	}
	spec = p.Spec
	for _, pr := range p.Probes {
		at, ok := ma.MultiAttachType(pr.Targets)
		if pr.Syscall != "" || !ok {
			continue
		}
		if multi == nil {
			spec, multi = p.Spec.Copy(), map[string]bool{}
		}
		spec.Programs[pr.Program].AttachType = at
		multi[pr.Program] = true
	}
	return spec, multi
}

// multiAttachJob returns the one job that attaches every target of pr.
func (s *Session) multiAttachJob(p *ebpf.Program, pr *codegen.Probe) attachJob {
	cookies := make([]uint64, len(pr.Targets))
	copy(cookies, pr.Cookies)
	return attachJob{prog: p, target: pr.Targets[0], multi: &multiJob{
		a: s.opts.Attacher.(MultiAttacher), targets: pr.Targets, cookies: cookies,
		plain: func() (*ebpf.Program, error) { return s.plainProgram(pr.Program) },
	}}
}

// plainProgram loads program name again without an attach type, with the
// session's maps.
func (s *Session) plainProgram(name string) (*ebpf.Program, error) {
	spec := s.prog.Spec.Copy()
	one := &ebpf.CollectionSpec{Maps: spec.Maps, Programs: map[string]*ebpf.ProgramSpec{name: spec.Programs[name]}, Types: spec.Types}
	coll, err := ebpf.NewCollectionWithOptions(one, ebpf.CollectionOptions{MapReplacements: s.coll.Maps})
	if err != nil {
		return nil, fmt.Errorf("load %s to attach its probes one by one: %w", name, err)
	}
	defer coll.Close()
	return coll.DetachProgram(name), nil
}

// attachMulti attaches a multi job through one link or, when that fails,
// one target at a time with the plain program (closed with the links).
func attachMulti(a Attacher, j attachJob) ([]io.Closer, error) {
	m := j.multi
	if l, err := m.a.AttachMulti(j.prog, m.targets, m.cookies); err == nil {
		return []io.Closer{l}, nil
	}
	p, err := m.plain()
	if err != nil {
		return nil, err
	}
	out := []io.Closer{p}
	for i, t := range m.targets {
		l, err := a.Attach(p, t, m.cookies[i])
		if err != nil {
			detachAll(out)
			return nil, err
		}
		out = append(out, l)
	}
	// The links hold the program: closing its descriptor with them is safe.
	return out, nil
}
