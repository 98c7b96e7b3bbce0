package lang

// This file splits attach points and gives providers their canonical names.

import (
	"strings"

	"github.com/gtrace/gtrace/internal/suggest"
	"github.com/gtrace/gtrace/lang/probekind"
)

func (l *lowerer) attach(g *gAttach) *AttachPoint {
	a := &AttachPoint{Raw: g.Raw}
	a.At = l.span(g.Tokens)
	fields := splitAttach(g.Raw)
	kind, ok := probekind.Lookup(fields[0])
	if !ok && strings.Contains(fields[0], "$") {
		// "BEG$1": the provider is known only once the checker substitutes
		// positional parameters, so it is kept as written.
		a.Provider, a.Parts = fields[0], fields[1:]
		return a
	}
	if !ok {
		at := a.At
		at.End = at.Start
		at.End.Offset += len(fields[0])
		at.End.Col += len(fields[0])
		l.errs.Add(NewError(l.s.f, at, "unknown probe type \""+fields[0]+"\"", suggestProvider(fields[0])...))
		return a
	}
	a.Provider, a.Parts = kind.Name, fields[1:]
	switch {
	case kind.Parts.Max == 0:
		if len(a.Parts) > 0 {
			l.errorf(a.At, "%s probe takes no arguments", kind.Name)
		}
	case len(a.Parts) == 0 || a.Parts[len(a.Parts)-1] == "":
		l.errorf(a.At, "incomplete attach point %q: expected %s:...", g.Raw, fields[0])
	}
	return a
}

// splitAttach splits raw at ':' outside double quotes and removes the
// quotes.
func splitAttach(raw string) []string {
	var fields []string
	var cur strings.Builder
	quoted := false
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case c == '\\' && quoted && i+1 < len(raw):
			i++
			cur.WriteByte(raw[i])
		case c == '"':
			quoted = !quoted
		case c == ':' && !quoted:
			fields = append(fields, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(fields, cur.String())
}

// suggestProvider returns a "did you mean" hint for a misspelt provider.
func suggestProvider(name string) []string {
	name = strings.ToLower(name)
	names := suggest.Closest(name, probekind.Names(0), max(1, len(name)/3))
	if len(names) == 0 {
		return nil
	}
	return []string{"did you mean \"" + strings.Join(names, "\" or \"") + "\"?"}
}
