package check

// This file checks map declarations ("let @m = lruhash(100);", bpftrace
// 0.23+): the kind of BPF map a map is and how many entries it holds.

import (
	"fmt"
	"sort"

	"github.com/gtrace/gtrace/lang"
)

// MapKinds are the map kinds a declaration may name. The percpu kinds hold
// aggregations only (count(), sum(), hist(), ...), the others plain values.
var MapKinds = map[string]struct{ PerCPU, LRU bool }{
	"hash":          {},
	"lruhash":       {LRU: true},
	"percpuhash":    {PerCPU: true},
	"percpulruhash": {PerCPU: true, LRU: true},
	"percpuarray":   {PerCPU: true},
}

// mapDecl is a checked declaration.
type mapDecl struct {
	node *lang.MapDecl
	max  int
}

// mapDecls checks the declarations of the file and remembers them by map.
func (ch *checker) mapDecls() {
	ch.decls = map[string]*mapDecl{}
	for _, d := range ch.file.MapDecls {
		if old := ch.decls[d.Name]; old != nil {
			ch.errorHint(d, []string{fmt.Sprintf("%s is declared at %s", d.Name, old.node.At.Start)}, "map %s is declared twice", d.Name)
			continue
		}
		if _, ok := MapKinds[d.Kind]; !ok {
			ch.errorAt(d.KindAt, ch.suggest(d.Kind, mapKindNames()), fmt.Sprintf("unknown map kind %s", d.Kind))
			continue
		}
		n := ch.mapDeclSize(d)
		if n < 0 {
			continue
		}
		ch.decls[d.Name] = &mapDecl{node: d, max: n}
	}
}

// mapDeclSize returns the declared number of entries, -1 after an error.
func (ch *checker) mapDeclSize(d *lang.MapDecl) int {
	if len(d.Args) != 1 {
		ch.errorf(d, "%s() takes one argument: the maximum number of entries", d.Kind)
		return -1
	}
	lit, ok := d.Args[0].(*lang.IntLit)
	v := int64(0)
	if ok {
		v = int64(lit.Value)
	}
	switch {
	case !ok:
		ch.errorf(d.Args[0], "the size of %s must be an integer constant", d.Name)
		return -1
	case v < 1 || v > 1<<24:
		ch.errorf(d.Args[0], "the size of %s must be between 1 and %d, not %d", d.Name, 1<<24, v)
		return -1
	case d.Kind == "percpuarray" && v != 1:
		ch.errorf(d.Args[0], "a percpuarray map holds one value: its size must be 1")
		return -1
	}
	return int(v)
}

func mapKindNames() []string {
	out := make([]string, 0, len(MapKinds))
	for k := range MapKinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// applyDecl checks that the use of a declared map fits its kind and fills
// in the declaration.
func (ch *checker) applyDecl(m *Map) {
	d := ch.decls[m.Name]
	if d == nil {
		return
	}
	kind := MapKinds[d.node.Kind]
	agg := m.Value != nil && m.Value.Kind.IsAgg()
	switch {
	case m.Value == nil:
	case kind.PerCPU && !agg:
		ch.errorHint(d.node, []string{fmt.Sprintf("%s holds %s; declare it hash or lruhash", m.Name, m.Value)},
			"map %s is declared %s, which holds only aggregations (count(), sum(), hist(), ...)", m.Name, d.node.Kind)
	case !kind.PerCPU && agg:
		ch.errorHint(d.node, []string{fmt.Sprintf("%s holds %s(); declare it percpuhash or percpulruhash", m.Name, m.Value.Kind)},
			"map %s is declared %s, which cannot hold an aggregation", m.Name, d.node.Kind)
	case d.node.Kind == "percpuarray" && m.Key != nil:
		ch.errorf(d.node, "map %s is declared percpuarray, which has no keys, but is used with keys", m.Name)
	}
	m.Decl, m.MaxEntries = d.node.Kind, d.max
}

// unusedDecls warns about declared maps that no probe uses.
func (ch *checker) unusedDecls() {
	for _, d := range ch.file.MapDecls {
		if ch.decls[d.Name] != nil && ch.info.Maps[d.Name] == nil {
			ch.warnAt(d.Span(), fmt.Sprintf("unused map %s", d.Name))
		}
	}
}
