// Package check type-checks a parsed script: it resolves scratch variables
// and maps, infers and unifies types across probes, checks every builtin and
// function call against its signature, checks what is valid in which probe,
// and expands attach points through a Resolver. Results go into an Info of
// side tables keyed by AST node; the AST is never changed.
package check

import (
	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/types"
	"regexp"
)

// Resolver answers the kernel facts the checker needs. The probes package
// implements it against the running kernel; tests use fixtures. Every method
// must be safe to call with names that do not exist (return an error that
// says so).
type Resolver interface {
	// Expand returns the full names ("tracepoint:sched:sched_switch") of the
	// concrete probes that provider:parts... names, wildcards expanded, in a
	// stable order. No match is an error.
	Expand(provider string, parts []string) ([]string, error)
	// Args returns the type of "args" for a concrete probe (a Struct whose
	// fields have offsets into the probe's context record), or nil, nil when
	// the provider has no args.
	Args(probe string) (*types.Type, error)
	// Struct returns a kernel struct or union by name ("task_struct"), from BTF.
	Struct(name string) (*types.Type, error)
}

// EnumResolver is implemented by resolvers that can also look up kernel
// enumerators by name (from BTF), such as TCP_ESTABLISHED. The checker
// uses it, when present, for identifiers it does not otherwise know.
type EnumResolver interface {
	Enum(name string) (int64, error)
}

// RetvalResolver is implemented by resolvers that know the type of a
// probe's return value from the kernel (kretfunc, from BTF): Retval
// returns it and its offset in the context, or nil, nil when the probe's
// retval is the plain register.
type RetvalResolver interface {
	Retval(probe string) (*types.Field, error)
}

// ABIResolver is implemented by resolvers that know the calling convention
// of the function a uprobe or uretprobe names. The checker records it in
// Target.ABI.
type ABIResolver interface {
	// ABI returns "go" for a function that follows Go's register ABI
	// (written in Go, in a Go program) and "" for the C convention.
	ABI(probe string) (string, error)
}

// SymbolResolver is implemented by resolvers that know symbols and
// cgroups. The checker resolves kaddr("sym"), uaddr("sym") and
// cgroupid("path") with it, once, into Info.Values; without it those calls
// are errors.
type SymbolResolver interface {
	// Kaddr returns the address of a kernel symbol.
	Kaddr(name string) (uint64, error)
	// Uaddr returns the address of symbol name in the ELF binary path.
	Uaddr(path, name string) (uint64, error)
	// CgroupID returns the id of the cgroup at path.
	CgroupID(path string) (uint64, error)
}

// USDTResolver is implemented by resolvers that read USDT notes. The
// checker records the argument specs of every usdt target in
// Target.USDTArgs.
type USDTResolver interface {
	// USDTArgs returns the argument specs ("-4@%eax 8@-16(%rbp)") of each
	// site of a usdt probe.
	USDTArgs(probe string) ([]string, error)
}

// SyscallResolver is implemented by resolvers that know the syscall
// numbers of this architecture. The checker records the number of every
// tracepoint:syscalls:sys_{enter,exit}_NAME target in Info.Syscalls.
type SyscallResolver interface {
	SyscallNumber(name string) (int, bool)
}

// HeaderResolver is implemented by resolvers that can look for C headers.
// gtrace reads no header (kernel types come from BTF), but an #include of
// a header that is not there is an error, as it is in bpftrace.
type HeaderResolver interface {
	// Header returns an error when no include directory has the header
	// name ("linux/sched.h").
	Header(name string) error
}

// Config configures a check. A nil *Config means the defaults.
type Config struct {
	Resolver Resolver // nil: attach points are not expanded, "args" is an error
	Params   []string // positional parameters $1..$N
	StrLen   int      // bytes of a string value, NUL included; 0 means 64
	Unsafe   bool     // allow system(), signal(), override()
	// Named are the program options given after "--" ("--name=value" or
	// "--name"), which getopt() reads.
	Named []string
	// ProbeFilter, when set, keeps only the targets whose full name it
	// matches (gtrace --probe-filter), and those gtrace runs itself
	// (BEGIN, END, self, bench).
	ProbeFilter *regexp.Regexp
}

// Info holds the results of a check, keyed by AST node.
type Info struct {
	// Types is the type of every expression.
	Types map[lang.Expr]*types.Type
	// Consts holds the value of every expression that is a compile-time
	// integer constant (literals, positional ints, sizeof, folded arithmetic).
	Consts map[lang.Expr]int64
	// Strings holds the value of every expression that is a compile-time
	// string: string literals, and str($N) of a positional parameter
	// (str($N + k) drops k leading bytes, as in bpftrace).
	Strings map[lang.Expr]string
	// Options are the program options getopt() reads, in script order.
	Options []Option
	// OptionErrors are the program options given with a value their
	// getopt() cannot read ("--aa=False" for an integer): command-line
	// errors, reported without a position.
	OptionErrors []string
	// Maps describes every map used, by name ("@x", "@" for the anonymous map).
	Maps map[string]*Map
	// Probes has one entry per probe block of the file, in order.
	Probes []*Probe
	// Structs holds the C structs declared in the script, by name.
	Structs map[string]*types.Type
	// KernelStructs holds the structs and unions the resolver gave the
	// checker (complete, from BTF), by name.
	KernelStructs map[string]*types.Type
	// Values holds what a call resolves to at compile time: the address
	// of kaddr("sym") and uaddr("sym"), the id of cgroupid("path"), the
	// number of signal("NAME").
	Values map[*lang.Call]uint64
	// KernelErrors are the kernel facts that did not resolve (kaddr of a
	// symbol this kernel lacks). They do not stop the check, so that
	// "-d types" shows a script written for another kernel; Compile
	// reports them.
	KernelErrors lang.ErrorList
	// Bytes holds the address bytes of pton("addr"): 4 or 16.
	Bytes map[*lang.Call][]byte
	// Syscalls holds the syscall number of every syscall tracepoint target
	// ("tracepoint:syscalls:sys_enter_openat"), when the resolver is a
	// SyscallResolver.
	Syscalls map[string]int
	// Params are the positional parameters.
	Params []string
	// StrLen is the string size in force.
	StrLen int
	// Warnings are problems that do not stop the program, such as one of
	// several attach points of a probe that matches nothing (bpftrace
	// warns and attaches the others). Print them before running.
	Warnings lang.ErrorList
}

// Map is a global map's key and value type.
type Map struct {
	Name  string
	Key   *types.Type // nil for a scalar map; a Tuple for a multi-key map
	Value *types.Type // an aggregation kind, or a plain value type
	First lang.Span   // first use, for messages
	// Decl is the kind a declaration gave the map ("lruhash", see
	// MapKinds), "" when it is not declared; MaxEntries is then its size.
	Decl       string
	MaxEntries int
}

// Probe is a checked probe block.
type Probe struct {
	Node    *lang.Probe
	Targets []*Target              // concrete attach points, wildcards expanded
	Vars    map[string]*types.Type // scratch variables by slot name ("$x", see Slots)
	// Slots names the storage of the variable uses whose name a loop
	// scopes: the variable of a second "for ($kv : ...)" of the block
	// is "$kv#2". A use not listed here is stored under its own name.
	Slots map[*lang.Var]string
}

// Target is one concrete attach point of a probe block.
type Target struct {
	Point    *lang.AttachPoint // what was written
	Provider string            // canonical provider name
	Name     string            // full probe name: "tracepoint:sched:sched_switch", "BEGIN", "interval:ms:100"
	Args     *types.Type       // the "args" struct of this target, or nil; filled only when the probe uses args
	// ABI is the calling convention of a uprobe's or uretprobe's function:
	// "go" for Go's register ABI, "" for C's (see ABIResolver).
	ABI string
	// USDTArgs are the argument specs of each site of a usdt target (see
	// USDTResolver).
	USDTArgs []string
	// Retval is a kretfunc's return value: its type and offset in the
	// context (see RetvalResolver); nil elsewhere.
	Retval *types.Field
}
