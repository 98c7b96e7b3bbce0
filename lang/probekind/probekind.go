// Package probekind is the one table of facts about each kind of probe:
// its canonical name and aliases, the BPF program type it compiles to,
// which builtins and context fields its programs may read, and how the
// parts of its attach points are spelled. The parser (lang), the checker
// (lang/check), codegen, probes and the REPL all read this table; none of
// them keeps a list of provider names of its own.
//
// Adding a probe kind is one row in Kinds plus its implementation in
// probes (and, where the program needs it, its context reads in codegen).
//
// The table lives in a leaf package below lang because every stage needs
// it and DESIGN.md lets lang import nothing of the module, lang/check and
// codegen not import probes, and probes not import lang/check: a package
// that imports nothing but the standard library can be read by all of
// them. For the same reason it names program types with its own ProgType
// rather than cilium/ebpf's, which lang may not import; codegen maps one
// to the other.
package probekind

import (
	"slices"
	"strings"
)

// ProgType is the BPF program type a kind's probes compile to.
type ProgType uint8

// The program types. ProgNone means gtrace cannot run the kind yet.
const (
	ProgNone          ProgType = iota
	ProgRawTracepoint          // BEGIN, END, rawtracepoint: run or attached as raw tracepoints
	ProgTracepoint             // tracepoint
	ProgPerfEvent              // interval, profile, software, hardware
	ProgKprobe                 // kprobe, kretprobe, uprobe, uretprobe, usdt
	// ProgTracing is BPF_PROG_TYPE_TRACING (kfunc: fentry, kretfunc:
	// fexit): one program per function, bound to it when loaded.
	ProgTracing
)

// Allows is a set of builtins and context reads a kind's programs may use.
type Allows uint16

// The builtins and context reads that depend on the probe kind.
const (
	Args     Allows = 1 << iota // args: the typed arguments (tracepoint fields, BTF, DWARF)
	ArgN                        // argN and sargN: raw arguments
	Retval                      // retval
	Func                        // func: the probed function
	UserFunc                    // func is a user-space symbol (usym), not a ksym
	Reg                         // reg("name"): saved registers
	UAddr                       // uaddr(): a symbol of the probed binary
	Override                    // override(): change the return value
	Path                        // path(): a struct path argument
	Cookie                      // the attach link carries a BPF cookie
	User                        // the context is a user process: pointers are user memory
	AnyPID                      // not filtered by -p (runs outside any traced process)
)

// Form says how the parts of an attach point are read, beyond counting
// them.
type Form uint8

// The forms of attach points.
const (
	Plain    Form = iota // parts as written
	Function             // [module:]function; kprobe takes function+offset
	Rate                 // UNIT:N or the short NUNIT (interval, profile)
	Event                // EVENT[:COUNT] (software, hardware)
	Signal               // signal:NAME (self): a signal gtrace handles
)

// Blank says which parts may be empty.
type Blank uint8

// The rules for empty parts.
const (
	BlankAny     Blank = iota // any part may be empty
	BlankNotLast              // the last part must be set
	BlankNone                 // every part must be set
)

// Spelling is how the parts after "provider:" are spelled.
type Spelling struct {
	Min, Max int    // how many parts
	Blank    Blank  // which may be empty
	Form     Form   // how they are read
	Offset   bool   // Function: "function+offset" is allowed
	Need     string // what the parts name, for errors: "a category and an event"
	Usage    string // an example: "tracepoint:category:event"
}

// Kind is one kind of probe.
type Kind struct {
	Name    string   // canonical name, the first part of full probe names
	Aliases []string // other spellings ("t", "fentry")
	Prog    ProgType // program type; None: not supported yet
	Allows  Allows   // builtins and context reads allowed
	Resolve bool     // attach points are expanded by the resolver (probes)
	// ListNamed: "gtrace -l" lists its probes only when the pattern names
	// the kind (they repeat another kind's names).
	ListNamed bool
	// Complete: the REPL completes its probe names (they can be listed
	// without naming a binary, and are few enough).
	Complete bool
	// Run: gtrace runs the kind's programs itself (BPF_PROG_TEST_RUN), at
	// a moment of its own choosing, rather than attaching them: BEGIN,
	// END, self (on a signal gtrace receives), bench (--mode bench).
	Run   bool
	Parts Spelling
}

// SelfSignals are the signals a self:signal probe may name: those gtrace
// does not use itself (SIGINT and SIGTERM end it).
var SelfSignals = []string{"SIGUSR1", "SIGUSR2", "SIGHUP"}

// Has reports whether k allows all of a.
func (k *Kind) Has(a Allows) bool { return k.Allows&a == a }

// Supported reports whether gtrace compiles and runs probes of this kind.
func (k *Kind) Supported() bool { return k.Prog != ProgNone }

const (
	kfuncAllows = Args | Func | Path
	pmuAllows   = Reg
)

// Kinds is every probe kind the language knows, in the order the REPL
// offers them. Kinds with ProgNone parse and check but are reported as
// not supported when compiled.
var Kinds = []*Kind{
	{Name: "BEGIN", Aliases: []string{"begin"}, Prog: ProgRawTracepoint, Allows: AnyPID, Run: true},
	{Name: "END", Aliases: []string{"end"}, Prog: ProgRawTracepoint, Allows: AnyPID, Run: true},
	{
		Name: "self", Prog: ProgRawTracepoint, Allows: AnyPID, Run: true,
		Parts: Spelling{Min: 2, Max: 2, Blank: BlankNone, Form: Signal, Need: "signal and a signal name", Usage: "self:signal:SIGUSR1"},
	},
	{
		Name: "bench", Prog: ProgRawTracepoint, Allows: AnyPID, Run: true,
		Parts: Spelling{Min: 1, Max: 1, Blank: BlankNone, Need: "a benchmark name", Usage: "bench:name"},
	},
	{
		Name: "tracepoint", Aliases: []string{"t"}, Prog: ProgTracepoint, Allows: Args | Cookie,
		Resolve: true, Complete: true,
		Parts: Spelling{Min: 2, Max: 2, Blank: BlankNone, Need: "a category and an event", Usage: "tracepoint:category:event"},
	},
	{
		Name: "rawtracepoint", Aliases: []string{"rt"}, Prog: ProgRawTracepoint, Allows: Args | ArgN,
		Resolve: true, ListNamed: true, Complete: true,
		Parts: Spelling{Min: 1, Max: 2, Blank: BlankNotLast, Need: "an event name", Usage: "rawtracepoint:event"},
	},
	{
		Name: "kprobe", Aliases: []string{"k"}, Prog: ProgKprobe, Allows: ArgN | Func | Reg | Override | Cookie,
		Resolve: true,
		Parts:   Spelling{Min: 1, Max: 2, Blank: BlankNotLast, Form: Function, Offset: true, Need: "a function name", Usage: "kprobe:function"},
	},
	{
		Name: "kretprobe", Aliases: []string{"kr"}, Prog: ProgKprobe, Allows: Retval | Func | Reg | Cookie,
		Resolve: true, ListNamed: true,
		Parts: Spelling{Min: 1, Max: 2, Blank: BlankNotLast, Form: Function, Need: "a function name", Usage: "kretprobe:function"},
	},
	{
		Name: "uprobe", Aliases: []string{"u"}, Prog: ProgKprobe,
		Allows:  Args | ArgN | Func | UserFunc | Reg | UAddr | Cookie | User,
		Resolve: true,
		Parts:   Spelling{Min: 1, Max: 3, Blank: BlankNotLast, Need: "a binary and a function", Usage: "uprobe:path:function"},
	},
	{
		Name: "uretprobe", Aliases: []string{"ur"}, Prog: ProgKprobe,
		Allows:  Args | Retval | Func | UserFunc | Reg | UAddr | Cookie | User,
		Resolve: true,
		Parts:   Spelling{Min: 1, Max: 3, Blank: BlankNotLast, Need: "a binary and a function", Usage: "uretprobe:path:function"},
	},
	{
		Name: "usdt", Aliases: []string{"U"}, Prog: ProgKprobe, Allows: ArgN | Reg | UAddr | Cookie | User,
		Resolve: true,
		Parts:   Spelling{Min: 1, Max: 3, Blank: BlankNotLast, Need: "a binary and a probe name", Usage: "usdt:path[:provider]:name"},
	},
	{
		Name: "profile", Aliases: []string{"p"}, Prog: ProgPerfEvent, Allows: pmuAllows,
		Parts: Spelling{Min: 1, Max: 2, Form: Rate, Need: "a unit and a count", Usage: "profile:ms:100"},
	},
	{
		Name: "interval", Aliases: []string{"i"}, Prog: ProgPerfEvent, Allows: AnyPID,
		Parts: Spelling{Min: 1, Max: 2, Form: Rate, Need: "a unit and a count", Usage: "interval:ms:100"},
	},
	{
		Name: "software", Aliases: []string{"s"}, Prog: ProgPerfEvent, Allows: pmuAllows, Complete: true,
		Parts: Spelling{Min: 1, Max: 2, Form: Event, Need: "an event name", Usage: "software:event[:count]"},
	},
	{
		Name: "hardware", Aliases: []string{"h"}, Prog: ProgPerfEvent, Allows: pmuAllows, Complete: true,
		Parts: Spelling{Min: 1, Max: 2, Form: Event, Need: "an event name", Usage: "hardware:event[:count]"},
	},
	{
		Name: "watchpoint", Aliases: []string{"w"},
		Parts: Spelling{Min: 3, Max: 3, Need: "an address, a length and a mode", Usage: "watchpoint:addr:len:rwx"},
	},
	{
		Name: "asyncwatchpoint", Aliases: []string{"aw"},
		Parts: Spelling{Min: 3, Max: 3, Need: "an address, a length and a mode", Usage: "asyncwatchpoint:addr:len:rwx"},
	},
	{
		Name: "kfunc", Aliases: []string{"f", "fentry"}, Prog: ProgTracing, Allows: kfuncAllows, Resolve: true, ListNamed: true,
		Parts: Spelling{Min: 1, Max: 2, Blank: BlankNotLast, Form: Function, Need: "a function name", Usage: "kfunc:[module:]function"},
	},
	{
		Name: "kretfunc", Aliases: []string{"fr", "fexit"}, Prog: ProgTracing, Allows: kfuncAllows | Retval, Resolve: true, ListNamed: true,
		Parts: Spelling{Min: 1, Max: 2, Blank: BlankNotLast, Form: Function, Need: "a function name", Usage: "kretfunc:[module:]function"},
	},
	{
		Name: "iter", Aliases: []string{"it"}, Allows: Args | Path, Resolve: true,
		Parts: Spelling{Min: 1, Max: 2, Need: "an iterator name", Usage: "iter:task"},
	},
}

// IsRun reports whether provider names a kind gtrace runs itself rather
// than attaches (see Kind.Run).
func IsRun(provider string) bool {
	k, ok := Lookup(provider)
	return ok && k.Run
}

// Lookup returns the kind spelt name (canonical or an alias).
func Lookup(name string) (*Kind, bool) {
	for _, k := range Kinds {
		if k.Name == name || slices.Contains(k.Aliases, name) {
			return k, true
		}
	}
	return nil, false
}

// Canonical returns the canonical name of the kind spelt name, or name
// itself when no kind is spelt so.
func Canonical(name string) string {
	if k, ok := Lookup(name); ok {
		return k.Name
	}
	return name
}

// Names returns the canonical names of the kinds that have all of a (0:
// every kind), in table order.
func Names(a Allows) []string {
	var out []string
	for _, k := range Kinds {
		if k.Has(a) {
			out = append(out, k.Name)
		}
	}
	return out
}

// List joins names as an English list: "a, b and c".
func List(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
