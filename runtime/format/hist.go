// This file implements the rendering of hist() and lhist() values.

package format

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gtrace/gtrace/lang/types"
)

// barWidth is the width of the @ bar of a histogram row.
const barWidth = 52

// histRow is one bucket to print: its text label, JSON bounds and count.
type histRow struct {
	label    string
	min, max string // JSON bounds; "" leaves the key out
	count    uint64
}

// histRows returns the buckets of a reduced hist or lhist value from the
// first to the last non-zero one, and the largest count (for the bars).
func histRows(t *types.Type, b []byte) ([]histRow, uint64) {
	s := slots(t, b)
	first, last := -1, -1
	var top uint64
	for i, v := range s {
		if v > 0 {
			if first < 0 {
				first = i
			}
			last = i
		}
		top = max(top, v)
	}
	if first < 0 {
		return nil, 0
	}
	rows := make([]histRow, 0, last-first+1)
	for i := first; i <= last; i++ {
		var r histRow
		if t.Kind == types.Lhist {
			r = lhistBucket(t.Lin, i, len(s))
		} else if t.HistBits > 0 {
			r = histBucketBits(i, t.HistBits)
		} else {
			r = histBucket(i)
		}
		r.count = s[i]
		rows = append(rows, r)
	}
	return rows, top
}

func histBucket(i int) histRow {
	switch i {
	case 0:
		return histRow{label: "(..., 0)", max: "-1"}
	case 1:
		return histRow{label: "[0]", min: "0", max: "0"}
	case 2:
		return histRow{label: "[1]", min: "1", max: "1"}
	}
	lo, hi := uint64(1)<<(i-2), uint64(1)<<(i-1)
	if i-2 == 31 {
		// bpftrace 0.17 computes the JSON bounds in 32-bit ints: the
		// [2G, 4G) bucket prints as min -2147483648, max 0.
		return histRow{label: "[2G, 4G)", min: "-2147483648", max: "0"}
	}
	return histRow{
		label: "[" + powerLabel(i-2) + ", " + powerLabel(i-1) + ")",
		min:   strconv.FormatUint(lo, 10),
		max:   strconv.FormatUint(hi-1, 10),
	}
}

// histBucketBits is bucket i of hist(v, k), k > 0: slot i counts the
// values from the bound of slot i-1 up to its own (see histBound); a
// bucket of one value prints as "[v]".
func histBucketBits(i, k int) histRow {
	if i == 0 {
		return histRow{label: "(..., 0)", max: "-1"}
	}
	loText, lo := histBound(i-1, k)
	hiText, hi := histBound(i, k)
	r := histRow{min: strconv.FormatUint(lo, 10), max: strconv.FormatUint(hi-1, 10)}
	if hi == lo+1 && i <= 2<<k {
		r.label = "[" + loText + "]"
	} else {
		r.label = "[" + loText + ", " + hiText + ")"
	}
	return r
}

// histBound is the end (exclusive) of slot i of hist(v, k), as bpftrace
// labels it: i itself in the one-value slots, else (N + i%N) * 2^(i/N-1),
// printed with the K, M, G... suffix of its power of 2^10.
func histBound(i, k int) (string, uint64) {
	if i <= 2<<k {
		return strconv.Itoa(i), uint64(i)
	}
	n := 1 << k
	power := i>>k - 1
	mult := uint64(n + i&(n-1))
	decade := power / 10
	text := strconv.FormatUint(mult<<(power-10*decade), 10)
	if decade > 0 {
		text += string("KMGTPE"[decade-1])
	}
	return text, mult << power
}

// powerLabel prints 2^p with a K, M, G or T suffix: 512, 1K, 2M.
func powerLabel(p int) string {
	for _, u := range []struct {
		shift  int
		suffix string
	}{{40, "T"}, {30, "G"}, {20, "M"}, {10, "K"}} {
		if p >= u.shift {
			return strconv.FormatUint(uint64(1)<<(p-u.shift), 10) + u.suffix
		}
	}
	return strconv.FormatUint(uint64(1)<<p, 10)
}

func lhistBucket(lin *types.LinSpec, i, n int) histRow {
	if lin == nil {
		lin = &types.LinSpec{Step: 1}
	}
	switch {
	case i == 0:
		return histRow{label: "(..., " + linLabel(lin.Min) + ")", max: strconv.FormatInt(lin.Min-1, 10)}
	case i == n-1:
		return histRow{label: "[" + linLabel(lin.Max) + ", ...)", min: strconv.FormatInt(lin.Max, 10)}
	}
	lo := lin.Min + int64(i-1)*lin.Step
	hi := lo + lin.Step
	return histRow{
		label: "[" + linLabel(lo) + ", " + linLabel(hi) + ")",
		min:   strconv.FormatInt(lo, 10),
		max:   strconv.FormatInt(hi-1, 10),
	}
}

// linLabel prints an lhist bound, with M or K only for exact multiples.
func linLabel(v int64) string {
	switch {
	case v == 0:
		return "0"
	case v%(1<<20) == 0:
		return strconv.FormatInt(v/(1<<20), 10) + "M"
	case v%(1<<10) == 0:
		return strconv.FormatInt(v/(1<<10), 10) + "K"
	}
	return strconv.FormatInt(v, 10)
}

// histText renders the rows of a hist or lhist, each ending in a newline:
// the label left-aligned in 16 columns, the count right-aligned in 8, then
// the bar. hist counts are divided by div; lhist ignores div, as bpftrace
// does. An all-zero histogram renders as "".
func histText(t *types.Type, b []byte, div int64) string {
	rows, top := histRows(t, b)
	if div <= 0 || t.Kind == types.Lhist {
		div = 1
	}
	var sb strings.Builder
	for _, r := range rows {
		// bpftrace computes the bar in float: count/(float)max*52.
		w := int(float32(r.count) / float32(top) * barWidth)
		fmt.Fprintf(&sb, "%-16s%8d |%-*s|\n", r.label, r.count/uint64(div), barWidth, strings.Repeat("@", w))
	}
	return sb.String()
}

// histJSON renders a hist or lhist as bpftrace's JSON bucket list:
// [{"min": 0, "max": 0, "count": 1}, ...]; the underflow bucket has no
// "min", the overflow bucket of an lhist no "max".
func histJSON(t *types.Type, b []byte, div int64) string {
	rows, _ := histRows(t, b)
	if div <= 0 || t.Kind == types.Lhist {
		div = 1
	}
	parts := make([]string, len(rows))
	for i, r := range rows {
		var sb strings.Builder
		sb.WriteByte('{')
		if r.min != "" {
			sb.WriteString(`"min": ` + r.min + ", ")
		}
		if r.max != "" {
			sb.WriteString(`"max": ` + r.max + ", ")
		}
		sb.WriteString(`"count": ` + strconv.FormatUint(r.count/uint64(div), 10) + "}")
		parts[i] = sb.String()
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
