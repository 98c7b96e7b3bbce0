package format

import (
	"encoding/binary"
	"testing"

	"github.com/gtrace/gtrace/lang/types"
)

// TestHistBucketBits checks the buckets of hist(v, k) against the bounds
// bpftrace 0.26 prints for them.
func TestHistBucketBits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		i, k   int
		label  string
		lo, hi string
	}{
		{0, 3, "(..., 0)", "", "-1"},
		{1, 3, "[0]", "0", "0"},
		{16, 3, "[15]", "15", "15"},
		{17, 3, "[16, 18)", "16", "17"},
		{24, 3, "[30, 32)", "30", "31"},
		{25, 3, "[32, 36)", "32", "35"},
		{5, 1, "[4, 6)", "4", "5"},
		{352, 5, "[32256, 32K)", "32256", "32767"},
		{353, 5, "[32K, 33K)", "32768", "33791"},
	} {
		r := histBucketBits(tc.i, tc.k)
		if r.label != tc.label || r.min != tc.lo || r.max != tc.hi {
			t.Errorf("bucket %d of hist(v, %d): got %q [%s, %s], want %q [%s, %s]", tc.i, tc.k, r.label, r.min, r.max, tc.label, tc.lo, tc.hi)
		}
	}
}

// TestHistBitsText renders a hist(v, 2) value: the rows from the first to
// the last non-empty bucket.
func TestHistBitsText(t *testing.T) {
	t.Parallel()
	ty := &types.Type{Kind: types.Hist, HistBits: 2, Size: types.HistSlots(2) * 8}
	b := make([]byte, AggSize(ty))
	for slot, n := range map[int]uint64{3: 2, 9: 4, 10: 1} {
		binary.LittleEndian.PutUint64(b[slot*8:], n)
	}
	got := histText(ty, b, 1)
	want := "[2]                    2 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n" +
		"[3]                    0 |                                                    |\n" +
		"[4]                    0 |                                                    |\n" +
		"[5]                    0 |                                                    |\n" +
		"[6]                    0 |                                                    |\n" +
		"[7]                    0 |                                                    |\n" +
		"[8, 10)                4 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" +
		"[10, 12)               1 |@@@@@@@@@@@@@                                       |\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
