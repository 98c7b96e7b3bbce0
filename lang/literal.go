package lang

// This file decodes integer, character and string literals.

import (
	"math/bits"
	"strconv"
	"strings"
)

// intValue decodes an integer literal: decimal, 0x hex, 0b binary, 0o or
// leading-0 octal, '_' separators, a decimal exponent ("1e6") and C
// suffixes (u, l, ul, ll, ull). It reports an error at at and returns false
// for a malformed or too large literal.
func (l *lowerer) intValue(text string, at Span) (uint64, bool) {
	n, msg := parseInt(text)
	if msg != "" {
		l.errorf(at, msg, text)
		return 0, false
	}
	return n, true
}

func parseInt(text string) (uint64, string) {
	if n, ok, msg := parseDuration(text); ok {
		return n, msg
	}
	s := strings.ReplaceAll(text, "_", "")
	lower := strings.ToLower(s)
	isHex := strings.HasPrefix(lower, "0x")
	s = strings.TrimRight(s, "uUlL")
	if len(s) == 0 || strings.HasSuffix(text, "_") {
		return 0, "invalid integer literal %q"
	}
	base, digits := 10, s
	switch {
	case isHex:
		base, digits = 16, s[2:]
	case strings.HasPrefix(lower, "0b"):
		base, digits = 2, s[2:]
	case strings.HasPrefix(lower, "0o"):
		base, digits = 8, s[2:]
	case strings.ContainsAny(s, "eE"):
		return parseExp(s)
	case len(s) > 1 && s[0] == '0':
		base, digits = 8, s[1:]
	}
	n, err := strconv.ParseUint(digits, base, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, "integer literal %q is too large"
		}
		return 0, "invalid integer literal %q"
	}
	return n, ""
}

// durationUnits are the suffixes of duration literals (bpftrace 0.23+):
// "100ms" is 100000000, a count of nanoseconds.
var durationUnits = []struct {
	suffix string
	ns     uint64
}{{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}, {"d", 86400e9}}

// parseDuration decodes a duration literal: decimal digits and a unit. ok
// is false when text is not one.
func parseDuration(text string) (n uint64, ok bool, msg string) {
	for _, u := range durationUnits {
		digits, found := strings.CutSuffix(text, u.suffix)
		if !found || digits == "" || strings.Trim(digits, "0123456789_") != "" || digits[0] == '_' {
			continue
		}
		v, err := strconv.ParseUint(strings.ReplaceAll(digits, "_", ""), 10, 64)
		hi, lo := bits.Mul64(v, u.ns)
		if err != nil || hi != 0 {
			return 0, true, "duration literal %q is too large"
		}
		return lo, true, ""
	}
	return 0, false, ""
}

// parseExp decodes "MeE", an integer written in scientific notation.
func parseExp(s string) (uint64, string) {
	i := strings.IndexAny(s, "eE")
	m, err1 := strconv.ParseUint(s[:i], 10, 64)
	e, err2 := strconv.ParseUint(s[i+1:], 10, 8)
	if err1 != nil || err2 != nil || i == 0 {
		return 0, "invalid integer literal %q"
	}
	for ; e > 0; e-- {
		hi, lo := bits.Mul64(m, 10)
		if hi != 0 {
			return 0, "integer literal %q is too large"
		}
		m = lo
	}
	return m, ""
}

// charLit decodes 'c' into an IntLit.
func (l *lowerer) charLit(text string, at Span) *IntLit {
	e := &IntLit{Text: text}
	e.At = at
	v := l.unquote(text, at)
	if len(v) != 1 {
		l.errorf(at, "character literal %s must hold exactly one byte", text)
		return e
	}
	e.Value = uint64(v[0])
	return e
}

// unquote decodes the escapes of a quoted literal (quotes included in
// text): \n \t \r \a \b \f \v \\ \" \' \xHH and octal \NNN (so \0).
func (l *lowerer) unquote(text string, at Span) string {
	body := text[1 : len(text)-1]
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		n, width, ok := escape(body[i+1:])
		if !ok {
			l.escapeError(body, i, at)
			return b.String()
		}
		b.WriteByte(n)
		i += width
	}
	return b.String()
}

func (l *lowerer) escapeError(body string, i int, at Span) {
	end := min(i+2, len(body))
	start := at.Start
	start.Offset += i + 1
	start.Col += i + 1
	stop := start
	stop.Offset += end - i
	stop.Col += end - i
	if at.Start.Line != at.End.Line || at.End.Offset-at.Start.Offset != len(body)+2 {
		start, stop = at.Start, at.End // a #define'd literal: point at the use
	}
	l.errs.Add(Errorf(l.s.f, Span{start, stop}, "invalid escape sequence \"%s\"", body[i:end]))
}

var simpleEscapes = map[byte]byte{
	'n': '\n', 't': '\t', 'r': '\r', 'a': '\a', 'b': '\b', 'f': '\f', 'v': '\v',
	'\\': '\\', '"': '"', '\'': '\'',
}

// escape decodes the escape after a backslash. It returns the byte, how
// many bytes after the backslash it used, and false when it is invalid.
func escape(s string) (byte, int, bool) {
	if s == "" {
		return 0, 0, false
	}
	if c, ok := simpleEscapes[s[0]]; ok {
		return c, 1, true
	}
	if s[0] == 'x' {
		n := 0
		for n < 2 && n+1 < len(s) && strings.IndexByte("0123456789abcdefABCDEF", s[n+1]) >= 0 {
			n++
		}
		v, err := strconv.ParseUint(s[1:1+n], 16, 8)
		return byte(v), n + 1, err == nil
	}
	n := 0
	for n < 3 && n < len(s) && '0' <= s[n] && s[n] <= '7' {
		n++
	}
	if n == 0 {
		return 0, 0, false
	}
	v, err := strconv.ParseUint(s[:n], 8, 16)
	return byte(v), n, err == nil && v < 256
}
