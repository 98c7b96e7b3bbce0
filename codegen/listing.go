package codegen

import (
	"fmt"
	"sort"
	"strings"
)

// Listing returns the annotated instructions of every program, in probe
// order, as "gtrace -d asm" prints them.
func (p *Program) Listing() string {
	var b strings.Builder
	for _, pr := range p.Probes {
		spec := p.Spec.Programs[pr.Program]
		if spec == nil {
			continue
		}
		fmt.Fprintf(&b, "%s: %s %s\n", pr.Program, spec.Type, strings.Join(pr.Targets, ","))
		fmt.Fprintf(&b, "%v", spec.Instructions)
	}
	names := make([]string, 0, len(p.Spec.Maps))
	for n := range p.Spec.Maps {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		m := p.Spec.Maps[n]
		fmt.Fprintf(&b, "map %s: %s key %d value %d max %d\n", n, m.Type, m.KeySize, m.ValueSize, m.MaxEntries)
	}
	return b.String()
}
