package check

// This file reads printf-style format strings as far as the checker needs
// them: the class of value each conversion expects. lang/fmtspec parses
// them, for the runtime too.

import (
	"strings"

	"github.com/gtrace/gtrace/lang/fmtspec"
)

// conv is one conversion of a format string, e.g. "lld" or "rx".
type conv struct {
	verb string // "d", "i", "u", "x", "X", "o", "c", "p", "s", "r", "rx", "rh"
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

func parseFormat(format string) []conv {
	specs := fmtspec.Conversions(format)
	out := make([]conv, len(specs))
	for i, sp := range specs {
		out[i] = conv{verb: sp.Verb}
	}
	return out
}
