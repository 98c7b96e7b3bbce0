// This file implements the {"type": T, "data": D} records of -f json.

package format

import (
	"strconv"
	"strings"
)

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// Escape escapes s for a JSON string as bpftrace 0.17 does: \" \\ \n \r \t,
// \u00XX for other control bytes, and \uffffffXX for each byte from 0x80 up
// (bpftrace sign-extends the byte as a C char, so UTF-8 text comes out as
// "\uffffffc3\uffffffa9" for "é"). Other bytes pass as they are.
func Escape(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			sb.WriteString(`\"`)
		case c == '\\':
			sb.WriteString(`\\`)
		case c == '\n':
			sb.WriteString(`\n`)
		case c == '\r':
			sb.WriteString(`\r`)
		case c == '\t':
			sb.WriteString(`\t`)
		case c >= 0x80:
			sb.WriteString(`\uffffff`)
			sb.WriteByte("0123456789abcdef"[c>>4])
			sb.WriteByte("0123456789abcdef"[c&15])
		case c < 0x20:
			sb.WriteString(`\u00`)
			sb.WriteByte("0123456789abcdef"[c>>4])
			sb.WriteByte("0123456789abcdef"[c&15])
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String()
}

// Message returns a record whose data is a string, with its newline:
// {"type": "printf", "data": "hello\n"}. kind is printf, time, cat, join or
// syscall.
func Message(kind, msg string) string {
	return `{"type": "` + kind + `", "data": "` + Escape(msg) + "\"}\n"
}

// Record returns a record whose data is already JSON, with its newline:
// {"type": "value", "data": [1,"a"]}.
func Record(kind, data string) string {
	return `{"type": "` + kind + `", "data": ` + data + "}\n"
}

// Attached returns what bpftrace prints once probes are attached:
// "Attaching 1 probe...\n" or, in JSON, {"type": "attached_probes", "data": {"probes": N}}.
func Attached(env *Env, n int) string {
	if env.json() {
		return Record("attached_probes", `{"probes": `+strconv.Itoa(n)+"}")
	}
	if n == 1 {
		return "Attaching 1 probe...\n"
	}
	return "Attaching " + strconv.Itoa(n) + " probes...\n"
}

// Lost returns the lost-events report: "Lost N events\n", or
// {"type": "lost_events", "data": {"events": N}} in JSON.
func Lost(env *Env, n uint64) string {
	if env.json() {
		return Record("lost_events", `{"events": `+strconv.FormatUint(n, 10)+"}")
	}
	return "Lost " + strconv.FormatUint(n, 10) + " events\n"
}

// Output returns the text of a printf, time, cat, join or system output:
// the text itself, or its JSON record.
func Output(env *Env, kind, text string) string {
	if env.json() {
		return Message(kind, text)
	}
	return text
}
