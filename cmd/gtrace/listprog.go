package main

// This file implements "-l" with a program (-e or a script file): the
// probes the program would attach to, one a line, as "-l PATTERN" spells
// them (bpftrace 0.26).

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/check"
	"github.com/gtrace/gtrace/lang/probekind"
	"github.com/gtrace/gtrace/probes"
)

// listProgram reports whether "-l" lists a program's probes rather than a
// pattern's: a -e program, or an argument that names a script (a readable
// file that is not an ELF binary, whose probes "-l PATH" would list).
func listProgram(o *options) bool {
	if len(o.programs) > 0 {
		return true
	}
	if len(o.params) == 0 {
		return false
	}
	fi, err := os.Stat(o.params[0])
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	f, err := os.Open(o.params[0])
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	return !bytes.Equal(head[:n], []byte("\x7fELF"))
}

// listProbes prints the probes of the -e program or script file.
func listProbes(o *options, stdout, stderr io.Writer) int {
	name, src := "<cmdline>", strings.Join(o.programs, "\n")
	if len(o.programs) == 0 {
		b, err := os.ReadFile(o.params[0])
		if err != nil {
			fmt.Fprintf(stderr, "ERROR: %v\n", err)
			return 1
		}
		name, src = o.params[0], string(b)
	}
	f, err := lang.Parse(name, src)
	if err != nil {
		fmt.Fprint(stderr, lang.FormatError(err))
		return 1
	}
	reg := probes.New(&probes.Options{Stderr: stderr, PID: o.pid, IncludeDirs: o.includeDirs})
	params := o.params
	if len(o.programs) == 0 {
		params = params[1:]
	}
	conf := &check.Config{Resolver: reg, Params: params, Unsafe: true, Named: o.named}
	info, err := conf.Check(f)
	if err != nil {
		fmt.Fprint(stderr, lang.FormatError(err))
		return 1
	}
	var seen []string
	for _, p := range info.Probes {
		for _, t := range p.Targets {
			n := listedName(t)
			if slices.Contains(seen, n) {
				continue
			}
			seen = append(seen, n)
			fmt.Fprintln(stdout, n)
			if d, err := reg.Describe(n); o.verbose && err == nil {
				fmt.Fprint(stdout, d)
			}
		}
	}
	return 0
}

// listedName spells a target as the listing does: a timer without its
// period ("interval:ms:"), a perf event by its name without its count
// ("software:cpu-clock:"), anything else by its full name.
func listedName(t *check.Target) string {
	k, ok := probekind.Lookup(t.Provider)
	if !ok {
		return t.Name
	}
	parts := strings.Split(t.Name, ":")
	switch k.Parts.Form {
	case probekind.Rate:
		if len(parts) >= 2 {
			return k.Name + ":" + parts[1] + ":"
		}
	case probekind.Event:
		if len(parts) >= 2 {
			if ev, ok := k.Event(parts[1]); ok {
				return k.Name + ":" + ev.Name + ":"
			}
		}
	}
	return t.Name
}
