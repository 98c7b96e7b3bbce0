package probekind

// This file reads the parts of attach points: counts, offsets, rates and
// perf event names.

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Probe validates the parts after "k.Name:" and returns the canonical probe
// name and the (possibly normalised) parts: "interval:1s" becomes
// "interval:s:1". Errors are the user's: "tracepoint probes need a
// category and an event: tracepoint:category:event".
func (k *Kind) Probe(parts []string) (string, []string, error) {
	if k.Parts.Max == 0 {
		if len(parts) != 0 {
			return "", nil, fmt.Errorf("%s probes take no arguments", k.Name)
		}
		return k.Name, parts, nil
	}
	switch k.Parts.Form {
	case Rate:
		r, err := k.ParseRate(parts)
		if err != nil {
			return "", nil, err
		}
		return k.Name + ":" + r.String(), []string{r.Unit, strconv.FormatUint(r.N, 10)}, nil
	case Event:
		if err := k.checkEvent(parts); err != nil {
			return "", nil, err
		}
	case Signal:
		if err := k.checkSignal(parts); err != nil {
			return "", nil, err
		}
	default:
		if err := k.checkCount(parts); err != nil {
			return "", nil, err
		}
	}
	if k.Parts.Form == Function {
		if err := k.checkOffset(parts[len(parts)-1]); err != nil {
			return "", nil, err
		}
	}
	return strings.Join(append([]string{k.Name}, parts...), ":"), parts, nil
}

// needErr is the error for attach points with the wrong parts.
func (k *Kind) needErr() error {
	return fmt.Errorf("%s probes need %s: %s", k.Name, k.Parts.Need, k.Parts.Usage)
}

// checkCount checks the number of parts and which are empty.
func (k *Kind) checkCount(parts []string) error {
	if len(parts) < k.Parts.Min || len(parts) > k.Parts.Max {
		return k.needErr()
	}
	switch k.Parts.Blank {
	case BlankNotLast:
		if parts[len(parts)-1] == "" {
			return k.needErr()
		}
	case BlankNone:
		for _, p := range parts {
			if p == "" {
				return k.needErr()
			}
		}
	}
	return nil
}

// checkOffset checks the "+offset" of a function name.
func (k *Kind) checkOffset(fn string) error {
	i := strings.IndexByte(fn, '+')
	if i < 0 {
		return nil
	}
	if !k.Parts.Offset {
		return fmt.Errorf("%s probes do not take an offset", k.Name)
	}
	if _, err := strconv.ParseUint(fn[i+1:], 0, 64); err != nil {
		return fmt.Errorf("invalid offset %q in %s probe", fn[i+1:], k.Name)
	}
	return nil
}

// RateOf is a parsed "UNIT:N" of an interval or profile probe.
type RateOf struct {
	Unit string // s, ms, us, ns or hz
	N    uint64
}

// nsPerUnit gives the length of each time unit.
var nsPerUnit = map[string]uint64{"s": 1e9, "ms": 1e6, "us": 1e3, "ns": 1}

var rateShortRE = regexp.MustCompile(`^([0-9]+)([a-z]+)$`)

// ParseRate parses the parts of an interval or profile probe: ["ms",
// "100"] or the newer single part ["100ms"].
func (k *Kind) ParseRate(parts []string) (RateOf, error) {
	if len(parts) == 1 {
		m := rateShortRE.FindStringSubmatch(parts[0])
		if m == nil {
			return RateOf{}, k.needErr()
		}
		parts = []string{m[2], m[1]}
	}
	if len(parts) != 2 {
		return RateOf{}, k.needErr()
	}
	if _, ok := nsPerUnit[parts[0]]; !ok && parts[0] != "hz" {
		return RateOf{}, fmt.Errorf("invalid unit %q in %s probe: use s, ms, us, ns or hz", parts[0], k.Name)
	}
	n, ok := ParseCount(parts[1])
	if !ok || n == 0 {
		return RateOf{}, fmt.Errorf("%s probe count must be a positive integer, not %q", k.Name, parts[1])
	}
	return RateOf{Unit: parts[0], N: n}, nil
}

// String returns the canonical "UNIT:N".
func (r RateOf) String() string { return r.Unit + ":" + strconv.FormatUint(r.N, 10) }

// Hz reports whether the rate is a frequency rather than a period.
func (r RateOf) Hz() bool { return r.Unit == "hz" }

// Nanos returns the period in nanoseconds; for a frequency, the period of
// one tick (at least 1).
func (r RateOf) Nanos() uint64 {
	if r.Hz() {
		return max(1, 1e9/r.N)
	}
	return r.N * nsPerUnit[r.Unit]
}

// ParseCount reads the count of an attach point: decimal digits, with
// bpftrace's exponent form "1e6" (an integer: 1 followed by 6 zeros).
func ParseCount(s string) (uint64, bool) {
	mant, exp, hasExp := strings.Cut(s, "e")
	n, err := strconv.ParseUint(mant, 10, 64)
	if err != nil {
		return 0, false
	}
	if !hasExp {
		return n, true
	}
	e, err := strconv.ParseUint(exp, 10, 8)
	if err != nil {
		return 0, false
	}
	for ; e > 0; e-- {
		if n > (1<<64-1)/10 {
			return 0, false
		}
		n *= 10
	}
	return n, true
}

// checkSignal checks the parts of a self probe: "signal" and one of
// SelfSignals.
func (k *Kind) checkSignal(parts []string) error {
	if err := k.checkCount(parts); err != nil {
		return err
	}
	if parts[0] != "signal" {
		return fmt.Errorf("unknown %s probe type %q: want signal", k.Name, parts[0])
	}
	if !slices.Contains(SelfSignals, parts[1]) {
		return fmt.Errorf("%s:signal cannot handle %s: use %s", k.Name, parts[1], List(SelfSignals))
	}
	return nil
}
