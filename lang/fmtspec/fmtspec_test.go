package fmtspec

import (
	"reflect"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Spec
		n    int
	}{
		{"%d", Spec{Prec: -1, Verb: "d", Text: "%d"}, 2},
		{"%-05.3lld!", Spec{Minus: true, Zero: true, Width: 5, Prec: 3, Bits: 64, Verb: "d", Text: "%-05.3lld"}, 9},
		{"%hhx", Spec{Prec: -1, Bits: 8, Verb: "x", Text: "%hhx"}, 4},
		{"%hu", Spec{Prec: -1, Bits: 16, Verb: "u", Text: "%hu"}, 3},
		{"%rx", Spec{Prec: -1, Verb: "rx", Text: "%rx"}, 3},
		{"%rq", Spec{Prec: -1, Verb: "r", Text: "%r"}, 2},
		{"%99999999d", Spec{Width: MaxWidth, Prec: -1, Verb: "d", Text: "%99999999d"}, 10},
	} {
		got, n := Parse(tc.in)
		if n != tc.n || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Parse(%q) = %+v, %d; want %+v, %d", tc.in, got, n, tc.want, tc.n)
		}
	}
	for _, in := range []string{"%", "%+d", "% d", "%#x", "%f", "%l", "%%"} {
		if _, n := Parse(in); n != 0 {
			t.Errorf("Parse(%q) = %d, want 0 (text)", in, n)
		}
	}
}

func TestConversions(t *testing.T) {
	var verbs []string
	for _, c := range Conversions("a %d %% %+d %5s %f %rh %llu%") {
		verbs = append(verbs, c.Text)
	}
	want := []string{"%d", "%5s", "%rh", "%llu"}
	if !reflect.DeepEqual(verbs, want) {
		t.Errorf("Conversions = %q, want %q", verbs, want)
	}
}
