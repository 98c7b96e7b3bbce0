package codegen

import (
	"sort"

	"github.com/gtrace/gtrace/lang"
)

// uses records which target-dependent builtins a probe body uses.
type uses struct {
	args            bool // args: the context layout matters
	argN            bool // arg0..argN: usdt argument locations matter
	probe           bool // the probe builtin
	fn              bool // the func builtin
	targetDependent bool // func and friends: one program per target
}

func scanUses(p *lang.Probe) uses {
	var u uses
	lang.Inspect(p, func(n lang.Node) bool {
		id, ok := n.(*lang.Ident)
		if !ok {
			return true
		}
		switch id.Name {
		case "args":
			u.args = true
		case "probe":
			u.probe = true
		case "func":
			u.fn = true
		default:
			if _, ok := argN(id.Name); ok {
				u.argN = true
			}
		}
		return true
	})
	return u
}

func sortStrings(s []string) { sort.Strings(s) }
