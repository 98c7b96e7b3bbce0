// This file implements printf() (and the formats of cat() and system()).

package format

import (
	"bytes"
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
	b, err := p.Append(nil, env, rec)
	return string(b), err
}

// Append appends the text of one record (the args, without the event id)
// to dst and returns the extended buffer. Integers and strings are
// formatted without allocating, so a caller that reuses dst formats a
// record of them with no allocation at all.
func (p *Printer) Append(dst []byte, env *Env, rec []byte) ([]byte, error) {
	var err error
	if len(rec) < p.size {
		err = fmt.Errorf("printf record is %d bytes, want %d", len(rec), p.size)
	}
	for i := range p.parts {
		pt := &p.parts[i]
		if !pt.conv {
			dst = append(dst, pt.text...)
			continue
		}
		dst = appendArg(dst, env, pt.sp, pt.t, field(rec, pt.off, pt.t.Size))
	}
	return dst, err
}

// parseSpec parses the conversion at the start of s ("%..."); n is its
// length, 0 if it is not a conversion. lang/fmtspec parses it, for the
// checker too.
func parseSpec(s string) (spec, int) {
	c, n := fmtspec.Parse(s)
	return spec{minus: c.Minus, zero: c.Zero, width: c.Width, prec: c.Prec, bits: c.Bits, verb: c.Verb}, n
}

// appendArg appends the conversion sp of the value b of type t.
func appendArg(dst []byte, env *Env, sp spec, t *types.Type, b []byte) []byte {
	isInt := t.Kind == types.Int || t.Kind == types.Pointer
	switch sp.verb {
	case "d", "i", "u", "x", "X", "o":
		if isInt {
			return appendInt(dst, sp, argInt(t, b))
		}
	case "c":
		if isInt {
			return appendChar(dst, sp, byte(argInt(t, b)))
		}
	case "p":
		if isInt {
			return appendPtr(dst, sp, uint64(argInt(t, b)))
		}
	case "r", "rx", "rh":
		if t.Kind == types.Buffer {
			return appendPadded(dst, sp, bufText(b, sp.verb[len(sp.verb)-1]))
		}
	}
	switch {
	case t.Kind == types.String:
		return appendStr(dst, sp, cBytes(b, t.Size))
	case t.Kind == types.Array && t.Elem != nil && t.Elem.Kind == types.Int && t.Elem.Size == 1:
		return appendStr(dst, sp, cBytes(b, t.Len))
	}
	return appendStr(dst, sp, printfText(env, t, b))
}

// cBytes is b up to its first NUL, at most n bytes.
func cBytes(b []byte, n int) []byte {
	if n >= 0 && n < len(b) {
		b = b[:n]
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return b
}

// argInt is an int or pointer argument widened to 64 bits by its sign.
func argInt(t *types.Type, b []byte) int64 {
	if t.Kind == types.Pointer {
		return int64(u64(b))
	}
	return intVal(t, b)
}

// printfText is the text %s prints for a value that is not a string:
// stacks indented 8 spaces, ints in decimal.
func printfText(env *Env, t *types.Type, b []byte) string {
	if t.Kind == types.Pointer {
		return strconv.FormatUint(u64(b), 10)
	}
	return valueText(env, t, b, false, 8)
}

// intParts converts v as C's printf does for an int argument at sp.bits:
// its magnitude, whether it is negative, whether the verb is signed.
func intParts(sp spec, v int64) (mag uint64, neg, signed bool) {
	signed = sp.verb == "d" || sp.verb == "i"
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
	return mag, neg, signed
}

// appendInt appends v converted as C's printf converts an int.
func appendInt(dst []byte, sp spec, v int64) []byte {
	mag, neg, signed := intParts(sp, v)
	return appendIntField(dst, sp, mag, neg, signed)
}

func appendIntField(dst []byte, sp spec, mag uint64, neg, signed bool) []byte {
	base, prefix := 10, ""
	switch sp.verb {
	case "x", "X":
		base = 16
		if sp.hash && mag != 0 {
			prefix = "0x"
			if sp.verb == "X" {
				prefix = "0X"
			}
		}
	case "o":
		base = 8
	}
	var num [24]byte
	ds := strconv.AppendUint(num[:0], mag, base)
	if sp.verb == "X" {
		for i, c := range ds {
			if c >= 'a' {
				ds[i] = c - 'a' + 'A'
			}
		}
	}
	if sp.prec == 0 && mag == 0 {
		ds = ds[:0]
	}
	zeros := max(sp.prec-len(ds), 0)
	if sp.verb == "o" && sp.hash && zeros == 0 && (len(ds) == 0 || ds[0] != '0') {
		zeros = 1
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
		zeros = max(sp.width-len(prefix)-len(ds), 0)
	}
	pad := sp.width - len(prefix) - zeros - len(ds)
	if !sp.minus {
		dst = appendRepeat(dst, ' ', pad)
	}
	dst = append(dst, prefix...)
	dst = appendRepeat(dst, '0', zeros)
	dst = append(dst, ds...)
	if sp.minus {
		dst = appendRepeat(dst, ' ', pad)
	}
	return dst
}

// appendRepeat appends n copies of c (none when n <= 0).
func appendRepeat(dst []byte, c byte, n int) []byte {
	for ; n > 0; n-- {
		dst = append(dst, c)
	}
	return dst
}

// appendChar appends %c. A NUL byte ends the C string bpftrace built, so
// nothing after it shows, not even left-justified padding.
func appendChar(dst []byte, sp spec, c byte) []byte {
	if c == 0 {
		if sp.minus {
			return dst
		}
		return appendRepeat(dst, ' ', sp.width-1)
	}
	return appendPadded(dst, sp, []byte{c})
}

// appendPtr appends %p as glibc prints it: "(nil)" for 0, else 0x and hex.
func appendPtr(dst []byte, sp spec, v uint64) []byte {
	if v == 0 {
		return appendPadded(dst, spec{minus: sp.minus, width: sp.width}, "(nil)")
	}
	sp.hash, sp.verb = true, "x"
	return appendIntField(dst, sp, v, false, false)
}

// appendStr appends s cut to the spec's precision and padded to its width.
func appendStr[S string | []byte](dst []byte, sp spec, s S) []byte {
	if sp.prec >= 0 && sp.prec < len(s) {
		s = s[:sp.prec]
	}
	return appendPadded(dst, sp, s)
}

// appendPadded appends s padded with spaces to the spec's width, on the
// left unless "-".
func appendPadded[S string | []byte](dst []byte, sp spec, s S) []byte {
	n := sp.width - len(s)
	if !sp.minus {
		dst = appendRepeat(dst, ' ', n)
	}
	dst = append(dst, s...)
	if sp.minus {
		dst = appendRepeat(dst, ' ', n)
	}
	return dst
}

// PrintValue returns what print(value) prints for a non-map value: its text
// and a newline, or {"type": "value", "data": ...}.
func PrintValue(env *Env, t *types.Type, b []byte) string {
	if env.json() {
		return Record("value", ValueJSON(env, t, b))
	}
	return Value(env, t, b) + "\n"
}
