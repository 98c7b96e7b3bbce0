package check

// This file implements the checker's entry point, its per-run state and the
// two-pass driver.

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/types"
)

// defaultStrLen is the string size used when Config.StrLen is 0.
const defaultStrLen = 64

// Check type-checks f. It returns the side tables of the check, or a
// lang.ErrorList of positioned errors. A nil *Config means the defaults.
// Check never panics: an internal failure becomes an error at the file.
func (c *Config) Check(f *lang.File) (info *Info, err error) {
	if f == nil {
		return nil, fmt.Errorf("check: nil file")
	}
	ch := newChecker(c, f)
	defer func() {
		if r := recover(); r != nil {
			info = nil
			err = lang.ErrorList{lang.NewError(f, f.Span(), fmt.Sprintf("internal checker error: %v", r))}
		}
	}()
	return ch.run()
}

func (c *Config) strLen() int {
	if c == nil || c.StrLen <= 0 {
		return defaultStrLen
	}
	return c.StrLen
}

func (c *Config) resolver() Resolver {
	if c == nil {
		return nil
	}
	return c.Resolver
}

func (c *Config) params() []string {
	if c == nil {
		return nil
	}
	return c.Params
}

func (c *Config) unsafe() bool { return c != nil && c.Unsafe }

func (c *Config) probeFilter() *regexp.Regexp {
	if c == nil {
		return nil
	}
	return c.ProbeFilter
}

// checker holds all state of one Check run. Map types and scratch variable
// types persist across the two passes; everything else is rebuilt by each
// pass.
type checker struct {
	conf     *Config
	file     *lang.File
	info     *Info
	errs     lang.ErrorList
	warnings lang.ErrorList

	final bool // the last pass: record errors and types

	maps        map[string]*mapState
	vars        []map[string]*types.Type // per probe block, persistent
	loopSlots   []map[*lang.Var]string   // per probe block, persistent: the slot of each loop variable
	slots       []map[*lang.Var]string   // per probe block: the slot of each use of a renamed loop variable
	targets     [][]*Target              // per probe block, from expandProbes
	structs     map[string]*types.Type   // script structs
	kstructs    map[string]*types.Type   // resolver structs, cached
	structsDone map[string]bool          // script structs whose layout is complete
	enums       map[string]int64         // enumerators declared in the script
	enumOf      map[string]*types.Enum   // enumerator -> the enum declaring it
	enumTags    map[string]*types.Enum   // "Foo" of "enum Foo" -> its enum
	decls       map[string]*mapDecl      // declared maps ("let @m = hash(n);")
	funcs       map[string]*funcSig

	// kernel facts, asked of the resolver once
	resolved map[*lang.Call]resolvedCall // of calls: kaddr, uaddr, cgroupid
	syscalls map[string]int              // syscall numbers of targets

	// per probe block, per pass
	probeIdx   int
	providers  []string          // distinct providers of the current block
	assigned   map[string]bool   // scratch variables assigned so far
	scoped     map[string]string // loop variables in scope: name -> slot
	loops      int               // loop nesting depth
	literalArg bool              // checking a compile-time literal argument
}

// mapState is what the checker knows of a map across all probes.
type mapState struct {
	name     string
	key      *types.Type
	keyAt    lang.Span
	value    *types.Type
	valueAt  lang.Span
	first    lang.Span
	written  bool // assigned somewhere in the program
	keyArity int  // number of keys, -1 until known
}

func newChecker(c *Config, f *lang.File) *checker {
	return &checker{
		conf:     c,
		file:     f,
		maps:     map[string]*mapState{},
		structs:  map[string]*types.Type{},
		kstructs: map[string]*types.Type{},
		resolved: map[*lang.Call]resolvedCall{},
		syscalls: map[string]int{},
		enums:    map[string]int64{},
		enumOf:   map[string]*types.Enum{},
		enumTags: map[string]*types.Enum{},
	}
}

func (ch *checker) newInfo() *Info {
	return &Info{
		Types:         map[lang.Expr]*types.Type{},
		Consts:        map[lang.Expr]int64{},
		Strings:       map[lang.Expr]string{},
		Maps:          map[string]*Map{},
		Structs:       ch.structs,
		KernelStructs: ch.kstructs,
		Values:        map[*lang.Call]uint64{},
		Bytes:         map[*lang.Call][]byte{},
		Syscalls:      ch.syscalls,
		Params:        ch.conf.params(),
		StrLen:        ch.conf.strLen(),
	}
}

// run checks the struct declarations and attach points once, then the probe
// bodies three times: the first passes learn the type of every map and
// variable (a map may be read in a probe before the probe that assigns it),
// the last reports errors and records types against the complete picture.
func (ch *checker) run() (*Info, error) {
	ch.info = ch.newInfo()
	ch.final = true
	ch.declareStructs()
	ch.config()
	ch.includes()
	ch.mapDecls()
	ch.expandProbes()
	headErrs := ch.errs
	ch.vars = make([]map[string]*types.Type, len(ch.file.Probes))
	ch.loopSlots = make([]map[*lang.Var]string, len(ch.file.Probes))
	ch.slots = make([]map[*lang.Var]string, len(ch.file.Probes))
	for i := range ch.vars {
		ch.vars[i] = map[string]*types.Type{}
		ch.loopSlots[i] = map[*lang.Var]string{}
		ch.slots[i] = map[*lang.Var]string{}
	}
	// Two learning passes: the second sees the map and variable types the
	// first found, so that types which depend on them settle too.
	ch.final = false
	for range 2 {
		ch.errs = nil
		ch.info = ch.newInfo()
		ch.bodies()
	}
	ch.final = true
	ch.errs = append(lang.ErrorList(nil), headErrs...)
	ch.info = ch.newInfo()
	ch.bodies()
	ch.fillInfo()
	ch.info.Warnings = ch.warnings
	if err := ch.errs.Err(); err != nil {
		return nil, err
	}
	return ch.info, nil
}

func (ch *checker) bodies() {
	for i, p := range ch.file.Probes {
		ch.probeBody(i, p)
	}
}

// fillInfo copies map and probe results into Info.
func (ch *checker) fillInfo() {
	for name, m := range ch.maps {
		if m.value == nil && !m.written {
			continue
		}
		im := &Map{Name: name, Key: m.key, Value: m.value, First: m.first}
		ch.applyDecl(im)
		ch.info.Maps[name] = im
	}
	ch.unusedDecls()
	for i, p := range ch.file.Probes {
		vars := map[string]*types.Type{}
		for k, v := range ch.vars[i] {
			vars[k] = v
		}
		ch.info.Probes = append(ch.info.Probes, &Probe{Node: p, Targets: ch.targets[i], Vars: vars, Slots: ch.slots[i]})
	}
}

// errorf reports an error at n's span during the final pass.
func (ch *checker) errorf(n lang.Node, format string, args ...any) {
	ch.errorNode(n, nil, fmt.Sprintf(format, args...))
}

// errorHint reports an error with hints during the final pass.
func (ch *checker) errorHint(n lang.Node, hints []string, format string, args ...any) {
	ch.errorNode(n, hints, fmt.Sprintf(format, args...))
}

// errorNode reports an error at node n during the final pass. A node that
// macro expansion made is reported in the macro's source, with a note for
// each use of a macro it came from.
func (ch *checker) errorNode(n lang.Node, hints []string, msg string) {
	if !ch.final {
		return
	}
	ch.errs.Add(ch.file.ErrorAt(n, msg, hints...))
}

// warnAt records a warning during the final pass.
func (ch *checker) warnAt(s lang.Span, msg string) {
	if ch.final {
		ch.warnings.Add(lang.NewError(ch.file, s, msg))
	}
}

// warnNode records a warning at span s of node n's source during the final
// pass, with the "expanded from" notes of a node from a macro.
func (ch *checker) warnNode(n lang.Node, s lang.Span, msg string) {
	if ch.final {
		w := lang.NewError(ch.file.SourceOf(n), s, msg)
		w.Notes = ch.file.ErrorAt(n, "").Notes
		ch.warnings.Add(w)
	}
}

func (ch *checker) errorAt(s lang.Span, hints []string, msg string) {
	if !ch.final {
		return
	}
	ch.errs.Add(lang.NewError(ch.file, s, msg, hints...))
}

// record stores t as e's type during the final pass and returns it.
func (ch *checker) record(e lang.Expr, t *types.Type) *types.Type {
	if ch.final && t != nil {
		ch.info.Types[e] = t
	}
	return t
}

// constant stores v as e's constant value.
func (ch *checker) constant(e lang.Expr, v int64) {
	ch.info.Consts[e] = v
}

func (ch *checker) constOf(e lang.Expr) (int64, bool) {
	v, ok := ch.info.Consts[e]
	return v, ok
}

// param returns positional parameter n (1-based) and whether it was given.
func (ch *checker) param(n int) (string, bool) {
	ps := ch.conf.params()
	if n < 1 || n > len(ps) {
		return "", false
	}
	return ps[n-1], true
}

// paramInt parses a positional parameter as bpftrace does: decimal, hex or
// octal integers; anything else is not a number.
func paramInt(s string) (int64, bool) {
	if v, err := strconv.ParseInt(s, 0, 64); err == nil {
		return v, true
	}
	if v, err := strconv.ParseUint(s, 0, 64); err == nil {
		return int64(v), true
	}
	return 0, false
}
