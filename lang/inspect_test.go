package lang

import (
	"fmt"
	"strings"
	"testing"
)

func TestInspect(t *testing.T) {
	f, err := Parse("<test>", `kprobe:f /arg0 > 1/ { $x = @m[pid, 2] + 1; if ($x) { print(($x, comm)); } else { @m[1, 2]++; } }`)
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	Inspect(f.Probes[0], func(n Node) bool {
		switch n := n.(type) {
		case *Ident:
			seen = append(seen, n.Name)
		case *IntLit:
			seen = append(seen, fmt.Sprint(n.Value))
		case *Call:
			seen = append(seen, n.Name+"(")
			return n.Name != "print" // do not descend into print's args
		}
		return true
	})
	want := "arg0 1 pid 2 1 print( 1 2" // $x is a *Var
	if got := strings.Join(seen, " "); got != want {
		t.Errorf("Inspect saw %q, want %q", got, want)
	}
}
