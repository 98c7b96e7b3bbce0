// Package types describes gtrace values and their memory layout: integers of
// each width and sign, fixed-size strings, buffers, tuples, C structs and
// pointers (from BTF or script declarations), stacks, symbols and the
// aggregation kinds a map can hold. Types are plain immutable data shared by
// the checker, codegen, probes and the runtime.
package types

import (
	"fmt"
	"slices"
	"strings"
)

// Kind is the category of a Type.
type Kind int

const (
	Invalid   Kind = iota
	None           // no value (statements, void calls)
	Int            // Size 1, 2, 4 or 8; Signed
	String         // NUL-terminated, Size bytes
	Buffer         // buf(): Size bytes of data after a length byte; see Layout
	Tuple          // Elems, laid out with C alignment
	Struct         // Name, Fields (C struct or union, from BTF or a script)
	Pointer        // Elem; Size 8; UserSpace says which address space
	Array          // Elem, Len
	KStack         // kernel stack id; Size 8 (stack map id)
	UStack         // user stack id + pid; Size 16
	Ksym           // kernel address printed as a symbol; Size 8
	Usym           // user address printed as a symbol; Size 16 (addr, pid)
	Inet           // ntop() result: Size 24 (af u64, addr [16]byte)
	MacAddr        // macaddr(): Size 6
	Timestamp      // strftime() result: Size 16 (fmt id, nsecs)
	Username       // uid printed as a name: Size 8
	Probe          // probe id printed as its name: Size 8
	Cgroup         // cgroup path: Size 8 (id)
	Errno          // strerror() result: Size 8
	SigName        // signal_name() result: a signal number printed as strsignal(3) does; Size 8
	SysName        // syscall_name() result: a syscall number printed as its name; Size 8
	Count          // count() aggregation value (per-CPU u64)
	Sum            // sum(): per-CPU s64
	Min            // min(): per-CPU s64 (+ set flag)
	Max            // max(): per-CPU s64 (+ set flag)
	Avg            // avg(): per-CPU {count, total}
	Stats          // stats(): per-CPU {count, total}
	Hist           // hist(): per-CPU [65]u64
	Lhist          // lhist(min, max, step): per-CPU buckets; Lin holds the range
	TSeries        // tseries(v, interval, n[, agg]): per-CPU ring of n slots; TS holds the shape
)

var kindNames = [...]string{
	Invalid: "invalid", None: "none", Int: "int", String: "string", Buffer: "buffer",
	Tuple: "tuple", Struct: "struct", Pointer: "pointer", Array: "array",
	KStack: "kstack", UStack: "ustack", Ksym: "ksym", Usym: "usym", Inet: "inet",
	MacAddr: "macaddr", Timestamp: "timestamp", Username: "username", Probe: "probe",
	Cgroup: "cgroup_path", Errno: "strerror", Count: "count", Sum: "sum", Min: "min",
	Max: "max", Avg: "avg", Stats: "stats", Hist: "hist", Lhist: "lhist",
	TSeries: "tseries", SigName: "signal_name", SysName: "syscall_name",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// IsAgg reports whether k is an aggregation kind (a map value only).
func (k Kind) IsAgg() bool { return k >= Count }

// Type is a gtrace value type. Types are immutable once built; share them.
type Type struct {
	Kind      Kind
	Size      int  // bytes; see each Kind
	Signed    bool // Int, and Sum/Min/Max/Avg/Stats values
	Name      string
	Elem      *Type    // Pointer, Array
	Len       int      // Array length
	Elems     []*Type  // Tuple
	Names     []string // Tuple: the field names of a record ("(a=1, b=2)"), nil for a plain tuple
	Fields    []*Field // Struct, in declaration order
	Union     bool     // Struct: a union
	UserSpace bool     // Pointer: points into user memory
	Stack     *StackSpec
	Lin       *LinSpec // Lhist
	HistBits  int      // Hist: each power of 2 is split into 2^HistBits buckets (hist(v, HistBits))
	TS        *TSSpec  // TSeries
	DataLoc   bool     // Int field that is a tracepoint __data_loc (offset<<0 | len<<16)
	Enum      *Enum    // Int: the C enum whose enumerators name its values
}

// Enum is a C enum declared in a script. An Int carrying one prints its
// value by name (bpftrace 0.22+), and as the number when no enumerator
// has that value.
type Enum struct {
	Name   string // "" for an anonymous enum
	Names  []string
	Values []int64
}

// NameOf returns the enumerator of e with value v.
func (e *Enum) NameOf(v int64) (string, bool) {
	for i, x := range e.Values {
		if x == v {
			return e.Names[i], true
		}
	}
	return "", false
}

// WithEnum returns the integer type t whose values are named by e.
func WithEnum(t *Type, e *Enum) *Type {
	c := *t
	c.Enum = e
	return &c
}

// Field is a member of a struct or a tracepoint format.
type Field struct {
	Name    string
	Offset  int // bytes
	Type    *Type
	BitOff  int // for bitfields; 0 otherwise
	BitSize int // 0 for ordinary fields
	// Pieces, for the args of a uprobe or uretprobe, say where the bytes
	// of the value are when the probe fires (a function's arguments at its
	// entry, a Go function's results at its return): saved registers or
	// the user stack. nil elsewhere (the value is at Offset in the
	// context).
	Pieces []Piece
}

// Piece is where some bytes of a function argument are when a uprobe
// fires: the low Size bytes of a saved register, or Size bytes of the user
// stack.
type Piece struct {
	Off, Size int    // the bytes of the value it holds
	Reg       string // pt_regs register name ("di", "ax"); "" for the stack
	Stack     int    // when Reg is "": offset from the stack pointer
}

// IsGoString reports whether t is a Go string value as DWARF describes
// it: a struct "string" of a data pointer "str" and a length "len".
func IsGoString(t *Type) bool {
	return t != nil && t.Kind == Struct && t.Name == "string" && len(t.Fields) == 2 &&
		t.Fields[0].Name == "str" && t.Fields[0].Type != nil && t.Fields[0].Type.Kind == Pointer &&
		t.Fields[1].Name == "len" && t.Fields[1].Type != nil && t.Fields[1].Type.Kind == Int
}

// StackSpec says how a stack is captured and printed.
type StackSpec struct {
	Mode  string // "bpftrace" (default), "perf" or "raw"
	Limit int    // frames; default 127
}

// MaxHistBits is the largest second argument of hist().
const MaxHistBits = 5

// HistSlots is the number of buckets of a hist() whose powers of 2 are
// split into 2^bits: slot 0 counts negative values, slots 1 to 2^(bits+1)
// one value each (0, 1, ...), and each later power of 2 has 2^bits slots.
// hist(v) (bits 0) has 65.
func HistSlots(bits int) int { return (64-bits)<<bits + 1 }

// LinSpec is an lhist's range.
type LinSpec struct {
	Min, Max, Step int64
}

// TSSpec is a tseries' shape: Intervals slots of Interval nanoseconds,
// each holding the values seen in it combined by Agg ("last", "avg",
// "max", "min" or "sum").
type TSSpec struct {
	Interval  int64
	Intervals int
	Agg       string
}

// TSSlotSize is the size of one tseries slot in a map value: the
// interval number (time / Interval), the combined value and the count.
const TSSlotSize = 24

// Common types.
var (
	Void   = &Type{Kind: None}
	Int8   = &Type{Kind: Int, Size: 1, Signed: true}
	Int16  = &Type{Kind: Int, Size: 2, Signed: true}
	Int32  = &Type{Kind: Int, Size: 4, Signed: true}
	Int64  = &Type{Kind: Int, Size: 8, Signed: true}
	Uint8  = &Type{Kind: Int, Size: 1}
	Uint16 = &Type{Kind: Int, Size: 2}
	Uint32 = &Type{Kind: Int, Size: 4}
	Uint64 = &Type{Kind: Int, Size: 8}
	// Bool is bpftrace's boolean (0.24 and later): a one-byte integer
	// holding 0 or 1, printed as false or true.
	Bool = &Type{Kind: Int, Size: 1, Name: "bool"}
	// Bool64 is the bool of a comparison or of && and ||: printed true or
	// false as bpftrace 0.24+ prints it, 8 bytes as in bpftrace 0.17
	// (whose sizeof(1 == 1) is 8).
	Bool64 = &Type{Kind: Int, Size: 8, Name: "bool"}
)

// NewInt returns the integer type of size bytes and the given sign.
func NewInt(size int, signed bool) *Type {
	switch {
	case size == 1 && signed:
		return Int8
	case size == 1:
		return Uint8
	case size == 2 && signed:
		return Int16
	case size == 2:
		return Uint16
	case size == 4 && signed:
		return Int32
	case size == 4:
		return Uint32
	case signed:
		return Int64
	}
	return Uint64
}

// NewString returns a string type of n bytes (including the NUL).
func NewString(n int) *Type { return &Type{Kind: String, Size: n} }

// NewPointer returns a pointer to elem.
func NewPointer(elem *Type, user bool) *Type {
	return &Type{Kind: Pointer, Size: 8, Elem: elem, UserSpace: user}
}

// NewTuple returns a tuple of elems with C layout.
func NewTuple(elems ...*Type) *Type {
	t := &Type{Kind: Tuple, Elems: elems}
	t.Size = layoutTuple(elems, nil)
	return t
}

// NewRecord returns a record (bpftrace 0.26's named tuple): a tuple whose
// elements also have names, laid out as NewTuple(elems...).
func NewRecord(names []string, elems ...*Type) *Type {
	t := NewTuple(elems...)
	t.Names = names
	return t
}

// IsRecord reports whether t is a record.
func (t *Type) IsRecord() bool { return t != nil && t.Kind == Tuple && t.Names != nil }

// FieldIndex returns the index of the record field called name, or -1.
func (t *Type) FieldIndex(name string) int {
	for i, n := range t.Names {
		if n == name {
			return i
		}
	}
	return -1
}

// Align returns the C alignment of t.
func (t *Type) Align() int {
	switch t.Kind {
	case Int, Pointer, KStack, Ksym, Username, Probe, Cgroup, Errno, SigName, SysName, Count, Sum, Min, Max, Avg, Stats, Hist, Lhist, UStack, Usym, Inet, Timestamp:
		if t.Size >= 8 || t.Kind != Int {
			return 8
		}
		return max(t.Size, 1)
	case Tuple:
		a := 1
		for _, e := range t.Elems {
			a = max(a, e.Align())
		}
		return a
	case Struct:
		a := 1
		for _, f := range t.Fields {
			a = max(a, f.Type.Align())
		}
		return a
	case Array:
		return t.Elem.Align()
	}
	return 1
}

// Offsets returns the byte offset of each tuple element.
func (t *Type) Offsets() []int {
	offs := make([]int, len(t.Elems))
	layoutTuple(t.Elems, offs)
	return offs
}

func layoutTuple(elems []*Type, offs []int) int {
	off, align := 0, 1
	for i, e := range elems {
		a := e.Align()
		align = max(align, a)
		off = (off + a - 1) / a * a
		if offs != nil {
			offs[i] = off
		}
		off += e.Size
	}
	return (off + align - 1) / align * align
}

// FieldByName returns the struct field called name, or nil.
func (t *Type) FieldByName(name string) *Field {
	for _, f := range t.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// IsInt reports whether t is an integer (booleans included).
func (t *Type) IsInt() bool { return t != nil && t.Kind == Int }

// IsBool reports whether t is the boolean type.
func (t *Type) IsBool() bool { return t != nil && t.Kind == Int && t.Name == "bool" }

// Equal reports whether a and b are the same type (structurally). An
// Int's Enum does not take part: it only changes how values print.
func Equal(a, b *Type) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil || a.Kind != b.Kind || a.Size != b.Size || a.Signed != b.Signed || a.Name != b.Name || a.Len != b.Len {
		return false
	}
	if (a.Elem == nil) != (b.Elem == nil) || (a.Elem != nil && !Equal(a.Elem, b.Elem)) || len(a.Elems) != len(b.Elems) {
		return false
	}
	if !slices.Equal(a.Names, b.Names) || (a.Names == nil) != (b.Names == nil) {
		return false
	}
	for i := range a.Elems {
		if !Equal(a.Elems[i], b.Elems[i]) {
			return false
		}
	}
	return true
}

// String returns the type as the checker's dumps and messages show it:
// "int64", "uint8", "string[64]", "(int64,string[16])", "struct task_struct *",
// "hist", "lhist(0,100,10)".
func (t *Type) String() string {
	if t == nil {
		return "<nil>"
	}
	switch t.Kind {
	case Int:
		if t.IsBool() {
			return "bool"
		}
		s := "int"
		if !t.Signed {
			s = "uint"
		}
		return fmt.Sprintf("%s%d", s, t.Size*8)
	case String:
		return fmt.Sprintf("string[%d]", t.Size)
	case Buffer:
		return fmt.Sprintf("buffer[%d]", t.Size)
	case Tuple:
		parts := make([]string, len(t.Elems))
		for i, e := range t.Elems {
			parts[i] = e.String()
			if t.Names != nil {
				parts[i] = t.Names[i] + "=" + parts[i]
			}
		}
		return "(" + strings.Join(parts, ",") + ")"
	case Struct:
		if t.Union {
			return "union " + t.Name
		}
		return "struct " + t.Name
	case Pointer:
		return t.Elem.String() + " *"
	case Array:
		return fmt.Sprintf("%s[%d]", t.Elem, t.Len)
	case Hist:
		if t.HistBits > 0 {
			return fmt.Sprintf("hist(%d)", t.HistBits)
		}
	case Lhist:
		if t.Lin != nil {
			return fmt.Sprintf("lhist(%d,%d,%d)", t.Lin.Min, t.Lin.Max, t.Lin.Step)
		}
	case TSeries:
		if t.TS != nil {
			return fmt.Sprintf("tseries(%d,%d,%s)", t.TS.Interval, t.TS.Intervals, t.TS.Agg)
		}
	}
	return t.Kind.String()
}
