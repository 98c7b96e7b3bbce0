package runtime

import (
	"bufio"
	"encoding/binary"
	"io"
	"testing"

	"github.com/gtrace/gtrace/codegen"
	"github.com/gtrace/gtrace/lang/types"
	"github.com/gtrace/gtrace/runtime/format"
)

// BenchmarkRecord measures the user-space cost of one printf record: id
// lookup, decoding and formatting (no kernel involved).
func BenchmarkRecord(b *testing.B) {
	evs := []*codegen.Event{{
		Kind: codegen.EvPrintf, Format: "%s read %d bytes\n",
		Args: []*types.Type{types.NewString(16), types.Int64},
	}}
	s := &Session{
		prog:     &codegen.Program{Events: evs},
		printers: newPrinters(evs),
		out:      bufio.NewWriter(io.Discard),
		env:      &envState{env: format.Env{}},
	}
	rec := make([]byte, 8+24)
	copy(rec[8:], "gtrace")
	binary.NativeEndian.PutUint64(rec[24:], 4096)
	r := &reader{s: s}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.record(rec); err != nil {
			b.Fatal(err)
		}
	}
}
