package check

// This file implements the parsing of printf-style format strings, as far
// as the checker needs it: the conversions and the class of value each
// expects.

import "strings"

// conv is one conversion of a format string, e.g. "lld" or "rx".
type conv struct {
	verb string // the length modifier and verb as written, e.g. "llu", "s", "rh"
}

type convClass int

const (
	convInt convClass = iota
	convStr
	convBuf
)

func (c conv) class() convClass {
	switch {
	case strings.HasPrefix(c.verb, "r"):
		return convBuf
	case strings.HasSuffix(c.verb, "s"):
		return convStr
	}
	return convInt
}

// Conversion is one conversion of a format string, for codegen and the
// runtime: the full specifier as written ("%-5lld") and its verb ('d').
type Conversion struct {
	Spec string
	Verb string // "d", "i", "u", "x", "X", "o", "c", "p", "s", "r", "rx", "rh"
}

// ParseFormat returns the conversions of a printf format, in order.
// Unknown conversions are left as text, as bpftrace does.
func ParseFormat(format string) []Conversion {
	var out []Conversion
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		if i+1 < len(format) && format[i+1] == '%' {
			i++
			continue
		}
		j := i + 1
		// Flags: bpftrace 0.17 knows only - and 0; with '+', ' ' or '#'
		// the specifier is not a conversion and stays text.
		for j < len(format) && strings.IndexByte("-0", format[j]) >= 0 {
			j++
		}
		for j < len(format) && (format[j] >= '0' && format[j] <= '9') {
			j++
		}
		if j < len(format) && format[j] == '.' {
			j++
			for j < len(format) && format[j] >= '0' && format[j] <= '9' {
				j++
			}
		}
		for _, l := range []string{"hh", "ll", "h", "l", "j", "z", "t"} {
			if strings.HasPrefix(format[j:], l) {
				j += len(l)
				break
			}
		}
		if j >= len(format) {
			break
		}
		verb := string(format[j])
		if !strings.Contains("diuxXocps", verb) && verb != "r" {
			continue
		}
		if verb == "r" && j+1 < len(format) && (format[j+1] == 'x' || format[j+1] == 'h') {
			j++
			verb = "r" + string(format[j])
		}
		out = append(out, Conversion{Spec: format[i : j+1], Verb: verb})
		i = j
	}
	return out
}

func parseFormat(format string) []conv {
	cs := ParseFormat(format)
	out := make([]conv, len(cs))
	for i, c := range cs {
		out[i] = conv{verb: c.Verb}
	}
	return out
}
