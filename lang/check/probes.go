package check

// This file implements attach point validation and expansion.

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/probekind"
)

// hinter is implemented by resolver errors that carry suggestions.
type hinter interface{ Hints() []string }

// expandProbes validates and expands every attach point of every probe.
// An attach point that matches nothing (a missing probe, a wildcard that
// matches no probe) is judged by the config missing_probes of bpftrace
// 0.26: "error" reports it, "warn" skips it with a warning, "ignore"
// skips it silently. Without the setting gtrace keeps bpftrace 0.17's
// rule, on which 0.17's own test of it and Debian's sslsnoop.bt and
// ssllatency.bt depend (0.26 defaults to "error"): the misses are
// warnings when other attach points of the probe match, errors when none
// do. A program left with nothing to run is an error.
func (ch *checker) expandProbes() {
	mode := ch.missingProbes()
	ch.targets = make([][]*Target, len(ch.file.Probes))
	seen := map[string]bool{}
	for i, p := range ch.file.Probes {
		var misses []*lang.Error
		for _, ap := range p.Attach {
			ts, miss := ch.expandAttach(ap)
			ts = ch.filterTargets(ts)
			ch.onlyOnce(ap, ts, seen)
			ch.targets[i] = append(ch.targets[i], ts...)
			if miss != nil {
				misses = append(misses, miss)
			}
		}
		ch.judgeMisses(p, misses, len(ch.targets[i]) > 0, mode)
	}
	if re := ch.conf.probeFilter(); re != nil && ch.errs.Err() == nil && !ch.anyAttached() {
		ch.errorHint(ch.file.Probes[0], []string{fmt.Sprintf("--probe-filter %q matches no probe of the program but BEGIN and END", re.String())}, "no probes to attach")
	}
	if (mode == "warn" || mode == "ignore") && ch.errs.Err() == nil && len(ch.file.Probes) > 0 && !ch.anyTarget() {
		ch.errorHint(ch.file.Probes[0], []string{"every attach point matched nothing (config missing_probes = " + mode + ")"}, "no probes to attach")
	}
}

// judgeMisses reports the attach points of probe p that matched nothing;
// found says whether others of p matched.
func (ch *checker) judgeMisses(p *lang.Probe, misses []*lang.Error, found bool, mode string) {
	for _, m := range misses {
		switch {
		case mode == "error":
			if found {
				m.Hints = append(m.Hints, `config = { missing_probes = "warn" } skips attach points that match nothing`)
			}
			ch.errs.Add(m)
		case mode == "warn":
			m.Msg += ": skipping"
			ch.warnings.Add(m)
		case mode == "" && found:
			ch.warnings.Add(m)
		case mode == "":
			ch.errs.Add(m)
		}
	}
	if len(misses) > 0 && !found && mode == "warn" {
		ch.warnings.Add(lang.NewError(ch.file, p.Span(), "probe has no valid attach points: it is removed, which may change what the program does"))
	}
}

// missingProbes returns the config missing_probes: error, warn or ignore,
// "" when the script does not set it.
func (ch *checker) missingProbes() string {
	v, _ := ConfigValue(ch.file, "missing_probes")
	return strings.ToLower(v)
}

// filterTargets returns the targets the Config's ProbeFilter keeps.
func (ch *checker) filterTargets(ts []*Target) []*Target {
	re := ch.conf.probeFilter()
	if re == nil {
		return ts
	}
	var out []*Target
	for _, t := range ts {
		if probekind.IsRun(t.Provider) || re.MatchString(t.Name) {
			out = append(out, t)
		}
	}
	return out
}

// anyAttached reports whether some probe has a target gtrace attaches
// (not BEGIN, END, self or bench).
func (ch *checker) anyAttached() bool {
	for _, ts := range ch.targets {
		for _, t := range ts {
			if !probekind.IsRun(t.Provider) {
				return true
			}
		}
	}
	return false
}

// anyTarget reports whether some probe has a target.
func (ch *checker) anyTarget() bool {
	for _, ts := range ch.targets {
		if len(ts) > 0 {
			return true
		}
	}
	return false
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
	kind, ok := probekind.Lookup(provider)
	if !ok {
		ch.errorf(ap, "unknown probe type %q", provider)
		return nil, nil
	}
	name, parts, err := kind.Probe(parts)
	if err != nil {
		ch.errorf(ap, "%s", err)
		return nil, nil
	}
	r := ch.conf.resolver()
	if !kind.Resolve || r == nil {
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
	if err := ch.targetFacts(ap, ts); err != nil {
		return nil, err
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
		return probekind.Canonical(fields[0]), fields[1:], ok
	}
	out := make([]string, len(ap.Parts))
	for i, p := range ap.Parts {
		out[i] = subst(p)
	}
	return ap.Provider, out, ok
}

var posParamRE = regexp.MustCompile(`\$(#|[0-9]+)`)

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
