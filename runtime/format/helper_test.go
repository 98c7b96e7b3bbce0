package format

import "testing"

func TestHelperWarning(t *testing.T) {
	t.Parallel()
	h := HelperError{Helper: "map_delete_elem", Ret: -2, File: "stdin", Line: 1, Col: 5, EndCol: 9, Source: "\tab delete(x)"}
	tests := []struct {
		name string
		env  *Env
		h    HelperError
		want string
	}{
		{"text", nil, h, "stdin:1:5-9: WARNING: Failed to map_delete_elem: No such file or directory (-2)\n\tab delete(x)\n\t   ~~~~\n"},
		{"json", &Env{JSON: true}, h, `{"type": "helper_error", "helper": "map_delete_elem", "retcode": -2, "line": 1, "col": 5}` + "\n"},
		{"lookup", nil, HelperError{Helper: "map_lookup_elem", File: "f", Line: 2, Col: 1, EndCol: 3}, "f:2:1-3: WARNING: Failed to map_lookup_elem: 0\n"},
	}
	for _, tt := range tests {
		if got := HelperWarning(tt.env, tt.h); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestDivZeroWarning(t *testing.T) {
	t.Parallel()
	h := HelperError{File: "stdin", Line: 1, Col: 9, EndCol: 15, Source: "print(10 / $z)"}
	want := "stdin:1:9-15: WARNING: Divide or modulo by 0 detected. This can lead to unexpected results. 1 is being used as the result.\n" +
		"print(10 / $z)\n        ~~~~~~\n"
	if got := DivZeroWarning(h); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
