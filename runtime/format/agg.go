// This file implements per-CPU reduction and the values of aggregations.

package format

import (
	"encoding/binary"
	"strconv"

	"github.com/gtrace/gtrace/lang/types"
)

// HistSlots is the number of hist() buckets (see codegen/doc.go).
const HistSlots = 65

// AggSize returns the size in bytes of one CPU's value of t: t.Size for
// plain values, the layout of codegen/doc.go for aggregations.
func AggSize(t *types.Type) int {
	switch t.Kind {
	case types.Count, types.Sum:
		return 8
	case types.Min, types.Max, types.Avg, types.Stats:
		return 16
	case types.Hist:
		return (types.HistSlots(t.HistBits) + 1) * 8
	case types.Lhist:
		return (lhistSlots(t) + 1) * 8
	case types.TSeries:
		return t.TS.Intervals * types.TSSlotSize
	}
	return t.Size
}

// HistCounts returns the bucket counts of a reduced hist or lhist value
// (see codegen/doc.go for what each slot holds) and the sum of the values
// counted, which follows the buckets.
func HistCounts(t *types.Type, b []byte) (counts []uint64, sum int64) {
	counts = slots(t, b)
	b = pad(b, AggSize(t))
	return counts, int64(u64(b[len(counts)*8:]))
}

// HistBound returns the largest value bucket i of a hist or lhist of n
// buckets holds, and false for the last bucket of an lhist (v >= max),
// which has no bound.
func HistBound(t *types.Type, i, n int) (int64, bool) {
	if t.Kind == types.Lhist {
		lin := t.Lin
		if lin == nil {
			lin = &types.LinSpec{Step: 1}
		}
		if i == n-1 {
			return 0, false
		}
		return lin.Min + int64(i)*lin.Step - 1, true
	}
	if k := t.HistBits; k > 0 {
		if i == 0 {
			return -1, true
		}
		if i > 2<<k && i>>k-1+k+1 > 63 { // the bound needs more than 63 bits
			return 1<<63 - 1, true
		}
		_, end := histBound(i, k)
		return int64(end - 1), true
	}
	switch {
	case i == 0:
		return -1, true
	case i == 1:
		return 0, true
	case i >= 64:
		return 1<<63 - 1, true
	}
	return int64(1)<<(i-1) - 1, true
}

// lhistSlots is (max-min)/step + 2: the in-range buckets plus the two
// overflow buckets.
func lhistSlots(t *types.Type) int {
	if t.Lin == nil || t.Lin.Step <= 0 || t.Lin.Max < t.Lin.Min {
		return 2
	}
	n := (t.Lin.Max - t.Lin.Min) / t.Lin.Step
	if n > 100000 {
		n = 100000
	}
	return int(n) + 2
}

// Reduce folds per-CPU values of t into one value in the same layout:
// count and sum add; min and max keep the extreme of the CPUs whose set flag
// is on; avg and stats add count and total; hist and lhist add each slot.
// For other types it returns the first value.
func Reduce(t *types.Type, vals [][]byte) []byte {
	return reduceInto(make([]byte, AggSize(t)), t, vals)
}

// reduceInto reduces vals into out, AggSize(t) zero bytes, and returns it.
func reduceInto(out []byte, t *types.Type, vals [][]byte) []byte {
	size := len(out)
	if len(vals) == 0 {
		return out
	}
	switch t.Kind {
	case types.Count, types.Sum, types.Avg, types.Stats, types.Hist, types.Lhist:
		for _, v := range vals {
			addWords(out, pad(v, size))
		}
	case types.Min, types.Max:
		reduceMinMax(out, t.Kind == types.Min, vals)
	case types.TSeries:
		reduceTSeries(t, vals, out)
	default:
		copy(out, vals[0])
	}
	return out
}

func addWords(dst, src []byte) {
	for i := 0; i+8 <= len(dst); i += 8 {
		s := binary.LittleEndian.Uint64(dst[i:]) + binary.LittleEndian.Uint64(src[i:])
		binary.LittleEndian.PutUint64(dst[i:], s)
	}
}

func reduceMinMax(out []byte, isMin bool, vals [][]byte) {
	set := false
	var best int64
	for _, v := range vals {
		v = pad(v, 16)
		if u64(v[8:]) == 0 {
			continue
		}
		x := int64(u64(v))
		if !set || (isMin && x < best) || (!isMin && x > best) {
			best, set = x, true
		}
	}
	if set {
		binary.LittleEndian.PutUint64(out, uint64(best))
		binary.LittleEndian.PutUint64(out[8:], 1)
	}
}

// slots returns the u64 slots of a reduced hist or lhist value.
func slots(t *types.Type, b []byte) []uint64 {
	n := types.HistSlots(t.HistBits)
	if t.Kind == types.Lhist {
		n = lhistSlots(t)
	}
	b = pad(b, n*8)
	s := make([]uint64, n)
	for i := range s {
		s[i] = binary.LittleEndian.Uint64(b[i*8:])
	}
	return s
}

// avgParts returns the count and total of a reduced avg/stats value.
func avgParts(b []byte) (count, total int64) {
	b = pad(b, 16)
	return int64(u64(b)), int64(u64(b[8:]))
}

// average is total/count, truncated toward zero, 0 when count is 0.
func average(b []byte) int64 {
	count, total := avgParts(b)
	if count == 0 {
		return 0
	}
	return total / count
}

// scalar returns the number a reduced count, sum, min, max or int value
// sorts and prints by, and whether it is signed.
func scalar(t *types.Type, b []byte) (int64, bool) {
	switch t.Kind {
	case types.Count:
		return int64(u64(b)), false
	case types.Sum:
		return int64(u64(b)), t.Signed
	case types.Min, types.Max:
		return int64(u64(b)), true
	case types.Avg, types.Stats:
		return average(b), true
	case types.Int:
		return intVal(t, b), t.Signed
	}
	return 0, false
}

// divide divides v by div as C does for its signedness.
func divide(v int64, signed bool, div int64) string {
	if div == 0 {
		div = 1
	}
	if signed {
		return strconv.FormatInt(v/div, 10)
	}
	return strconv.FormatUint(uint64(v)/uint64(div), 10)
}

// aggText is the text of a reduced scalar aggregation (count, sum, min,
// max, avg) divided by div; stats print "count N, average A, total T".
func aggText(t *types.Type, b []byte, div int64) string {
	if t.Kind == types.Stats {
		count, total := avgParts(b)
		return "count " + strconv.FormatInt(count, 10) + ", average " +
			strconv.FormatInt(average(b), 10) + ", total " + strconv.FormatInt(total, 10)
	}
	if t.Kind == types.Hist || t.Kind == types.Lhist {
		return histText(t, b, div)
	}
	v, signed := scalar(t, b)
	return divide(v, signed, div)
}
