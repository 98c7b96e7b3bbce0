// This file reads numbers out of reduced map values (layouts in
// codegen/doc.go).

package export

import (
	"encoding/binary"

	"github.com/gtrace/gtrace/lang/types"
	"github.com/gtrace/gtrace/runtime/format"
)

// reduced returns the value of entry e of m with its per-CPU values folded.
func reduced(m *format.Map, e format.Entry) []byte {
	if m.PerCPU || m.Value.Kind.IsAgg() {
		return format.Reduce(m.Value, e.Values)
	}
	if len(e.Values) == 0 {
		return pad(nil, m.Value.Size)
	}
	return pad(e.Values[0], m.Value.Size)
}

func word(b []byte, i int) uint64 { return binary.LittleEndian.Uint64(pad(b, (i+1)*8)[i*8:]) }

// scalar returns the number a count, sum, min, max or integer value holds;
// ok is false for an unset min or max and for values that are not numbers.
func scalar(t *types.Type, b []byte) (v float64, ok bool) {
	switch t.Kind {
	case types.Count:
		return float64(word(b, 0)), true
	case types.Sum:
		if t.Signed {
			return float64(int64(word(b, 0))), true
		}
		return float64(word(b, 0)), true
	case types.Min, types.Max:
		return float64(int64(word(b, 0))), word(b, 1) != 0
	case types.Int:
		return intValue(t, b), true
	}
	return 0, false
}

// intValue reads an integer of t's size and sign.
func intValue(t *types.Type, b []byte) float64 {
	b = pad(b, t.Size)
	switch t.Size {
	case 1:
		if t.Signed {
			return float64(int8(b[0]))
		}
		return float64(b[0])
	case 2:
		if t.Signed {
			return float64(int16(binary.LittleEndian.Uint16(b)))
		}
		return float64(binary.LittleEndian.Uint16(b))
	case 4:
		if t.Signed {
			return float64(int32(binary.LittleEndian.Uint32(b)))
		}
		return float64(binary.LittleEndian.Uint32(b))
	}
	if t.Signed {
		return float64(int64(binary.LittleEndian.Uint64(b)))
	}
	return float64(binary.LittleEndian.Uint64(b))
}

// avgParts returns the count and total of an avg or stats value.
func avgParts(b []byte) (count uint64, total int64) {
	return word(b, 0), int64(word(b, 1))
}

// sampleValue is the number a stack's entry contributes to a profile or a
// folded line: the value of count, sum, min, max and integers, the number
// of values counted by hist, lhist, avg and stats.
func sampleValue(t *types.Type, b []byte) (int64, bool) {
	switch t.Kind {
	case types.Avg, types.Stats:
		n, _ := avgParts(b)
		return int64(n), true
	case types.Hist, types.Lhist:
		counts, _ := format.HistCounts(t, b)
		var n uint64
		for _, c := range counts {
			n += c
		}
		return int64(n), true
	}
	v, ok := scalar(t, b)
	return int64(v), ok
}

// sampleUnit names what sampleValue counts, for a profile's sample type.
func sampleUnit(t *types.Type) string {
	switch t.Kind {
	case types.Count, types.Avg, types.Stats, types.Hist, types.Lhist:
		return "count"
	case types.Int:
		return "value"
	}
	return t.Kind.String()
}
