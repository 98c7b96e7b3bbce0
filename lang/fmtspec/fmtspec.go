// Package fmtspec reads the conversions of printf formats as bpftrace 0.17
// does: %[flags][width][.prec][len]verb with the flags - and 0 only (a
// conversion with +, space or # is text), the length modifiers hh h l ll j
// z t, and the verbs d i u x X o c s p and r rx rh (buffers). The checker
// reads it to match arguments to conversions, runtime/format to format
// them: one parser, so the two cannot disagree. It imports nothing of the
// module, so both may use it.
package fmtspec

import "strings"

// Spec is one conversion.
type Spec struct {
	Minus, Zero bool   // flags
	Width, Prec int    // Prec -1: none
	Bits        int    // from the length modifier: 0 (none), 8, 16, 64
	Verb        string // "d", "i", "u", "x", "X", "o", "c", "s", "p", "r", "rx", "rh"
	Text        string // the conversion as written ("%-5lld")
}

// MaxWidth bounds widths and precisions, so that a hostile format cannot
// ask for gigabytes of padding.
const MaxWidth = 1 << 16

// Parse parses the conversion at the start of s ("%..."); n is its
// length, 0 if it is not a conversion. "%%" is not one.
func Parse(s string) (sp Spec, n int) {
	sp.Prec = -1
	i := 1
flags:
	for ; i < len(s); i++ {
		switch s[i] {
		case '-':
			sp.Minus = true
		case '0':
			sp.Zero = true
		default:
			break flags
		}
	}
	i, sp.Width = digits(s, i)
	if i < len(s) && s[i] == '.' {
		i, sp.Prec = digits(s, i+1)
	}
	i, sp.Bits = lengthMod(s, i)
	if i >= len(s) {
		return sp, 0
	}
	switch v := s[i]; v {
	case 'd', 'i', 'u', 'x', 'X', 'o', 'c', 's', 'p':
		sp.Verb = string(v)
	case 'r':
		sp.Verb = "r"
		if i+1 < len(s) && (s[i+1] == 'x' || s[i+1] == 'h') {
			i++
			sp.Verb += s[i : i+1]
		}
	default:
		return sp, 0
	}
	sp.Text = s[:i+1]
	return sp, i + 1
}

// Conversions returns the conversions of format, in order. "%%" and
// unknown conversions are text, as in bpftrace.
func Conversions(format string) []Spec {
	var out []Spec
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		if strings.HasPrefix(format[i:], "%%") {
			i++
			continue
		}
		if sp, n := Parse(format[i:]); n > 0 {
			out = append(out, sp)
			i += n - 1
		}
	}
	return out
}

func digits(s string, i int) (int, int) {
	v := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		v = min(v*10+int(s[i]-'0'), MaxWidth)
	}
	return i, v
}

func lengthMod(s string, i int) (int, int) {
	for _, m := range []struct {
		mod  string
		bits int
	}{{"hh", 8}, {"h", 16}, {"ll", 64}, {"l", 64}, {"j", 64}, {"z", 64}, {"t", 64}} {
		if strings.HasPrefix(s[i:], m.mod) {
			return i + len(m.mod), m.bits
		}
	}
	return i, 0
}
