package codegen

import (
	"fmt"
	"path"
	"strings"

	"github.com/gtrace/gtrace/lang/types"
)

// fixture is a check.Resolver over a few tracepoints whose formats are
// written out here (copied from Linux 6.18's tracefs, stable for years).
type fixture struct{}

func field(name string, off int, t *types.Type) *types.Field {
	return &types.Field{Name: name, Offset: off, Type: t}
}

func charArray(n int) *types.Type {
	return &types.Type{Kind: types.Array, Elem: types.Int8, Len: n, Size: n}
}

var dataLoc = &types.Type{Kind: types.Int, Size: 4, DataLoc: true}

// fixtureArgs returns the args of each fixture tracepoint.
func fixtureArgs() map[string][]*types.Field {
	userStr := types.NewPointer(types.Int8, true)
	return map[string][]*types.Field{
		"tracepoint:syscalls:sys_enter_openat": {
			field("__syscall_nr", 8, types.Int32), field("dfd", 16, types.Int64),
			field("filename", 24, userStr), field("flags", 32, types.Int64), field("mode", 40, types.Uint64),
		},
		"tracepoint:syscalls:sys_enter_execve": {
			field("__syscall_nr", 8, types.Int32), field("filename", 16, userStr),
			field("argv", 24, types.NewPointer(userStr, true)), field("envp", 32, types.NewPointer(userStr, true)),
		},
		"tracepoint:syscalls:sys_enter_close": {
			field("__syscall_nr", 8, types.Int32), field("fd", 16, types.Uint64),
		},
		"tracepoint:syscalls:sys_exit_read": {
			field("__syscall_nr", 8, types.Int32), field("ret", 16, types.Int64),
		},
		"tracepoint:sched:sched_process_exec": {
			field("filename", 8, dataLoc), field("pid", 12, types.Int32), field("old_pid", 16, types.Int32),
		},
		"tracepoint:sched:sched_switch": {
			field("prev_comm", 8, charArray(16)), field("prev_pid", 24, types.Int32),
			field("prev_prio", 28, types.Int32), field("prev_state", 32, types.Int64),
			field("next_comm", 40, charArray(16)), field("next_pid", 56, types.Int32),
			field("next_prio", 60, types.Int32),
		},
	}
}

func (fixture) Expand(provider string, parts []string) ([]string, error) {
	switch provider {
	case "tracepoint":
		var out []string
		pat := "tracepoint:" + strings.Join(parts, ":")
		for name := range fixtureArgs() {
			if ok, _ := path.Match(pat, name); ok {
				out = append(out, name)
			}
		}
		sortStrings(out)
		if len(out) == 0 {
			return nil, fmt.Errorf("no probe matches %s", pat)
		}
		return out, nil
	case "BEGIN", "END":
		return []string{provider}, nil
	}
	return []string{provider + ":" + strings.Join(parts, ":")}, nil
}

func (fixture) Args(probe string) (*types.Type, error) {
	fs, ok := fixtureArgs()[probe]
	if !ok {
		return nil, nil
	}
	size := 0
	for _, f := range fs {
		size = max(size, f.Offset+f.Type.Size)
	}
	return &types.Type{Kind: types.Struct, Name: "args", Fields: fs, Size: size}, nil
}

func (fixture) Struct(name string) (*types.Type, error) {
	return nil, fmt.Errorf("no struct %s in the fixture", name)
}
