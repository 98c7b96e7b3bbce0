package codegen

import (
	"github.com/cilium/ebpf"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/types"
)

// Program is the compiled script: plain data, no kernel objects. The runtime
// loads Spec, attaches each Probe's program to its targets, decodes ring
// buffer records with Events and prints Maps.
type Program struct {
	Spec       *ebpf.CollectionSpec
	Probes     []*Probe
	Maps       []*Map   // script maps, sorted by name
	Events     []*Event // indexed by Event.ID
	ProbeNames []string // probe id → full probe name (the "probe" builtin)
	RingBuf    string   // name of the output ring buffer map in Spec.Maps
	StackMap   string   // name of the stack trace map, "" if none
	Strftime   []string // strftime format id → format
	// ErrorsMap names a per-CPU array of u64 counters, one per entry of Maps
	// (same index), counting updates that failed because the map was full,
	// then one (index len(Maps)) counting output records lost because the
	// ring buffer was full. "" if the program neither updates a map nor
	// writes output.
	ErrorsMap string
}

// Probe is one BPF program and where to attach it.
type Probe struct {
	Program  string   // key into Spec.Programs
	Provider string   // canonical provider: BEGIN END tracepoint interval profile software ...
	Targets  []string // full probe names to attach Program to
	Cookies  []uint64 // per-target BPF cookie (the probe id), same length as Targets

	// The syscall fast path (Provider "rawtracepoint"): Targets are the
	// logical tracepoint:syscalls:sys_enter_*/sys_exit_* names, but Program
	// is attached once, to "rawtracepoint:"+Syscall, and filters by
	// syscall number.
	Syscall        string // "sys_enter" or "sys_exit": attach Program once to that raw tracepoint
	SyscallMap     string // array map to fill: index = syscall number of each target, value = its cookie + 1
	SyscallNumbers []int  // syscall number of each target, same order as Targets
}

// Map is a script map as the runtime reads and prints it.
type Map struct {
	Name     string      // "@x"
	SpecName string      // key into Spec.Maps
	Key      *types.Type // nil for a scalar (one-entry array)
	Value    *types.Type // aggregation kind or plain value type
	PerCPU   bool        // values are per-CPU and must be reduced
	// Decl is the kind a declaration gave the map ("lruhash" for
	// "let @m = lruhash(100);"), "" when it is not declared.
	Decl string
	// Cache, when not "", is the spec name of the map's count cache (see
	// countcache.go): a per-CPU array of one value of CountCacheSlots
	// slots, each the key and 1 + the counts not yet in the map (0: an
	// empty slot). Reading the map adds those counts.
	Cache string
}

// EventKind says what a ring-buffer record asks the runtime to do.
type EventKind int

const (
	EvPrintf      EventKind = iota // Format with Args
	EvPrint                        // print(value): one Arg
	EvPrintMap                     // print(@m, top, div): Map, Top, Div
	EvClear                        // clear(@m)
	EvZero                         // zero(@m)
	EvTime                         // time(Format)
	EvCat                          // cat(Format, Args...)
	EvJoin                         // join(argv, Format=delim): Arg is an array of strings
	EvSystem                       // system(Format, Args...)
	EvExit                         // exit([code]): optional int Arg
	EvPrintNonMap                  // print of a non-map value
	EvHelperError                  // a helper call failed (-k, -kk): Helper, Site; Arg 0 is the s64 return code
	EvErrorf                       // errorf(Format, Args...) at Site
	EvWarnf                        // warnf(Format, Args...) at Site
	EvDivZero                      // a division or modulo by zero (bpftrace 0.26 warns, the result is 1): Site, no Args
)

// Event describes one call site that writes a ring-buffer record. A record is
// a u64 ID followed by the Args laid out as types.NewTuple(Args...) would be.
type Event struct {
	ID     int
	Kind   EventKind
	Format string        // printf/system/cat format, time format, join delimiter
	Args   []*types.Type // argument types, in order
	Map    string        // EvPrintMap, EvClear, EvZero: the map's name
	Top    int64         // EvPrintMap
	Div    int64         // EvPrintMap
	Helper string        // EvHelperError: the helper's name, "map_delete_elem"
	Site   *Site         // EvHelperError, EvErrorf, EvWarnf, EvDivZero: the script text of the call or operation
}

// Site is a place in the script, for runtime warnings.
type Site struct {
	File string    // lang.File.Name: "<cmdline>", "stdin" or a path
	Span lang.Span // the expression whose helper call failed
	Line string    // the text of the source line Span starts on

	// Expanded lists the uses of the macros the place was expanded from,
	// innermost first (empty outside macros).
	Expanded []*Site
}
