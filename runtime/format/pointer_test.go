package format

import (
	"encoding/binary"
	"testing"

	"github.com/gtrace/gtrace/lang/types"
)

// TestPointerMaps checks bpftrace 0.17's spelling of pointers in maps:
// values and tuple elements as plain numbers, keys in hex.
func TestPointerMaps(t *testing.T) {
	t.Parallel()
	ptr := types.NewPointer(types.Int8, false)
	le := func(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
	tup := types.NewTuple(ptr, types.Int64)
	for _, tc := range []struct {
		name string
		m    *Map
		json bool
		want string
	}{
		{"value", &Map{Name: "@", Value: ptr, Entries: []Entry{{Key: le(0), Values: [][]byte{le(33)}}}}, false, "@: 33\n"},
		{"json value", &Map{Name: "@", Value: ptr, Entries: []Entry{{Key: le(0), Values: [][]byte{le(34)}}}}, true, `{"type": "map", "data": {"@": 34}}` + "\n"},
		{"key", &Map{Name: "@k", Key: ptr, Value: types.Int64, Entries: []Entry{{Key: le(7), Values: [][]byte{le(1)}}}}, false, "@k[0x7]: 1\n"},
		{"tuple", &Map{Name: "@t", Value: tup, Entries: []Entry{{Key: le(0), Values: [][]byte{append(le(5), le(1)...)}}}}, false, "@t: (5, 1)\n"},
	} {
		got := MapString(&Env{JSON: tc.json}, tc.m, 0, 0)
		if got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
