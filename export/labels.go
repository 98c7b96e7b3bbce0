// This file names the labels of a map's key parts.

package export

import (
	"strconv"

	"github.com/gtrace/gtrace/lang"
)

// labelBuiltins are the builtins whose name becomes the label of a key
// part that is exactly that builtin (@[comm, pid] → comm, pid).
var labelBuiltins = map[string]bool{
	"pid": true, "tid": true, "uid": true, "gid": true, "cpu": true, "comm": true,
	"probe": true, "func": true, "username": true, "cgroup": true, "kstack": true,
	"ustack": true, "retval": true, "numaid": true, "elapsed": true, "nsecs": true,
	"arg0": true, "arg1": true, "arg2": true, "arg3": true, "arg4": true, "arg5": true,
	"cpid": true, "curtask": true, "rand": true, "sarg0": true, "sarg1": true,
}

// KeyLabels returns, for each map of f with keys, the label name of each
// key part: the builtin's name when every use of the map has that builtin
// (pid, comm, probe, kstack...) in that position, "key0", "key1"...
// otherwise (and for a name used twice).
func KeyLabels(f *lang.File) map[string][]string {
	uses := map[string][][]string{} // map → each use's key idents ("" if not a builtin)
	visit := func(m *lang.MapExpr) {
		if len(m.Keys) == 0 {
			return
		}
		names := make([]string, len(m.Keys))
		for i, k := range m.Keys {
			if id, ok := k.(*lang.Ident); ok && labelBuiltins[id.Name] {
				names[i] = id.Name
			}
		}
		uses[m.Name] = append(uses[m.Name], names)
	}
	for _, p := range f.Probes {
		lang.Inspect(p, func(n lang.Node) bool {
			if m, ok := n.(*lang.MapExpr); ok {
				visit(m)
			}
			return true
		})
	}
	out := map[string][]string{}
	for name, us := range uses {
		out[name] = agree(us)
	}
	return out
}

// agree names each key position by the builtin all uses agree on.
func agree(uses [][]string) []string {
	n := 0
	for _, u := range uses {
		n = max(n, len(u))
	}
	names := make([]string, n)
	seen := map[string]bool{}
	for i := range names {
		name := ""
		for j, u := range uses {
			if i >= len(u) || (j > 0 && u[i] != name) {
				name = ""
				break
			}
			name = u[i]
		}
		if name == "" || seen[name] {
			name = "key" + strconv.Itoa(i)
		}
		seen[name] = true
		names[i] = name
	}
	return names
}
