package check

// This file checks getopt(): named program options (bpftrace 0.24+). The
// options come after "--" on the command line ("--name=value", or "--name"
// for true); getopt's value is a constant of the program.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/types"
)

// Option is a program option a getopt() call reads, for "--help" and
// for rejecting options no getopt() reads.
type Option struct {
	Name string
	Desc string
}

// named returns the value of program option name: "" and true for a bare
// "--name", and whether it was given.
func (c *Config) named(name string) (value string, bare, ok bool) {
	if c == nil {
		return "", false, false
	}
	for _, a := range c.Named {
		k, v, hasValue := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		if k == name {
			value, bare, ok = v, !hasValue, true
		}
	}
	return value, bare, ok
}

// getoptCall checks getopt("name"[, default[, "description"]]). The type
// is the default's (an integer, a string or a bool); without a default it
// is a bool, true when the option is given.
func (ch *checker) getoptCall(c *lang.Call) *types.Type {
	args := ch.args(c)
	for _, a := range args {
		if a == nil {
			return nil
		}
	}
	name, ok := ch.info.Strings[c.Args[0]]
	if !ok || name == "" {
		ch.errorf(c.Args[0], "getopt() takes the option's name as a string literal")
		return nil
	}
	opt := Option{Name: name}
	if len(c.Args) == 3 {
		d, ok := ch.info.Strings[c.Args[2]]
		if !ok {
			ch.errorf(c.Args[2], "getopt() takes the option's description as a string literal")
			return nil
		}
		opt.Desc = d
	}
	ch.addOption(opt)
	value, bare, given := ch.conf.named(name)
	if len(c.Args) == 1 || args[1].IsBool() {
		return ch.getoptBool(c, name, value, bare, given)
	}
	if s, ok := ch.info.Strings[c.Args[1]]; ok && args[1].Kind == types.String {
		if given {
			s = value
		}
		ch.info.Strings[c] = s
		return types.NewString(max(len(s)+1, args[1].Size))
	}
	def, ok := ch.constOf(c.Args[1])
	if !ok || !args[1].IsInt() {
		ch.errorf(c.Args[1], "getopt() default must be a constant integer, string or bool")
		return nil
	}
	if !given {
		ch.constant(c, def)
		return types.Int64
	}
	if n, err := strconv.ParseInt(value, 0, 64); err == nil && !bare {
		ch.constant(c, n)
		return types.Int64
	}
	if n, err := strconv.ParseUint(value, 0, 64); err == nil && !bare {
		ch.constant(c, int64(n))
		return types.Uint64
	}
	ch.info.OptionErrors = append(ch.info.OptionErrors, fmt.Sprintf("program command line option --%s invalid integer (value: %s)", name, value))
	ch.constant(c, def)
	return types.Int64
}

func (ch *checker) getoptBool(c *lang.Call, name, value string, bare, given bool) *types.Type {
	v := false
	if len(c.Args) > 1 {
		d, _ := ch.constOf(c.Args[1])
		v = d != 0
	}
	switch {
	case given && bare:
		v = true
	case given:
		b, ok := ConfigBool(value)
		if !ok {
			ch.info.OptionErrors = append(ch.info.OptionErrors, fmt.Sprintf("program command line option --%s invalid boolean (value: %s)", name, value))
		}
		v = b
	}
	ch.constant(c, map[bool]int64{false: 0, true: 1}[v])
	return types.Bool
}

// addOption records an option once, in the order of the script.
func (ch *checker) addOption(o Option) {
	for i, old := range ch.info.Options {
		if old.Name == o.Name {
			if old.Desc == "" {
				ch.info.Options[i].Desc = o.Desc
			}
			return
		}
	}
	ch.info.Options = append(ch.info.Options, o)
}

// UnexpectedOptions returns the program options in named that no getopt()
// of info reads.
func UnexpectedOptions(info *Info, named []string) []string {
	var out []string
	for _, a := range named {
		k, _, _ := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		found := false
		for _, o := range info.Options {
			found = found || o.Name == k
		}
		if !found {
			out = append(out, "--"+k)
		}
	}
	return out
}

// OptionsHelp lists the program options of info, one a line, with their
// descriptions.
func OptionsHelp(info *Info) string {
	var b strings.Builder
	for _, o := range info.Options {
		if o.Desc != "" {
			fmt.Fprintf(&b, "  --%s: %s\n", o.Name, o.Desc)
		} else {
			fmt.Fprintf(&b, "  --%s\n", o.Name)
		}
	}
	return b.String()
}
