package format

import "time"

// Env gives the formatter what it cannot know by itself. A nil *Env, and
// nil fields, mean defaults: addresses print as hex, uids as numbers, probe
// ids and strftime ids out of range as "".
type Env struct {
	ProbeNames []string   // probe id → full probe name (types.Probe values)
	Strftime   []string   // strftime format id → format (types.Timestamp values)
	Syms       Symbolizer // kernel and user symbols; nil: hex addresses
	Stacks     StackReader
	// BootTime is the wall clock time at which nsecs was 0, for strftime().
	BootTime time.Time
	// Location is the time zone of time() and strftime(); nil means
	// time.Local, as bpftrace uses localtime.
	Location *time.Location
	// Users maps a uid to a user name (username builtin); nil or "" → the
	// number. bpftrace prints "" for unknown uids; return "" to do the same.
	Users func(uid uint32) (string, bool)
	// Cgroups maps a cgroup id to its path (cgroup_path); nil → the number.
	Cgroups func(id uint64) string
	// JSON selects bpftrace's -f json output in PrintMap and the helpers
	// that write whole records.
	JSON bool
}

// Symbol is a resolved address.
type Symbol struct {
	Name   string // "vfs_read"
	Offset uint64 // addr - symbol start
	Module string // user stacks in perf mode: "/usr/lib/libc.so.6"
}

// Symbolizer resolves addresses. ok is false when addr is unknown.
type Symbolizer interface {
	Kernel(addr uint64) (sym Symbol, ok bool)
	User(pid uint32, addr uint64) (sym Symbol, ok bool)
}

// StackReader returns the frames of a captured stack (the runtime reads the
// stack map). A missing id returns nil, false; frames stop at the first 0.
type StackReader interface {
	Stack(id uint64) (frames []uint64, ok bool)
}

func (e *Env) syms() Symbolizer {
	if e == nil {
		return nil
	}
	return e.Syms
}

func (e *Env) loc() *time.Location {
	if e == nil || e.Location == nil {
		return time.Local
	}
	return e.Location
}

func (e *Env) json() bool { return e != nil && e.JSON }
