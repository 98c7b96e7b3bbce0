// This file implements the warnings of -k and -kk: a helper call that
// failed at run time.

package format

import (
	"strconv"
	"strings"
	"syscall"
)

// HelperError is a failed helper call at a place in the script.
type HelperError struct {
	Helper string // "map_delete_elem"
	Ret    int64  // the helper's return code: -errno, or 0 for a lookup miss
	File   string // "<cmdline>", "stdin" or a path
	Line   int    // 1-based line of the call
	Col    int    // 1-based first column
	EndCol int    // 1-based column after the call, on Line
	Source string // the text of Line
}

// HelperWarning returns bpftrace's warning for h, with its newline:
//
//	file:1:22-34: WARNING: Failed to map_delete_elem: No such file or directory (-2)
//	<source line>
//	                     ~~~~~~~~~~~~
//
// or, in JSON, {"type": "helper_error", "helper": ..., "retcode": -2, "line": 1, "col": 22}.
func HelperWarning(env *Env, h HelperError) string {
	if env.json() {
		return `{"type": "helper_error", "helper": "` + Escape(h.Helper) + `", "retcode": ` + itoa(h.Ret) +
			`, "line": ` + strconv.Itoa(h.Line) + `, "col": ` + strconv.Itoa(h.Col) + "}\n"
	}
	return Diagnostic(h, "WARNING", "Failed to "+h.Helper+": "+retText(h.Ret))
}

// Diagnostic returns a message of level ("ERROR", "WARNING") at h's place
// in the script, with its newline, the source line and a mark under the
// place (h's Helper and Ret are not used):
//
//	file:1:9-62: ERROR: msg
//	<source line>
//	        ~~~~~~~~~
func Diagnostic(h HelperError, level, msg string) string {
	var b strings.Builder
	b.WriteString(h.File + ":" + strconv.Itoa(h.Line) + ":" + strconv.Itoa(h.Col))
	end := max(h.EndCol, h.Col+1)
	b.WriteString("-" + strconv.Itoa(end))
	b.WriteString(": " + level + ": " + msg + "\n")
	if h.Source == "" {
		return b.String()
	}
	b.WriteString(h.Source + "\n")
	col := min(max(h.Col-1, 0), len(h.Source))
	for _, r := range h.Source[:col] {
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	b.WriteString(strings.Repeat("~", end-h.Col) + "\n")
	return b.String()
}

// DivZeroWarning returns bpftrace 0.26's warning for a division or modulo
// by zero at h's place (h.Helper and h.Ret unused), with its newline:
//
//	file:1:22-34: WARNING: Divide or modulo by 0 detected. This can lead to unexpected results. 1 is being used as the result.
//	<source line>
//	                     ~~~~~~~~~~~~
func DivZeroWarning(h HelperError) string {
	return Diagnostic(h, "WARNING", "Divide or modulo by 0 detected. This can lead to unexpected results. 1 is being used as the result.")
}

// retText spells a helper's return code: "No such file or directory (-2)"
// for an errno, the number otherwise.
func retText(ret int64) string {
	if ret >= 0 {
		return itoa(ret)
	}
	msg := syscall.Errno(-ret).Error()
	if msg != "" {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	return msg + " (" + itoa(ret) + ")"
}
