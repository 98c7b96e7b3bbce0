// This file implements the text and JSON forms of single values.

package format

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"syscall"

	"github.com/gtrace/gtrace/lang/types"
)

// Value returns v as bpftrace prints it in map values, print() and tuples:
// ints in decimal by their sign, strings up to the NUL, tuples "(1, two, 3)",
// symbols, addresses, stacks (a leading newline, frames indented 8 spaces).
// Aggregations must be reduced first (see Reduce); b shorter than t is
// treated as zero-padded.
func Value(env *Env, t *types.Type, b []byte) string {
	return valueStr(env, t, pad(b, t.Size), false, 8)
}

// ValueJSON returns v as -f json prints it: strings, symbols and stacks
// quoted and escaped, tuples as [a,b], structs as { "f": v }.
func ValueJSON(env *Env, t *types.Type, b []byte) string {
	return valueStr(env, t, pad(b, t.Size), true, 8)
}

// pad returns b extended with zeros to at least n bytes.
func pad(b []byte, n int) []byte {
	if len(b) >= n {
		return b
	}
	p := make([]byte, n)
	copy(p, b)
	return p
}

// field returns b[off:off+n], zero-padded.
func field(b []byte, off, n int) []byte {
	if off < 0 || n < 0 {
		return make([]byte, max(n, 0))
	}
	if off >= len(b) {
		return make([]byte, n)
	}
	return pad(b[off:min(off+n, len(b))], n)
}

func u64(b []byte) uint64 { return binary.LittleEndian.Uint64(pad(b, 8)) }

// quoted reports whether bpftrace quotes values of kind k in JSON. It also
// quotes the kinds bpftrace 0.17 leaves bare (strerror, strftime, macaddr),
// which would otherwise make invalid JSON.
func quoted(k types.Kind) bool {
	switch k {
	case types.KStack, types.UStack, types.Ksym, types.Usym, types.Inet,
		types.Username, types.String, types.Buffer, types.Probe, types.Cgroup,
		types.Errno, types.SigName, types.SysName, types.Timestamp, types.MacAddr:
		return true
	}
	return false
}

func valueStr(env *Env, t *types.Type, b []byte, json bool, indent int) string {
	s := valueText(env, t, b, json, indent)
	if json && quoted(t.Kind) {
		return `"` + Escape(s) + `"`
	}
	return s
}

// valueText is the unquoted text of a value; json only changes how
// composite values (tuples, structs) join their elements.
func valueText(env *Env, t *types.Type, b []byte, json bool, indent int) string {
	switch t.Kind {
	case types.Int:
		if t.Enum != nil && !json {
			return enumText(t, b)
		}
		return intText(t, b)
	case types.String:
		return cString(b, t.Size)
	case types.Buffer:
		return bufText(b, 'r')
	case types.Tuple:
		return tupleText(env, t, b, json)
	case types.Struct:
		return structText(env, t, b, json)
	case types.Array:
		return arrayText(env, t, b, json)
	case types.Pointer:
		return "0x" + strconv.FormatUint(u64(b), 16)
	case types.KStack:
		return kstackText(env, t, u64(b), indent)
	case types.UStack:
		return ustackText(env, t, u64(b), uint32(u64(field(b, 8, 8))), indent)
	case types.Ksym:
		return ksymText(env, u64(b), false)
	case types.Usym:
		return usymText(env, uint32(u64(field(b, 8, 8))), u64(b), false, false)
	case types.Inet:
		return inetText(u64(b), field(b, 8, 16))
	case types.MacAddr:
		return macText(b)
	case types.Timestamp:
		return timestampText(env, u64(b), u64(field(b, 8, 8)))
	case types.Username:
		return userText(env, uint32(u64(b)))
	case types.Probe:
		return probeText(env, u64(b))
	case types.Cgroup:
		return cgroupText(env, u64(b))
	case types.Errno:
		return Strerror(int64(u64(b)))
	case types.SigName:
		return SignalName(int64(u64(b)))
	case types.SysName:
		return SyscallName(int64(u64(b)))
	}
	if t.Kind.IsAgg() {
		return aggText(t, b, 1)
	}
	return ""
}

// intVal returns the int of type t in b, widened to 64 bits by its sign.
func intVal(t *types.Type, b []byte) int64 {
	size := t.Size
	if size <= 0 || size > 8 {
		size = 8
	}
	var u uint64
	if len(b) >= 8 {
		u = binary.LittleEndian.Uint64(b)
		if size < 8 {
			u &= 1<<(8*size) - 1
		}
	} else {
		for i := size - 1; i >= 0; i-- {
			u = u<<8 | uint64(field(b, i, 1)[0])
		}
	}
	if t.Signed && size < 8 {
		shift := uint(64 - 8*size)
		return int64(u<<shift) >> shift
	}
	return int64(u)
}

func intText(t *types.Type, b []byte) string {
	v := intVal(t, b)
	if t.IsBool() {
		return strconv.FormatBool(v != 0)
	}
	if t.Signed {
		return strconv.FormatInt(v, 10)
	}
	return strconv.FormatUint(uint64(v), 10)
}

// enumText names an enum value by its enumerator, as bpftrace 0.22+
// prints it in text output; a value without one prints as the number.
func enumText(t *types.Type, b []byte) string {
	if n, ok := t.Enum.NameOf(intVal(t, b)); ok {
		return n
	}
	return intText(t, b)
}

// cString returns b up to its first NUL, at most n bytes.
func cString(b []byte, n int) string {
	if n >= 0 && n < len(b) {
		b = b[:n]
	}
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// bufData returns a buf() value's data: a length byte, then the bytes.
func bufData(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	n := int(b[0])
	return b[1:min(1+n, len(b))]
}

// bufText renders buffer bytes as %r (printable bytes as they are, others
// \xNN), %rx (every byte \xNN) or %rh (hex pairs separated by spaces).
func bufText(b []byte, mode byte) string {
	var sb strings.Builder
	for i, c := range bufData(b) {
		switch {
		case mode == 'h':
			if i > 0 {
				sb.WriteByte(' ')
			}
			fmt.Fprintf(&sb, "%02x", c)
		case mode == 'r' && c >= 32 && c <= 126:
			sb.WriteByte(c)
		default:
			fmt.Fprintf(&sb, "\\x%02x", c)
		}
	}
	return sb.String()
}

func tupleText(env *Env, t *types.Type, b []byte, json bool) string {
	if t.IsRecord() {
		return recordText(env, t, b, json)
	}
	offs := t.Offsets()
	parts := make([]string, len(t.Elems))
	for i, e := range t.Elems {
		if e.Kind == types.Pointer { // a number in a tuple, as bpftrace 0.17 prints it
			parts[i] = strconv.FormatUint(u64(field(b, offs[i], 8)), 10)
			continue
		}
		parts[i] = valueStr(env, e, field(b, offs[i], e.Size), json, 8)
	}
	if json {
		return "[" + strings.Join(parts, ",") + "]"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// recordText prints a record (bpftrace 0.26) as its fields: "{ .a = 1,
// .b = x }", and in JSON as an object, {"a": 1, "b": "x"}.
func recordText(env *Env, t *types.Type, b []byte, json bool) string {
	offs := t.Offsets()
	parts := make([]string, len(t.Elems))
	for i, e := range t.Elems {
		v := valueStr(env, e, field(b, offs[i], e.Size), json, 8)
		if json {
			parts[i] = `"` + Escape(t.Names[i]) + `": ` + v
		} else {
			parts[i] = "." + t.Names[i] + " = " + v
		}
	}
	if json {
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}

func structText(env *Env, t *types.Type, b []byte, json bool) string {
	parts := make([]string, 0, len(t.Fields))
	for _, f := range t.Fields {
		fb := field(b, f.Offset, f.Type.Size)
		if f.BitSize > 0 {
			fb = bitfield(fb, f)
		}
		v := valueStr(env, f.Type, fb, json, 8)
		if json {
			parts = append(parts, `"`+Escape(f.Name)+`": `+v)
		} else {
			parts = append(parts, "."+f.Name+" = "+v)
		}
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}

// bitfield returns the value of bit-field f, read from the bytes b of its
// storage unit, as f.Type.Size bytes (sign-extended when signed).
func bitfield(b []byte, f *types.Field) []byte {
	v := u64(b) >> f.BitOff
	if f.BitSize < 64 {
		v &= 1<<f.BitSize - 1
		if f.Type.Signed && v&(1<<(f.BitSize-1)) != 0 {
			v |= ^uint64(0) << f.BitSize
		}
	}
	out := make([]byte, 8)
	binary.LittleEndian.PutUint64(out, v)
	return out[:f.Type.Size]
}

func arrayText(env *Env, t *types.Type, b []byte, json bool) string {
	if t.Elem == nil {
		return "[]"
	}
	if e := t.Elem; e.Kind == types.Int && e.Size == 1 && e.Signed && e.Name != "int8" {
		// A char array (a struct field) prints as a string, as the
		// checker reads one (lang/check: char x[N] is string[N]).
		return valueStr(env, types.NewString(t.Len), b, json, 8)
	}
	n := t.Elem.Size
	parts := make([]string, t.Len)
	for i := range parts {
		parts[i] = valueStr(env, t.Elem, field(b, i*n, n), json, 8)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// hexAddr prints an address as C++ prints a void*: 0 as "0".
func hexAddr(addr uint64) string {
	if addr == 0 {
		return "0"
	}
	return "0x" + strconv.FormatUint(addr, 16)
}

func ksymText(env *Env, addr uint64, offset bool) string {
	if s := env.syms(); s != nil {
		if sym, ok := s.Kernel(addr); ok {
			return symText(sym, offset, false)
		}
	}
	return hexAddr(addr)
}

func usymText(env *Env, pid uint32, addr uint64, offset, module bool) string {
	var sym Symbol
	if s := env.syms(); s != nil {
		var ok bool
		if sym, ok = s.User(pid, addr); ok {
			return symText(sym, offset, module)
		}
	}
	if module && sym.Module != "" {
		// bpftrace prints "([unknown])" here; the file is worth knowing.
		return hexAddr(addr) + " (" + sym.Module + ")"
	}
	if module {
		return hexAddr(addr) + " ([unknown])"
	}
	return hexAddr(addr)
}

func symText(sym Symbol, offset, module bool) string {
	s := sym.Name
	if offset {
		s += "+" + strconv.FormatUint(sym.Offset, 10)
	}
	if module {
		s += " (" + sym.Module + ")"
	}
	return s
}

func stackMode(t *types.Type) string {
	if t.Stack == nil || t.Stack.Mode == "" {
		return "bpftrace"
	}
	return t.Stack.Mode
}

func stackLimit(t *types.Type, frames []uint64) []uint64 {
	if t.Stack != nil && t.Stack.Limit > 0 && len(frames) > t.Stack.Limit {
		return frames[:t.Stack.Limit]
	}
	return frames
}

// kstackText renders a kernel stack as bpftrace does: a newline, then one
// frame per line, indented (bpftrace mode) or "\taddr sym+off" (perf mode).
// A stack that cannot be read prints as "".
func kstackText(env *Env, t *types.Type, id uint64, indent int) string {
	frames, ok := readStack(env, id)
	if !ok {
		return ""
	}
	return renderStack(t, frames, indent, func(a uint64, perf bool) string {
		return ksymText(env, a, true)
	})
}

func ustackText(env *Env, t *types.Type, id uint64, pid uint32, indent int) string {
	frames, ok := readStack(env, id)
	if !ok {
		return ""
	}
	return renderStack(t, frames, indent, func(a uint64, perf bool) string {
		return usymText(env, pid, a, true, perf)
	})
}

func readStack(env *Env, id uint64) ([]uint64, bool) {
	if env == nil || env.Stacks == nil || id == 0 {
		return nil, false
	}
	return env.Stacks.Stack(id)
}

func renderStack(t *types.Type, frames []uint64, indent int, sym func(uint64, bool) string) string {
	var sb strings.Builder
	sb.WriteByte('\n')
	mode := stackMode(t)
	for _, a := range stackLimit(t, frames) {
		if a == 0 {
			break
		}
		switch mode {
		case "perf":
			fmt.Fprintf(&sb, "\t%x %s\n", a, sym(a, true))
		case "raw":
			fmt.Fprintf(&sb, "%x\n", a)
		default:
			sb.WriteString(strings.Repeat(" ", indent) + sym(a, false) + "\n")
		}
	}
	return sb.String()
}

// inetText is inet_ntop for AF_INET (2) and AF_INET6 (10); other families
// print as "".
func inetText(af uint64, addr []byte) string {
	switch af {
	case 2:
		return netip.AddrFrom4([4]byte(addr[:4])).String()
	case 10:
		a := [16]byte(addr[:16])
		// glibc writes IPv4-compatible addresses (::a.b.c.d) in dotted
		// form; Go does so only for IPv4-mapped ones.
		if a6 := netip.AddrFrom16(a); a6.Is4() || !allZero(a[:12]) || (a[12] == 0 && a[13] == 0) {
			return a6.String()
		}
		return "::" + netip.AddrFrom4([4]byte(a[12:])).String()
	}
	return ""
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func macText(b []byte) string {
	b = pad(b, 6)
	return fmt.Sprintf("%02X:%02X:%02X:%02X:%02X:%02X", b[0], b[1], b[2], b[3], b[4], b[5])
}

func userText(env *Env, uid uint32) string {
	if env != nil && env.Users != nil {
		if name, ok := env.Users(uid); ok {
			return name
		}
		return ""
	}
	return strconv.FormatUint(uint64(uid), 10)
}

func probeText(env *Env, id uint64) string {
	if env == nil || id >= uint64(len(env.ProbeNames)) {
		return ""
	}
	return env.ProbeNames[id]
}

func cgroupText(env *Env, id uint64) string {
	if env != nil && env.Cgroups != nil {
		return env.Cgroups(id)
	}
	return strconv.FormatUint(id, 10)
}

func timestampText(env *Env, id, nsecs uint64) string {
	if env == nil || id >= uint64(len(env.Strftime)) {
		return "(?)"
	}
	s, ok := strftimeC(env.Strftime[id], Boot(env, nsecs))
	if !ok {
		return "(?)"
	}
	return s
}

// Strerror returns the C library's message for errno e ("Success",
// "No such file or directory", "Unknown error 999"). Checked against glibc
// for 0..139 on Linux.
func Strerror(e int64) string {
	if e == 0 {
		return "Success"
	}
	if e == 133 { // EHWPOISON, missing from Go's table
		return "Memory page has hardware error"
	}
	if e < 0 || e > 4095 {
		return "Unknown error " + strconv.FormatInt(e, 10)
	}
	s := syscall.Errno(e).Error()
	if strings.HasPrefix(s, "errno ") {
		return "Unknown error " + strconv.FormatInt(e, 10)
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
