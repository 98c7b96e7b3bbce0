// This file implements time(fmt) and strftime(fmt, nsecs): C strftime in
// the C locale, plus bpftrace's %f (microseconds).

package format

import (
	"strconv"
	"strings"
	"time"
)

// DefaultTimeFormat is the format of time() without an argument.
const DefaultTimeFormat = "%H:%M:%S\n"

// Boot returns the wall clock time nsecs nanoseconds after boot, in the
// Env's location.
func Boot(env *Env, nsecs uint64) time.Time {
	var boot time.Time
	if env != nil {
		boot = env.BootTime
	}
	return boot.Add(time.Duration(nsecs)).In(env.loc())
}

// strftimeMax is the size of bpftrace's strftime buffer: longer (and
// empty) results make strftime return 0, which bpftrace reports as an error.
const strftimeMax = 64

// Time returns what time(fmt) prints at now (in the Env's location). Like
// bpftrace, it prints nothing ("") when the result is empty or longer than
// 63 bytes (bpftrace also logs "strftime returned 0" on stderr).
func Time(env *Env, format string, now time.Time) string {
	s, ok := strftimeC(format, now.In(env.loc()))
	if !ok {
		return ""
	}
	return s
}

// strftimeC is Strftime with C's failure: false for a result that is empty
// or does not fit bpftrace's buffer.
func strftimeC(format string, t time.Time) (string, bool) {
	s := Strftime(format, t)
	return s, s != "" && len(s) < strftimeMax
}

// Strftime formats t as C's strftime does in the C locale, with bpftrace's
// %f for microseconds. The flags - _ 0 ^ and the E and O modifiers are
// accepted; an unknown conversion is copied as it is.
func Strftime(format string, t time.Time) string {
	var sb strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 >= len(format) {
			sb.WriteByte(c)
			continue
		}
		j := i + 1
		flag := byte(0)
		for j < len(format) && strings.IndexByte("-_0^#", format[j]) >= 0 {
			flag = format[j]
			j++
		}
		for j < len(format) && (format[j] == 'E' || format[j] == 'O') {
			j++
		}
		if j >= len(format) {
			sb.WriteString(format[i:])
			break
		}
		s, ok := conv(format[j], t)
		if !ok {
			sb.WriteString(format[i : j+1])
		} else {
			sb.WriteString(applyFlag(s, flag))
		}
		i = j
	}
	return sb.String()
}

// applyFlag applies a glibc strftime flag to a converted field.
func applyFlag(s string, flag byte) string {
	switch flag {
	case '-':
		t := strings.TrimLeft(s, "0 ")
		if t == "" && s != "" {
			return "0"
		}
		return t
	case '_':
		n := len(s) - len(strings.TrimLeft(s, "0"))
		if n == len(s) {
			n--
		}
		return strings.Repeat(" ", max(n, 0)) + s[max(n, 0):]
	case '0':
		return strings.ReplaceAll(s, " ", "0")
	case '^':
		return strings.ToUpper(s)
	}
	return s
}

func num(v, width int, padc byte) string {
	s := strconv.Itoa(v)
	for len(s) < width {
		s = string(padc) + s
	}
	return s
}

func hour12(t time.Time) int {
	h := t.Hour() % 12
	if h == 0 {
		h = 12
	}
	return h
}

// weekNum is the week of the year with weeks starting on first (0 Sunday,
// 1 Monday), as %U and %W count.
func weekNum(t time.Time, first int) int {
	wd := (int(t.Weekday()) - first + 7) % 7
	return (t.YearDay() - 1 - wd + 7) / 7
}

func conv(c byte, t time.Time) (string, bool) {
	switch c {
	case 'a':
		return t.Weekday().String()[:3], true
	case 'A':
		return t.Weekday().String(), true
	case 'b', 'h':
		return t.Month().String()[:3], true
	case 'B':
		return t.Month().String(), true
	case 'c':
		return Strftime("%a %b %e %H:%M:%S %Y", t), true
	case 'C':
		return num(t.Year()/100, 2, '0'), true
	case 'd':
		return num(t.Day(), 2, '0'), true
	case 'D', 'x':
		return Strftime("%m/%d/%y", t), true
	case 'e':
		return num(t.Day(), 2, ' '), true
	case 'f':
		return num(t.Nanosecond()/1000, 6, '0'), true
	case 'F':
		return Strftime("%Y-%m-%d", t), true
	case 'G':
		y, _ := t.ISOWeek()
		return strconv.Itoa(y), true
	case 'g':
		y, _ := t.ISOWeek()
		return num(y%100, 2, '0'), true
	case 'H':
		return num(t.Hour(), 2, '0'), true
	case 'I':
		return num(hour12(t), 2, '0'), true
	case 'j':
		return num(t.YearDay(), 3, '0'), true
	case 'k':
		return num(t.Hour(), 2, ' '), true
	case 'l':
		return num(hour12(t), 2, ' '), true
	case 'm':
		return num(int(t.Month()), 2, '0'), true
	case 'M':
		return num(t.Minute(), 2, '0'), true
	case 'n':
		return "\n", true
	case 'p':
		if t.Hour() < 12 {
			return "AM", true
		}
		return "PM", true
	case 'P':
		if t.Hour() < 12 {
			return "am", true
		}
		return "pm", true
	case 'r':
		return Strftime("%I:%M:%S %p", t), true
	case 'R':
		return Strftime("%H:%M", t), true
	case 's':
		return strconv.FormatInt(t.Unix(), 10), true
	case 'S':
		return num(t.Second(), 2, '0'), true
	case 't':
		return "\t", true
	case 'T', 'X':
		return Strftime("%H:%M:%S", t), true
	case 'u':
		return strconv.Itoa((int(t.Weekday())+6)%7 + 1), true
	case 'U':
		return num(weekNum(t, 0), 2, '0'), true
	case 'V':
		_, w := t.ISOWeek()
		return num(w, 2, '0'), true
	case 'w':
		return strconv.Itoa(int(t.Weekday())), true
	case 'W':
		return num(weekNum(t, 1), 2, '0'), true
	case 'y':
		return num(t.Year()%100, 2, '0'), true
	case 'Y':
		return strconv.Itoa(t.Year()), true
	case 'z':
		_, off := t.Zone()
		sign := '+'
		if off < 0 {
			sign, off = '-', -off
		}
		return string(sign) + num(off/3600, 2, '0') + num(off%3600/60, 2, '0'), true
	case 'Z':
		name, _ := t.Zone()
		return name, true
	case '%':
		return "%", true
	}
	return "", false
}
