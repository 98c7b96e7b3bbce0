// This file writes the maps keyed by stacks as a pprof profile.

package export

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/google/pprof/profile"

	"github.com/gtrace/gtrace/codegen"
	"github.com/gtrace/gtrace/runtime/format"
)

// ProfileOptions configures WriteProfile. nil means the defaults.
type ProfileOptions struct {
	// Labels names the key parts of each map (KeyLabels); the parts that
	// are not stacks become sample labels.
	Labels map[string][]string
	// Start is when tracing started; the profile's duration runs from it
	// to the write. Zero leaves the duration out.
	Start time.Time
}

// StackMaps returns the maps whose key holds a kstack or a ustack.
func StackMaps(maps []*codegen.Map) []*codegen.Map {
	var out []*codegen.Map
	for _, m := range maps {
		if hasStack(m.Key) {
			if _, ok := sampleValue(m.Value, nil); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// WriteProfile writes every map of src whose key holds a stack as one
// gzipped pprof profile: one sample type per map (named after it, without
// the '@'; the first is the default), one sample per key, the key's other
// parts as sample labels. Frames carry their function names (inlined ones
// included, when the symbolizer knows them) and the file they were mapped
// from. It returns an error when no map has a stack.
func WriteProfile(w io.Writer, src Source, o *ProfileOptions) error {
	maps := StackMaps(src.Maps())
	if len(maps) == 0 {
		return fmt.Errorf("--pprof: no map has a kstack or ustack key")
	}
	b := newProfileBuilder(src.Env(), len(maps))
	for i, m := range maps {
		fm, _, err := src.ReadMap(m, 0)
		if err != nil {
			return err
		}
		b.addMap(i, fm, labelsOf(m, o))
	}
	p := b.p
	p.TimeNanos = time.Now().UnixNano()
	if o != nil && !o.Start.IsZero() {
		p.DurationNanos = time.Since(o.Start).Nanoseconds()
	}
	if err := p.CheckValid(); err != nil {
		return fmt.Errorf("--pprof: %w", err)
	}
	return p.Write(w)
}

func labelsOf(m *codegen.Map, o *ProfileOptions) []string {
	var mo *MetricsOptions
	if o != nil {
		mo = &MetricsOptions{Labels: o.Labels}
	}
	return labelNames(m, mo)
}

// sampleTypeName is a map's name as a pprof sample type.
func sampleTypeName(name string) string {
	if name == "@" {
		return "samples"
	}
	return strings.TrimPrefix(name, "@")
}

// profileBuilder accumulates a profile, sharing functions, locations and
// mappings between samples.
type profileBuilder struct {
	p        *profile.Profile
	r        *resolver
	nTypes   int
	funcs    map[string]*profile.Function
	locs     map[frameKey]*profile.Location
	mappings map[mappingKey]*profile.Mapping
}

// mappingKey names a mapping: the kernel, or a file of one process.
type mappingKey struct {
	pid  uint32
	file string
}

func newProfileBuilder(env *format.Env, nTypes int) *profileBuilder {
	return &profileBuilder{
		p: &profile.Profile{}, r: newResolver(env, newInlines()), nTypes: nTypes,
		funcs: map[string]*profile.Function{}, locs: map[frameKey]*profile.Location{},
		mappings: map[mappingKey]*profile.Mapping{},
	}
}

// addMap adds map fm as sample type i.
func (b *profileBuilder) addMap(i int, fm *format.Map, labels []string) {
	st := &profile.ValueType{Type: sampleTypeName(fm.Name), Unit: sampleUnit(fm.Value)}
	b.p.SampleType = append(b.p.SampleType, st)
	if i == 0 {
		b.p.DefaultSampleType = st.Type
	}
	for _, e := range fm.Entries {
		v, _ := sampleValue(fm.Value, reduced(fm, e))
		if v == 0 {
			continue
		}
		b.addSample(i, v, splitKey(fm.Key, e.Key), labels)
	}
}

func (b *profileBuilder) addSample(i int, v int64, parts []keyPart, labels []string) {
	s := &profile.Sample{Value: make([]int64, b.nTypes)}
	s.Value[i] = v
	for j, p := range parts {
		if isStack(p.t) {
			continue
		}
		if s.Label == nil {
			s.Label = map[string][]string{}
		}
		s.Label[labels[j]] = []string{partText(b.r.env, p)}
	}
	for _, f := range b.r.keyFrames(parts) {
		s.Location = append(s.Location, b.location(f))
	}
	b.p.Sample = append(b.p.Sample, s)
}

// location returns the location of frame f, creating it (and its mapping
// and functions) on first use.
func (b *profileBuilder) location(f frame) *profile.Location {
	k := frameKey{addr: f.addr, pid: f.pid, kernel: f.kernel}
	if l, ok := b.locs[k]; ok {
		return l
	}
	l := &profile.Location{ID: uint64(len(b.p.Location) + 1), Address: f.addr, Mapping: b.mapping(f)}
	for _, name := range f.funcs {
		l.Line = append(l.Line, profile.Line{Function: b.function(name)})
	}
	b.locs[k] = l
	b.p.Location = append(b.p.Location, l)
	return l
}

func (b *profileBuilder) function(name string) *profile.Function {
	if fn, ok := b.funcs[name]; ok {
		return fn
	}
	fn := &profile.Function{ID: uint64(len(b.p.Function) + 1), Name: name, SystemName: name}
	b.funcs[name] = fn
	b.p.Function = append(b.p.Function, fn)
	return fn
}

// mapping returns the mapping of frame f, widened to hold its address.
func (b *profileBuilder) mapping(f frame) *profile.Mapping {
	k := mappingKey{f.pid, f.module}
	switch {
	case f.kernel:
		k = mappingKey{0, "[kernel.kallsyms]"}
	case f.module == "":
		k.file = "[unknown]"
	}
	m, ok := b.mappings[k]
	if !ok {
		m = &profile.Mapping{ID: uint64(len(b.p.Mapping) + 1), File: k.file, Start: f.addr, Limit: f.addr + 1,
			HasFunctions: true, HasInlineFrames: true}
		b.mappings[k] = m
		b.p.Mapping = append(b.p.Mapping, m)
	}
	m.Start, m.Limit = min(m.Start, f.addr), max(m.Limit, f.addr+1)
	return m
}

// Folded prints the maps of a dump as collapsed stacks ("frame;frame;frame
// count", root first) for flamegraph.pl, inferno and speedscope: the
// other key parts come first as frames of their own (comm;main;f 12).
// When the program has more than one stack map, each line starts with the
// map's name. Maps without a stack print as text to Other, so that the
// stack lines stay parseable.
type Folded struct {
	Multi bool      // more than one map has a stack
	Other io.Writer // where maps without stacks go

	inlines *inlines // created on the first Dump
}

// Dump prints map fm (runtime.Options.DumpMap).
func (fd *Folded) Dump(w io.Writer, env *format.Env, fm *format.Map) error {
	if !hasStack(fm.Key) {
		if fd.Other == nil {
			return nil
		}
		return format.PrintMap(fd.Other, env, fm, 0, 0)
	}
	if fd.inlines == nil {
		fd.inlines = newInlines()
	}
	_, err := io.WriteString(w, foldedString(newResolver(env, fd.inlines), fm, fd.Multi))
	return err
}

// FoldedString returns the folded lines of a stack map, sorted.
func FoldedString(env *format.Env, fm *format.Map, withName bool) string {
	return foldedString(newResolver(env, newInlines()), fm, withName)
}

func foldedString(r *resolver, fm *format.Map, withName bool) string {
	env := r.env
	counts := map[string]int64{}
	for _, e := range fm.Entries {
		v, ok := sampleValue(fm.Value, reduced(fm, e))
		if !ok || v == 0 {
			continue
		}
		var names []string
		if withName {
			names = append(names, fm.Name)
		}
		parts := splitKey(fm.Key, e.Key)
		for _, p := range parts {
			if !isStack(p.t) {
				names = append(names, partText(env, p))
			}
		}
		names = append(names, rootFirst(r.keyFrames(parts))...)
		if len(names) == 0 {
			names = []string{"[no stack]"}
		}
		counts[foldedText(names)] += v
	}
	lines := make([]string, 0, len(counts))
	for k, v := range counts {
		lines = append(lines, fmt.Sprintf("%s %d\n", k, v))
	}
	sort.Strings(lines)
	return strings.Join(lines, "")
}
