package format

import (
	"testing"

	"github.com/gtrace/gtrace/lang/types"
)

// TestStructKey: a struct in a map key prints compact, as bpftrace 0.17
// prints @s[{.m=2,.n=3}]; nested structs too.
func TestStructKey(t *testing.T) {
	t.Parallel()
	inner := &types.Type{Kind: types.Struct, Size: 8, Fields: []*types.Field{
		{Name: "m", Type: types.Int32}, {Name: "n", Offset: 4, Type: types.Int32}}}
	outer := &types.Type{Kind: types.Struct, Size: 16, Fields: []*types.Field{
		{Name: "s", Type: inner}, {Name: "x", Offset: 8, Type: types.Int64}}}
	for _, tc := range []struct {
		name string
		key  *types.Type
		b    []byte
		want string
	}{
		{"struct", inner, le64(uint64(3)<<32 | 2), "[{.m=2,.n=3}]"},
		{"nested", outer, le64(uint64(3)<<32|2, uint64(1<<64-1)), "[{.s={.m=2,.n=3},.x=-1}]"},
	} {
		if got := KeyText(nil, tc.key, tc.b); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
