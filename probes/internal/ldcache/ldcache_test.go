package ldcache

import (
	"encoding/binary"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gtrace/gtrace/internal/testenv"
)

// build writes a new-format cache of the given name/path pairs.
func build(pairs ...string) []byte {
	le := binary.LittleEndian
	n := len(pairs) / 2
	hdr := []byte(newMagic)
	hdr = le.AppendUint32(hdr, uint32(n))
	strOff := newHdrSize + n*newEntSize
	var strs []byte
	var ents []byte
	for i := 0; i < n; i++ {
		ents = le.AppendUint32(ents, 0x303)
		ents = le.AppendUint32(ents, uint32(strOff+len(strs)))
		strs = append(strs, pairs[2*i]+"\x00"...)
		ents = le.AppendUint32(ents, uint32(strOff+len(strs)))
		strs = append(strs, pairs[2*i+1]+"\x00"...)
		ents = append(ents, make([]byte, 12)...)
	}
	hdr = le.AppendUint32(hdr, uint32(len(strs)))
	hdr = append(hdr, make([]byte, newHdrSize-len(hdr))...)
	return append(append(hdr, ents...), strs...)
}

func TestParse(t *testing.T) {
	t.Parallel()
	data := build("libz.so.1", "/lib/libz.so.1", "libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6")
	got, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{{"libz.so.1", "/lib/libz.so.1", 0x303}, {"libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6", 0x303}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	for _, bad := range [][]byte{nil, []byte("garbage"), data[:50], []byte(oldMagic + "\x00\xff\xff\xff\x7f")} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q): got no error", bad)
		}
	}
}

// TestParseSystem reads this machine's cache, when it has one.
func TestParseSystem(t *testing.T) {
	data, err := os.ReadFile("/etc/ld.so.cache")
	if err != nil {
		testenv.Missing(t, "no /etc/ld.so.cache on this machine: %v", err)
	}
	got, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range got {
		if e.Name == "libc.so.6" {
			return
		}
	}
	t.Errorf("libc.so.6 not in /etc/ld.so.cache (%d entries)", len(got))
}

// FuzzParse checks that no input makes Parse panic and that every entry it
// returns has a name and a path.
func FuzzParse(f *testing.F) {
	f.Add(build("libc.so.6", "/lib/libc.so.6"))
	f.Add([]byte(oldMagic + "\x00\x01\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := Parse(data)
		if err != nil {
			return
		}
		for _, e := range entries {
			if e.Name == "" || e.Path == "" {
				t.Errorf("entry %+v without a name or path", e)
			}
		}
	})
}
