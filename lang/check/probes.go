package check

// This file implements attach point validation and expansion.

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gtrace/gtrace/lang"
)

// hinter is implemented by resolver errors that carry suggestions.
type hinter interface{ Hints() []string }

// softwareEvents and hardwareEvents are the perf event names (and aliases)
// accepted after "software:" and "hardware:".
var (
	softwareEvents = []string{
		"cpu-clock", "cpu", "task-clock", "page-faults", "faults", "context-switches", "cs",
		"cpu-migrations", "minor-faults", "major-faults", "alignment-faults", "emulation-faults",
		"dummy", "bpf-output",
	}
	hardwareEvents = []string{
		"cpu-cycles", "cycles", "instructions", "cache-references", "cache-misses",
		"branch-instructions", "branches", "branch-misses", "bus-cycles", "frontend-stalls",
		"backend-stalls", "ref-cycles",
	}
)

// timedUnits are the units of interval and profile probes.
var timedUnits = []string{"s", "ms", "us", "ns", "hz"}

// noResolve lists the providers whose attach points need no resolver.
var noResolve = map[string]bool{
	"BEGIN": true, "END": true, "interval": true, "profile": true,
	"software": true, "hardware": true, "watchpoint": true, "asyncwatchpoint": true,
}

// expandProbes validates and expands every attach point of every probe.
// When some attach points of a probe match nothing but others do, the
// misses are warnings, as in bpftrace.
func (ch *checker) expandProbes() {
	ch.targets = make([][]*Target, len(ch.file.Probes))
	seen := map[string]bool{}
	for i, p := range ch.file.Probes {
		var misses []*lang.Error
		for _, ap := range p.Attach {
			ts, miss := ch.expandAttach(ap)
			ch.onlyOnce(ap, ts, seen)
			ch.targets[i] = append(ch.targets[i], ts...)
			if miss != nil {
				misses = append(misses, miss)
			}
		}
		for _, m := range misses {
			if len(ch.targets[i]) > 0 {
				ch.warnings.Add(m)
			} else {
				ch.errs.Add(m)
			}
		}
	}
}

// onlyOnce reports a BEGIN or END probe after the first one: bpftrace runs
// each of them once, so a script may define each at most once.
func (ch *checker) onlyOnce(ap *lang.AttachPoint, ts []*Target, seen map[string]bool) {
	for _, t := range ts {
		if t.Provider != "BEGIN" && t.Provider != "END" {
			continue
		}
		if seen[t.Provider] {
			ch.errorf(ap, "more than one %s probe defined", t.Provider)
		}
		seen[t.Provider] = true
	}
}

// expandAttach returns the targets of one attach point. Invalid attach
// points are reported; one the resolver finds nothing for is returned as
// a miss for expandProbes to judge.
func (ch *checker) expandAttach(ap *lang.AttachPoint) ([]*Target, *lang.Error) {
	provider, parts, ok := ch.substParts(ap)
	if !ok {
		return nil, nil
	}
	name, parts, err := canonical(provider, parts)
	if err != nil {
		ch.errorf(ap, "%s", err)
		return nil, nil
	}
	r := ch.conf.resolver()
	if noResolve[provider] || r == nil {
		return []*Target{{Point: ap, Provider: provider, Name: name}}, nil
	}
	names, err := r.Expand(provider, parts)
	if err != nil {
		var h hinter
		var hints []string
		if errors.As(err, &h) {
			hints = h.Hints()
		}
		return nil, lang.NewError(ch.file, ap.Span(), err.Error(), hints...)
	}
	if len(names) == 0 {
		return nil, lang.NewError(ch.file, ap.Span(), "no probes match "+name)
	}
	ts := make([]*Target, len(names))
	for i, n := range names {
		ts[i] = &Target{Point: ap, Provider: provider, Name: n}
	}
	if ar, ok := r.(ABIResolver); ok && (provider == "uprobe" || provider == "uretprobe") {
		for _, t := range ts {
			abi, err := ar.ABI(t.Name)
			if err != nil {
				return nil, lang.NewError(ch.file, ap.Span(), err.Error())
			}
			t.ABI = abi
		}
	}
	return ts, nil
}

// substParts replaces positional parameters in the attach point and
// returns its provider and parts. A parameter in the provider itself
// ("BEG$1") is substituted in the raw text, which is then split again.
func (ch *checker) substParts(ap *lang.AttachPoint) (string, []string, bool) {
	ok := true
	subst := func(p string) string {
		return posParamRE.ReplaceAllStringFunc(p, func(m string) string {
			if m == "$#" {
				return strconv.Itoa(len(ch.conf.params()))
			}
			n, _ := strconv.Atoi(m[1:])
			v, given := ch.param(n)
			if !given {
				ch.errorf(ap, "positional parameter %s is not given", m)
				ok = false
			}
			return v
		})
	}
	if strings.Contains(ap.Provider, "$") {
		fields := strings.Split(subst(ap.Raw), ":")
		return providerAlias(fields[0]), fields[1:], ok
	}
	out := make([]string, len(ap.Parts))
	for i, p := range ap.Parts {
		out[i] = subst(p)
	}
	return ap.Provider, out, ok
}

// providerAliases maps short and lowercase provider names to canonical ones.
var providerAliases = map[string]string{
	"begin": "BEGIN", "end": "END", "t": "tracepoint", "rt": "rawtracepoint",
	"k": "kprobe", "kr": "kretprobe", "u": "uprobe", "ur": "uretprobe", "U": "usdt",
	"p": "profile", "i": "interval", "s": "software", "h": "hardware", "w": "watchpoint",
	"aw": "asyncwatchpoint", "f": "kfunc", "fr": "kretfunc", "fentry": "kfunc", "fexit": "kretfunc",
}

func providerAlias(p string) string {
	if c, ok := providerAliases[p]; ok {
		return c
	}
	return p
}

var (
	posParamRE   = regexp.MustCompile(`\$(#|[0-9]+)`)
	timedShortRE = regexp.MustCompile(`^([0-9]+)([a-z]+)$`)
)

// canonical validates parts for provider and returns the canonical probe
// name and the (possibly normalised) parts.
func canonical(provider string, parts []string) (string, []string, error) {
	join := func(ps []string) string { return strings.Join(append([]string{provider}, ps...), ":") }
	switch provider {
	case "BEGIN", "END":
		if len(parts) != 0 {
			return "", nil, fmt.Errorf("%s probes take no arguments", provider)
		}
		return provider, parts, nil
	case "tracepoint":
		if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
			return "", nil, fmt.Errorf("tracepoint probes need a category and an event: tracepoint:category:event")
		}
	case "rawtracepoint":
		if len(parts) < 1 || len(parts) > 2 || parts[len(parts)-1] == "" {
			return "", nil, fmt.Errorf("rawtracepoint probes need an event name: rawtracepoint:event")
		}
	case "kprobe", "kretprobe", "kfunc", "kretfunc":
		return kprobeName(provider, parts, join)
	case "uprobe", "uretprobe":
		if len(parts) < 1 || len(parts) > 3 || parts[len(parts)-1] == "" {
			return "", nil, fmt.Errorf("%s probes need a binary and a function: %s:path:function", provider, provider)
		}
	case "usdt":
		if len(parts) < 1 || len(parts) > 3 || parts[len(parts)-1] == "" {
			return "", nil, fmt.Errorf("usdt probes need a binary and a probe name: usdt:path[:provider]:name")
		}
	case "interval", "profile":
		return timedName(provider, parts)
	case "software", "hardware":
		return perfEventName(provider, parts, join)
	case "watchpoint", "asyncwatchpoint":
		if len(parts) != 3 {
			return "", nil, fmt.Errorf("%s probes need an address, a length and a mode: %s:addr:len:rwx", provider, provider)
		}
	case "iter":
		if len(parts) < 1 || len(parts) > 2 {
			return "", nil, fmt.Errorf("iter probes need an iterator name: iter:task")
		}
	default:
		return "", nil, fmt.Errorf("unknown probe type %q", provider)
	}
	return join(parts), parts, nil
}

func kprobeName(provider string, parts []string, join func([]string) string) (string, []string, error) {
	if len(parts) < 1 || len(parts) > 2 || parts[len(parts)-1] == "" {
		return "", nil, fmt.Errorf("%s probes need a function name: %s:function", provider, provider)
	}
	fn := parts[len(parts)-1]
	if i := strings.IndexByte(fn, '+'); i >= 0 {
		if provider != "kprobe" {
			return "", nil, fmt.Errorf("%s probes do not take an offset", provider)
		}
		if _, err := strconv.ParseUint(fn[i+1:], 0, 64); err != nil {
			return "", nil, fmt.Errorf("invalid offset %q in %s probe", fn[i+1:], provider)
		}
	}
	return join(parts), parts, nil
}

// timedName accepts "interval:s:1" and the newer "interval:1s".
func timedName(provider string, parts []string) (string, []string, error) {
	if len(parts) == 1 {
		m := timedShortRE.FindStringSubmatch(parts[0])
		if m == nil {
			return "", nil, fmt.Errorf("%s probes need a unit and a count: %s:ms:100", provider, provider)
		}
		parts = []string{m[2], m[1]}
	}
	if len(parts) != 2 {
		return "", nil, fmt.Errorf("%s probes need a unit and a count: %s:ms:100", provider, provider)
	}
	if !contains(timedUnits, parts[0]) {
		return "", nil, fmt.Errorf("invalid unit %q in %s probe: use s, ms, us or hz", parts[0], provider)
	}
	n, err := strconv.ParseUint(parts[1], 10, 64)
	if err != nil || n == 0 {
		return "", nil, fmt.Errorf("%s probe count must be a positive integer, not %q", provider, parts[1])
	}
	return provider + ":" + parts[0] + ":" + parts[1], parts, nil
}

func perfEventName(provider string, parts []string, join func([]string) string) (string, []string, error) {
	events := softwareEvents
	if provider == "hardware" {
		events = hardwareEvents
	}
	if len(parts) < 1 || len(parts) > 2 {
		return "", nil, fmt.Errorf("%s probes need an event name: %s:event[:count]", provider, provider)
	}
	if !contains(events, parts[0]) {
		msg := fmt.Errorf("unknown %s event %q", provider, parts[0])
		return "", nil, msg
	}
	if len(parts) == 2 {
		if n, err := strconv.ParseUint(parts[1], 10, 64); err != nil || n == 0 {
			return "", nil, fmt.Errorf("%s event count must be a positive integer, not %q", provider, parts[1])
		}
	}
	return join(parts), parts, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
