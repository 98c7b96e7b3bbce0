package types

import (
	"reflect"
	"testing"
)

// TestTupleLayout checks the C layout of tuples, which codegen writes into
// event records and map keys and the runtime reads back: each element at
// its alignment, the size rounded up to the largest alignment.
func TestTupleLayout(t *testing.T) {
	ksym := &Type{Kind: Ksym, Size: 8}
	usym := &Type{Kind: Usym, Size: 16}
	for _, tc := range []struct {
		name  string
		elems []*Type
		offs  []int
		size  int
		align int
	}{
		{"empty", nil, []int{}, 0, 1},
		{"u8 u64", []*Type{Uint8, Uint64}, []int{0, 8}, 16, 8},
		{"u64 u8", []*Type{Uint64, Uint8}, []int{0, 8}, 16, 8},
		{"u8 u16 u32", []*Type{Uint8, Int16, Uint32}, []int{0, 2, 4}, 8, 4},
		{"u8 u8 u8", []*Type{Uint8, Int8, Uint8}, []int{0, 1, 2}, 3, 1},
		{"string u32", []*Type{NewString(5), Uint32}, []int{0, 8}, 12, 4},
		{"u32 string", []*Type{Uint32, NewString(16)}, []int{0, 4}, 20, 4},
		{"pointer", []*Type{Uint8, NewPointer(Uint8, false)}, []int{0, 8}, 16, 8},
		{"ksym usym", []*Type{Uint8, ksym, usym}, []int{0, 8, 16}, 32, 8},
		{"nested", []*Type{Uint16, NewTuple(Uint8, Uint32)}, []int{0, 4}, 12, 4},
		{"array", []*Type{Uint8, {Kind: Array, Elem: Uint32, Len: 3, Size: 12}}, []int{0, 4}, 16, 4},
	} {
		tup := NewTuple(tc.elems...)
		if got := tup.Offsets(); !reflect.DeepEqual(got, tc.offs) {
			t.Errorf("%s: offsets %v, want %v", tc.name, got, tc.offs)
		}
		if tup.Size != tc.size || tup.Align() != tc.align {
			t.Errorf("%s: size %d align %d, want %d %d", tc.name, tup.Size, tup.Align(), tc.size, tc.align)
		}
	}
}

func TestNewInt(t *testing.T) {
	for _, size := range []int{1, 2, 4, 8} {
		for _, signed := range []bool{false, true} {
			it := NewInt(size, signed)
			if it.Kind != Int || it.Size != size || it.Signed != signed || it.Align() != size {
				t.Errorf("NewInt(%d, %v) = %+v", size, signed, it)
			}
		}
	}
}

func TestString(t *testing.T) {
	for _, tc := range []struct {
		t    *Type
		want string
	}{
		{Int64, "int64"},
		{Uint8, "uint8"},
		{NewString(64), "string[64]"},
		{NewTuple(Int64, NewString(16)), "(int64,string[16])"},
		{NewPointer(&Type{Kind: Struct, Name: "task_struct"}, false), "struct task_struct *"},
		{&Type{Kind: Struct, Name: "u", Union: true}, "union u"},
		{&Type{Kind: Array, Elem: Int8, Len: 16, Size: 16}, "int8[16]"},
		{&Type{Kind: Lhist, Lin: &LinSpec{Min: 0, Max: 100, Step: 10}}, "lhist(0,100,10)"},
		{nil, "<nil>"},
	} {
		if got := tc.t.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}

func TestEqual(t *testing.T) {
	e := &Enum{Name: "e"}
	for _, tc := range []struct {
		a, b *Type
		want bool
	}{
		{Int32, NewInt(4, true), true},
		{Int32, Uint32, false},
		{NewString(8), NewString(8), true},
		{NewString(8), NewString(16), false},
		{NewTuple(Int8, Uint64), NewTuple(Int8, Uint64), true},
		{NewTuple(Int8, Uint64), NewTuple(Int8, Int64), false},
		{NewTuple(Int8), NewTuple(Int8, Int8), false},
		{NewPointer(Int8, true), NewPointer(Int8, false), true},
		{NewPointer(Int8, false), NewPointer(Uint8, false), false},
		{WithEnum(Uint32, e), Uint32, true},
		{nil, Int8, false},
	} {
		if got := Equal(tc.a, tc.b); got != tc.want {
			t.Errorf("Equal(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestFieldByName(t *testing.T) {
	s := &Type{Kind: Struct, Name: "s", Fields: []*Field{{Name: "a", Type: Int32}, {Name: "b", Offset: 8, Type: Uint64}}}
	if f := s.FieldByName("b"); f == nil || f.Offset != 8 {
		t.Errorf("FieldByName(b) = %+v", f)
	}
	if f := s.FieldByName("c"); f != nil {
		t.Errorf("FieldByName(c) = %+v, want nil", f)
	}
	if s.Align() != 8 {
		t.Errorf("struct align %d, want 8", s.Align())
	}
}

func TestCInt(t *testing.T) {
	for name, want := range map[string]*Type{
		"char": Int8, "unsigned char": Uint8, "short": Int16, "unsigned int": Uint32,
		"long": Int64, "unsigned long long": Uint64, "u32": Uint32, "__s16": Int16,
		"pid_t": Int32, "size_t": Uint64, "bool": Uint8,
	} {
		if got, ok := CInt(name); !ok || got != want {
			t.Errorf("CInt(%q) = %v, %v; want %v", name, got, ok, want)
		}
	}
	if _, ok := CInt("struct x"); ok {
		t.Errorf("CInt(struct x) found")
	}
	names := CIntNames()
	for i := 1; i < len(names); i++ {
		if names[i-1] >= names[i] {
			t.Fatalf("CIntNames not sorted at %q", names[i])
		}
	}
}
