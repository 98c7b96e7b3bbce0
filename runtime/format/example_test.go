package format_test

import (
	"encoding/binary"
	"fmt"
	"os"
	"strings"

	"github.com/gtrace/gtrace/lang/types"
	"github.com/gtrace/gtrace/runtime/format"
)

// words lays out little-endian u64s, as the kernel's maps hold them.
func words(vs ...uint64) []byte {
	b := make([]byte, 8*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint64(b[i*8:], v)
	}
	return b
}

// A hist() value is 65 u64 slots: slot 0 counts negatives, slot 1 zeros,
// slot i >= 2 the values in [2^(i-2), 2^(i-1)). Only the rows from the first
// to the last non-zero bucket print; a blank line ends the map.
func ExamplePrintMap_hist() {
	slots := make([]uint64, format.HistSlots)
	slots[1] = 1  // hist(0)
	slots[4] = 3  // hist(5), three times
	slots[12] = 2 // hist(1500), twice
	m := &format.Map{
		Name:    "@h",
		Value:   &types.Type{Kind: types.Hist},
		Entries: []format.Entry{{Values: [][]byte{words(slots...)}}},
	}
	// The header line ends in a space, which an Output comment cannot show:
	// it is printed quoted here.
	header, rows, _ := strings.Cut(format.MapString(nil, m, 0, 0), "\n")
	fmt.Printf("%q\n%s", header, rows)
	// Output:
	// "@h: "
	// [0]                    1 |@@@@@@@@@@@@@@@@@                                   |
	// [1]                    0 |                                                    |
	// [2, 4)                 0 |                                                    |
	// [4, 8)                 3 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
	// [8, 16)                0 |                                                    |
	// [16, 32)               0 |                                                    |
	// [32, 64)               0 |                                                    |
	// [64, 128)              0 |                                                    |
	// [128, 256)             0 |                                                    |
	// [256, 512)             0 |                                                    |
	// [512, 1K)              0 |                                                    |
	// [1K, 2K)               2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@                  |
	//
}

// A per-CPU count() map keyed by string: the CPUs' values are added, and
// the entries sort by value, ascending.
func ExamplePrintMap_count() {
	key := func(s string) []byte { b := make([]byte, 16); copy(b, s); return b }
	m := &format.Map{
		Name:   "@syscalls",
		Key:    types.NewString(16),
		Value:  &types.Type{Kind: types.Count},
		PerCPU: true,
		Entries: []format.Entry{
			{Key: key("read"), Values: [][]byte{words(40), words(2)}},
			{Key: key("openat"), Values: [][]byte{words(3), words(0)}},
			{Key: key("write"), Values: [][]byte{words(5), words(7)}},
		},
	}
	format.PrintMap(os.Stdout, nil, m, 0, 0)
	m.Entries = m.Entries[:2]
	format.PrintMap(os.Stdout, &format.Env{JSON: true}, m, 0, 0)
	// Output:
	// @syscalls[openat]: 3
	// @syscalls[write]: 12
	// @syscalls[read]: 42
	// {"type": "map", "data": {"@syscalls": {"openat": 3, "read": 42}}}
}

func ExamplePrintf() {
	args := []*types.Type{types.NewString(8), types.Int64, types.Uint32}
	rec := append([]byte("ab\x00\x00\x00\x00\x00\x00"), words(42, 0xffffffff)...)
	s, _ := format.Printf(nil, "%-10s|%5d|%x|%d\n", append(args, types.Uint32), append(rec[:16], words(0xffffffff<<32|0xffffffff)...))
	fmt.Print(s)
	// Output:
	// ab        |   42|ffffffff|-1
}
