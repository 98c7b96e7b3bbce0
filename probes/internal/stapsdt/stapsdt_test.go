package stapsdt

import (
	"encoding/binary"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// note builds one ELF note: header, name padded to 4, desc padded to 4.
func note(order binary.AppendByteOrder, name string, typ uint32, desc []byte) []byte {
	b := order.AppendUint32(nil, uint32(len(name)))
	b = order.AppendUint32(b, uint32(len(desc)))
	b = order.AppendUint32(b, typ)
	b = append(b, name...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	b = append(b, desc...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// desc builds a stapsdt descriptor.
func desc(order binary.AppendByteOrder, size int, pc, base, sem uint64, strs string) []byte {
	var b []byte
	for _, a := range []uint64{pc, base, sem} {
		if size == 8 {
			b = order.AppendUint64(b, a)
		} else {
			b = order.AppendUint32(b, uint32(a))
		}
	}
	return append(b, strs...)
}

func TestParse(t *testing.T) {
	t.Parallel()
	le, be := binary.LittleEndian, binary.BigEndian
	entry := note(le, "stapsdt\x00", 3, desc(le, 8, 0x401000, 0x402000, 0x404010, "python\x00function__entry\x008@%r14 8@%r15 -4@%eax\x00"))
	noArgs := note(le, "stapsdt\x00", 3, desc(le, 8, 0x1, 0x2, 0, "p\x00n\x00\x00"))
	tests := []struct {
		name  string
		data  []byte
		order binary.ByteOrder
		size  int
		want  []Probe
	}{
		{"one", entry, le, 8, []Probe{{"python", "function__entry", 0x401000, 0x402000, 0x404010, "8@%r14 8@%r15 -4@%eax"}}},
		{"two", append(append([]byte{}, entry...), noArgs...), le, 8, []Probe{
			{"python", "function__entry", 0x401000, 0x402000, 0x404010, "8@%r14 8@%r15 -4@%eax"},
			{"p", "n", 1, 2, 0, ""},
		}},
		{"other notes skipped", append(note(le, "GNU\x00", 3, []byte{1, 2, 3}), note(le, "stapsdt\x00", 1, nil)...), le, 8, nil},
		{"32-bit big-endian", note(be, "stapsdt\x00", 3, desc(be, 4, 0x10, 0x20, 0x30, "a\x00b\x00c\x00")), be, 4, []Probe{{"a", "b", 0x10, 0x20, 0x30, "c"}}},
		{"empty", nil, le, 8, nil},
	}
	for _, tt := range tests {
		got, err := Parse(tt.data, tt.order, tt.size)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	le := binary.LittleEndian
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"short header", []byte{1, 2, 3}, "truncated note header at offset 0"},
		{"short note", note(le, "stapsdt\x00", 3, desc(le, 8, 1, 2, 3, "a\x00b\x00"))[:30], "truncated note at offset 0"},
		{"short desc", note(le, "stapsdt\x00", 3, []byte{1, 2}), "note at offset 0: descriptor of 2 bytes is too short"},
		{"no name", note(le, "stapsdt\x00", 3, desc(le, 8, 1, 2, 3, "a\x00")), "note at offset 0: descriptor lacks a provider and a name"},
		{"empty name", note(le, "stapsdt\x00", 3, desc(le, 8, 1, 2, 3, "a\x00\x00")), "note at offset 0: empty provider or probe name"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.data, le, 8)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: got error %v, want %q", tt.name, err, tt.want)
		}
	}
}

// FuzzParse checks that no input makes Parse panic, and that every probe
// it returns has a provider and a name.
func FuzzParse(f *testing.F) {
	le := binary.LittleEndian
	f.Add(note(le, "stapsdt\x00", 3, desc(le, 8, 1, 2, 3, "p\x00n\x00-4@%eax\x00")), true)
	f.Add(note(le, "stapsdt\x00", 3, desc(le, 4, 1, 2, 3, "p\x00n\x00")), false)
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 3, 0, 0, 0}, true)
	f.Fuzz(func(t *testing.T, data []byte, is64 bool) {
		size := 4
		if is64 {
			size = 8
		}
		probes, err := Parse(data, le, size)
		if err != nil {
			return
		}
		for _, p := range probes {
			if p.Provider == "" || p.Name == "" {
				t.Errorf("probe %+v without a provider or name", p)
			}
		}
	})
}
