// Tests of the format parser. testdata/*.format are real format files
// copied from a 6.18 kernel's tracefs; they also seed FuzzParseFormat.
package tracefs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseFormat(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/sched_process_exec.format")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseFormat(data)
	if err != nil {
		t.Fatal(err)
	}
	want := &Format{Name: "sched_process_exec", ID: 365, Fields: []Field{
		{Decl: "unsigned short common_type", Type: "unsigned short", Name: "common_type", Offset: 0, Size: 2},
		{Decl: "unsigned char common_flags", Type: "unsigned char", Name: "common_flags", Offset: 2, Size: 1},
		{Decl: "unsigned char common_preempt_count", Type: "unsigned char", Name: "common_preempt_count", Offset: 3, Size: 1},
		{Decl: "int common_pid", Type: "int", Name: "common_pid", Offset: 4, Size: 4, Signed: true},
		{Decl: "__data_loc char[] filename", Type: "__data_loc char[]", Name: "filename", Offset: 8, Size: 4, DataLoc: true},
		{Decl: "pid_t pid", Type: "pid_t", Name: "pid", Offset: 12, Size: 4, Signed: true},
		{Decl: "pid_t old_pid", Type: "pid_t", Name: "old_pid", Offset: 16, Size: 4, Signed: true},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseFormat mismatch (-want +got):\n%s", diff)
	}
}

func TestParseField(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want Field
	}{
		{"pointer", "field:const char * filename;\toffset:24;\tsize:8;\tsigned:0;",
			Field{Decl: "const char * filename", Type: "const char *", Name: "filename", Offset: 24, Size: 8}},
		{"array", "field:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;",
			Field{Decl: "char prev_comm[16]", Type: "char", Name: "prev_comm", Len: 16, Offset: 8, Size: 16}},
		{"macro length", "field:u8 buf[TASK_COMM_LEN];\toffset:8;\tsize:16;\tsigned:0;",
			Field{Decl: "u8 buf[TASK_COMM_LEN]", Type: "u8", Name: "buf", Offset: 8, Size: 16}},
		{"pointer without space", "field:char *buf;\toffset:24;\tsize:8;\tsigned:0;",
			Field{Decl: "char *buf", Type: "char *", Name: "buf", Offset: 24, Size: 8}},
		{"rel_loc", "field:__rel_loc char[] name;\toffset:8;\tsize:4;\tsigned:0;",
			Field{Decl: "__rel_loc char[] name", Type: "__rel_loc char[]", Name: "name", Offset: 8, Size: 4, DataLoc: true, RelLoc: true}},
		{"signed", "field:long prev_state;\toffset:32;\tsize:8;\tsigned:1;",
			Field{Decl: "long prev_state", Type: "long", Name: "prev_state", Offset: 32, Size: 8, Signed: true}},
	}
	for _, tt := range tests {
		got, err := parseField(tt.in)
		if err != nil {
			t.Errorf("%s: parseField: %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, *got); diff != "" {
			t.Errorf("%s: mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestParseFormatErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"no name", "ID: 1\n", "format has no name"},
		{"bad id", "name: x\nID: y\n", "format line 2: bad ID"},
		{"no offset", "name: x\nfield:int a;\tsize:4;\n", "format line 2: incomplete field"},
		{"bad size", "name: x\nfield:int a;\toffset:0;\tsize:-4;\n", "format line 2: size: -4 out of range"},
		{"no type", "name: x\nfield:a;\toffset:0;\tsize:4;\n", `format line 2: field: bad declaration "a"`},
	}
	for _, tt := range tests {
		_, err := ParseFormat([]byte(tt.in))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: got error %v, want prefix %q", tt.name, err, tt.want)
		}
	}
}

func TestEvents(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for _, ev := range []string{"sched/sched_switch", "a/b"} {
		if err := os.MkdirAll(filepath.Join(root, "events", ev), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "events", ev, "format"), []byte("name: x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Without available_events, the events directory is walked.
	got, err := Events(root)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a:b", "sched:sched_switch"}, got); diff != "" {
		t.Errorf("walked events mismatch (-want +got):\n%s", diff)
	}
	if err := os.WriteFile(filepath.Join(root, "available_events"), []byte("z:y\nsched:sched_switch\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err = Events(root)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"sched:sched_switch", "z:y"}, got); diff != "" {
		t.Errorf("available_events mismatch (-want +got):\n%s", diff)
	}
}

func TestReadFormatRejectsPaths(t *testing.T) {
	t.Parallel()
	for _, ev := range [][2]string{{"..", "x"}, {"a/b", "c"}, {"a", ".."}} {
		if _, err := ReadFormat("testdata", ev[0], ev[1]); err == nil || !strings.Contains(err.Error(), "invalid trace event name") {
			t.Errorf("ReadFormat(%q, %q): got %v, want an invalid name error", ev[0], ev[1], err)
		}
	}
}

func FuzzParseFormat(f *testing.F) {
	seeds, err := filepath.Glob("testdata/*.format")
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seeds: %v", err)
	}
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ft, err := ParseFormat(data)
		if err != nil {
			return
		}
		if ft.Name == "" {
			t.Errorf("parsed format has no name")
		}
		for _, fd := range ft.Fields {
			if fd.Name == "" || fd.Offset < 0 || fd.Size < 0 || fd.Len < 0 {
				t.Errorf("bad field %+v", fd)
			}
		}
	})
}
