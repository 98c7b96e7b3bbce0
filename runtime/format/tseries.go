// This file implements tseries() values: reducing the per-CPU rings of
// slots, and printing them as the time-series chart bpftrace 0.26 draws in
// text mode and as a list of intervals in JSON.

package format

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gtrace/gtrace/lang/types"
)

// tsSlot is one interval of a tseries: its number (time / interval), the
// combined value and how many values it combined.
type tsSlot struct {
	epoch uint64
	value int64
	count uint64
}

func tsSlots(t *types.Type, b []byte) []tsSlot {
	n := t.TS.Intervals
	b = pad(b, n*types.TSSlotSize)
	out := make([]tsSlot, n)
	for i := range out {
		s := b[i*types.TSSlotSize:]
		out[i] = tsSlot{epoch: u64(s), value: int64(u64(s[8:])), count: u64(s[16:])}
	}
	return out
}

// reduceTSeries combines the rings of each CPU slot by slot: the newest
// interval wins, and values of the same interval combine by the tseries'
// aggregation ("last" keeps one CPU's).
func reduceTSeries(t *types.Type, vals [][]byte, out []byte) {
	best := make([]tsSlot, t.TS.Intervals)
	for _, v := range vals {
		for i, s := range tsSlots(t, v) {
			b := &best[i]
			switch {
			case s.count == 0 || (b.count > 0 && s.epoch < b.epoch):
			case b.count == 0 || s.epoch > b.epoch:
				*b = s
			default:
				b.value = combineTS(t.TS.Agg, b.value, s.value)
				b.count += s.count
			}
		}
	}
	for i, s := range best {
		o := out[i*types.TSSlotSize:]
		binary.LittleEndian.PutUint64(o, s.epoch)
		binary.LittleEndian.PutUint64(o[8:], uint64(s.value))
		binary.LittleEndian.PutUint64(o[16:], s.count)
	}
}

func combineTS(agg string, a, b int64) int64 {
	switch agg {
	case "sum", "avg":
		return a + b
	case "min":
		return min(a, b)
	case "max":
		return max(a, b)
	}
	return a
}

// tsPoint is one row of a tseries: the interval's start in nanoseconds of
// the wall clock (Unix time), and its value (ok false when no value fell in it).
type tsPoint struct {
	start int64
	value int64
	ok    bool
}

// tsNewest is the newest interval holding a value in a reduced tseries, 0
// when none does.
func tsNewest(t *types.Type, b []byte) uint64 {
	var newest uint64
	for _, s := range tsSlots(t, b) {
		if s.count > 0 {
			newest = max(newest, s.epoch)
		}
	}
	return newest
}

// tsPoints returns the rows of a reduced tseries whose chart ends at
// interval newest (the newest of every key of its map, as bpftrace draws
// them on one time axis): from the oldest interval held among the last
// Intervals ones to newest.
func tsPoints(t *types.Type, b []byte, newest uint64) []tsPoint {
	n := uint64(t.TS.Intervals)
	byEpoch := map[uint64]tsSlot{}
	first := newest
	for _, s := range tsSlots(t, b) {
		if s.count > 0 && s.epoch <= newest && s.epoch+n > newest {
			byEpoch[s.epoch] = s
			first = min(first, s.epoch)
		}
	}
	if len(byEpoch) == 0 {
		return nil
	}
	var out []tsPoint
	for e := first; e <= newest; e++ {
		p := tsPoint{start: int64(e) * t.TS.Interval}
		if s, ok := byEpoch[e]; ok {
			p.value, p.ok = s.value, true
			if t.TS.Agg == "avg" {
				p.value = s.value / int64(s.count)
			}
		}
		out = append(out, p)
	}
	return out
}

// tsUnit is the finest unit a time of the chart shows: the largest of s,
// ms, us and ns that divides the interval, with its digits after the second.
func tsUnit(interval int64) (name string, digits int) {
	switch {
	case interval%1e9 == 0:
		return "", 0
	case interval%1e6 == 0:
		return "ms", 3
	case interval%1e3 == 0:
		return "us", 6
	}
	return "ns", 9
}

// The chart's geometry, as bpftrace 0.26 draws it: a plot 53 columns wide
// whose axis labels put the minimum 21 columns from the left edge.
const (
	tsWidth   = 53
	tsPadding = 21
)

// tseriesText draws a tseries as a chart: one row per interval, its time,
// a '*' placed between the minimum and maximum value, and the value.
func tseriesText(env *Env, t *types.Type, b []byte, newest uint64) string {
	pts := tsPoints(t, b, newest)
	if len(pts) == 0 {
		return "<no data>\n"
	}
	lo, hi := tsRange(pts, t.Signed)
	unit, digits := tsUnit(t.TS.Interval)
	timeFmt := "hh:mm:ss"
	if unit != "" {
		timeFmt += "." + unit
	}
	tw := len("hh:mm:ss")
	if digits > 0 {
		tw += 1 + digits
	}
	var w strings.Builder
	axis := fmt.Sprintf("%-*d%*d\n", tsPadding, lo, tsWidth-tsPadding, hi)
	fmt.Fprintf(&w, "%*s%s", tw+1, "", axis)
	fmt.Fprintf(&w, "%-*s|%s|\n", tw+1, timeFmt, strings.Repeat("_", tsWidth-2))
	zero := -1
	if lo < 0 && hi > 0 {
		zero = int(float32(tsWidth) * float32(-lo) / float32(hi-lo))
	}
	for _, p := range pts {
		line := []byte(strings.Repeat(" ", tsWidth))
		line[0], line[tsWidth-1] = '|', '|'
		if zero > 0 {
			line[zero] = '.'
		}
		w.WriteString(tsTime(env, p.start, digits) + " ")
		if !p.ok {
			w.WriteString(string(line) + " -\n")
			continue
		}
		x := int(float32(tsWidth-1) * float32(p.value-lo) / float32(hi-lo))
		line[max(0, min(tsWidth-1, x))] = '*'
		w.WriteString(string(line) + " " + strconv.FormatInt(p.value, 10) + "\n")
	}
	fmt.Fprintf(&w, "%*s v%sv\n", tw, "", strings.Repeat("_", tsWidth-2))
	fmt.Fprintf(&w, "%*s %s", tw, "", axis)
	return w.String()
}

// tsRange is the value range of the chart, widened by one on each side
// when every value is the same (not below 0 for unsigned values).
func tsRange(pts []tsPoint, signed bool) (lo, hi int64) {
	first := true
	for _, p := range pts {
		if !p.ok {
			continue
		}
		if first || p.value < lo {
			lo = p.value
		}
		if first || p.value > hi {
			hi = p.value
		}
		first = false
	}
	if lo == hi {
		hi++
		if signed || lo != 0 {
			lo--
		}
	}
	return lo, hi
}

// tsTime is a Unix time in nanoseconds as hh:mm:ss with digits more after
// the second, in the local time zone.
func tsTime(env *Env, ns int64, digits int) string {
	at := tsWall(env, ns)
	s := at.Format("15:04:05")
	if digits > 0 {
		frac := fmt.Sprintf("%09d", at.Nanosecond())
		s += "." + frac[:digits]
	}
	return s
}

func tsWall(env *Env, ns int64) time.Time {
	loc := env.Location
	if loc == nil {
		loc = time.Local
	}
	return time.Unix(0, ns).In(loc)
}

// tseriesJSON lists the intervals of a tseries with their start time and
// value (null for an interval without one).
func tseriesJSON(env *Env, t *types.Type, b []byte, newest uint64) string {
	pts := tsPoints(t, b, newest)
	parts := make([]string, len(pts))
	for i, p := range pts {
		at := tsWall(env, p.start)
		v := "null"
		if p.ok {
			v = strconv.FormatInt(p.value, 10)
		}
		parts[i] = fmt.Sprintf(`{"interval_start": "%s.%09d", "value": %s}`, at.Format("2006-01-02 15:04:05"), at.Nanosecond(), v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
