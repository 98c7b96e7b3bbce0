// This file implements printf() (and the formats of cat() and system()).

package format

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gtrace/gtrace/lang/fmtspec"
	"github.com/gtrace/gtrace/lang/types"
)

// spec is one conversion of a printf format: %[flags][width][.prec][len]verb.
type spec struct {
	minus, zero, plus, space, hash bool
	width, prec                    int // prec -1: none
	bits                           int // from the length modifier: 0 (none), 8, 16, 64
	verb                           string
}

// Printf formats a printf record as bpftrace does. rec holds the args laid
// out as types.NewTuple(args...). Conversions: %d %i %u %x %X %o %c %s %p %%,
// %r %rx %rh for buffers; flags - and 0 (as in bpftrace 0.17, a specifier
// with + space or # is text); width; precision; length
// modifiers hh h l ll j z t. An integer is widened by its own type's sign
// and converted at the modifier's width (none: 32 bits), as C does. %s of a
// non-string prints its text (Value); of a char array, the C string. A
// conversion without an argument, or an unknown one, is copied as it is, and
// so is all the text after the last argument's conversion ("%%" included). It
// returns an error only when rec is shorter than the args' layout (and then
// formats what it can).
//
// Printf parses format on every call; NewPrinter parses it once.
func Printf(env *Env, format string, args []*types.Type, rec []byte) (string, error) {
	return NewPrinter(format, args).Format(env, rec)
}

// Printer is a parsed printf format with its argument layout. It is
// immutable and safe for concurrent use.
type Printer struct {
	parts []part
	size  int // bytes of the record's args
}

// part is literal text, or a conversion of the arg at off.
type part struct {
	text string
	conv bool
	sp   spec
	t    *types.Type
	off  int
}

// NewPrinter parses format for args (see Printf).
func NewPrinter(format string, args []*types.Type) *Printer {
	tup := types.NewTuple(args...)
	offs := tup.Offsets()
	p := &Printer{size: tup.Size}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			p.parts = append(p.parts, part{text: lit.String()})
			lit.Reset()
		}
	}
	next := 0
	for i := 0; i < len(format); {
		if next == len(args) {
			// bpftrace 0.17 copies the text after the last conversion
			// (all of it, without args) as it is: "%%" stays "%%".
			lit.WriteString(format[i:])
			break
		}
		c := format[i]
		if c != '%' {
			j := strings.IndexByte(format[i:], '%')
			if j < 0 {
				j = len(format) - i
			}
			lit.WriteString(format[i : i+j])
			i += j
			continue
		}
		if strings.HasPrefix(format[i:], "%%") {
			lit.WriteByte('%')
			i += 2
			continue
		}
		sp, n := parseSpec(format[i:])
		if n == 0 || next >= len(args) {
			lit.WriteByte('%')
			i++
			continue
		}
		flush()
		p.parts = append(p.parts, part{conv: true, sp: sp, t: args[next], off: offs[next]})
		next++
		i += n
	}
	flush()
	return p
}

// Format formats one record (the args, without the event id).
func (p *Printer) Format(env *Env, rec []byte) (string, error) {
	var err error
	if len(rec) < p.size {
		err = fmt.Errorf("printf record is %d bytes, want %d", len(rec), p.size)
	}
	var sb strings.Builder
	for _, pt := range p.parts {
		if !pt.conv {
			sb.WriteString(pt.text)
			continue
		}
		sb.WriteString(formatArg(env, pt.sp, pt.t, field(rec, pt.off, pt.t.Size)))
	}
	return sb.String(), err
}

// parseSpec parses the conversion at the start of s ("%..."); n is its
// length, 0 if it is not a conversion. lang/fmtspec parses it, for the
// checker too.
func parseSpec(s string) (spec, int) {
	c, n := fmtspec.Parse(s)
	return spec{minus: c.Minus, zero: c.Zero, width: c.Width, prec: c.Prec, bits: c.Bits, verb: c.Verb}, n
}

func formatArg(env *Env, sp spec, t *types.Type, b []byte) string {
	isInt := t.Kind == types.Int || t.Kind == types.Pointer
	switch sp.verb {
	case "d", "i", "u", "x", "X", "o", "c":
		if isInt {
			return formatInt(sp, argInt(t, b))
		}
	case "p":
		if isInt {
			return formatPtr(sp, uint64(argInt(t, b)))
		}
	case "r", "rx", "rh":
		if t.Kind == types.Buffer {
			return padStr(sp, bufText(b, sp.verb[len(sp.verb)-1]))
		}
	}
	return formatStr(sp, printfText(env, t, b))
}

// argInt is an int or pointer argument widened to 64 bits by its sign.
func argInt(t *types.Type, b []byte) int64 {
	if t.Kind == types.Pointer {
		return int64(u64(b))
	}
	return intVal(t, b)
}

// printfText is the text %s prints for a value: stacks indented 8 spaces,
// ints in decimal, buffers as %r, char arrays as C strings.
func printfText(env *Env, t *types.Type, b []byte) string {
	switch {
	case t.Kind == types.Pointer:
		return strconv.FormatUint(u64(b), 10)
	case t.Kind == types.Array && t.Elem != nil && t.Elem.Kind == types.Int && t.Elem.Size == 1:
		return cString(b, t.Len)
	}
	return valueText(env, t, b, false, 8)
}

// formatInt converts v as C's printf does for an int argument at sp.bits.
func formatInt(sp spec, v int64) string {
	if sp.verb == "c" {
		return formatChar(sp, byte(v))
	}
	signed := sp.verb == "d" || sp.verb == "i"
	var neg bool
	var mag uint64
	switch bits := sp.bits; {
	case bits == 64:
		mag = uint64(v)
	case bits == 0:
		mag = uint64(uint32(v))
		if signed {
			v = int64(int32(v))
		}
	case bits == 16:
		mag = uint64(uint16(v))
		if signed {
			v = int64(int16(v))
		}
	default:
		mag = uint64(uint8(v))
		if signed {
			v = int64(int8(v))
		}
	}
	if signed {
		neg = v < 0
		mag = uint64(v)
		if neg {
			mag = -mag
		}
	}
	return intField(sp, mag, neg, signed)
}

func intField(sp spec, mag uint64, neg, signed bool) string {
	base, prefix := 10, ""
	switch sp.verb {
	case "x", "X":
		base = 16
		if sp.hash && mag != 0 {
			prefix = "0" + sp.verb
		}
	case "o":
		base = 8
	}
	ds := strconv.FormatUint(mag, base)
	if sp.verb == "X" {
		ds = strings.ToUpper(ds)
	}
	if sp.prec == 0 && mag == 0 {
		ds = ""
	}
	if len(ds) < sp.prec {
		ds = strings.Repeat("0", sp.prec-len(ds)) + ds
	}
	if sp.verb == "o" && sp.hash && !strings.HasPrefix(ds, "0") {
		ds = "0" + ds
	}
	switch {
	case neg:
		prefix = "-"
	case signed && sp.plus:
		prefix = "+"
	case signed && sp.space:
		prefix = " "
	}
	if sp.zero && !sp.minus && sp.prec < 0 {
		if n := sp.width - len(prefix) - len(ds); n > 0 {
			ds = strings.Repeat("0", n) + ds
		}
	}
	return padStr(sp, prefix+ds)
}

// formatChar prints %c. A NUL byte ends the C string bpftrace built, so
// nothing after it shows, not even left-justified padding.
func formatChar(sp spec, c byte) string {
	if c == 0 {
		if sp.minus {
			return ""
		}
		return strings.Repeat(" ", max(sp.width-1, 0))
	}
	return padStr(sp, string([]byte{c}))
}

// formatPtr prints %p as glibc does: "(nil)" for 0, else 0x and hex.
func formatPtr(sp spec, v uint64) string {
	if v == 0 {
		return padStr(spec{minus: sp.minus, width: sp.width}, "(nil)")
	}
	sp.hash, sp.verb = true, "x"
	return intField(sp, v, false, false)
}

func formatStr(sp spec, s string) string {
	if sp.prec >= 0 && sp.prec < len(s) {
		s = s[:sp.prec]
	}
	return padStr(sp, s)
}

// padStr pads s with spaces to the spec's width, on the left unless "-".
func padStr(sp spec, s string) string {
	n := sp.width - len(s)
	if n <= 0 {
		return s
	}
	if sp.minus {
		return s + strings.Repeat(" ", n)
	}
	return strings.Repeat(" ", n) + s
}

// PrintValue returns what print(value) prints for a non-map value: its text
// and a newline, or {"type": "value", "data": ...}.
func PrintValue(env *Env, t *types.Type, b []byte) string {
	if env.json() {
		return Record("value", ValueJSON(env, t, b))
	}
	return Value(env, t, b) + "\n"
}
