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
