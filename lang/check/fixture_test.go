package check

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/gtrace/gtrace/internal/suggest"
	"github.com/gtrace/gtrace/lang/types"
)

// fixtureResolver is an in-memory Resolver: a few tracepoints, kernel
// functions and structs, enough for the checker's tests.
type fixtureResolver struct {
	// anyArgs answers every tracepoint with generic args instead of
	// failing; used by the conformance test.
	anyArgs func(name string) *types.Type
}

var _ Resolver = (*fixtureResolver)(nil)

// notFound is a resolver error with hints, as probes returns.
type notFound struct {
	msg   string
	hints []string
}

func (e *notFound) Error() string   { return e.msg }
func (e *notFound) Hints() []string { return e.hints }

func field(name string, off int, t *types.Type) *types.Field {
	return &types.Field{Name: name, Offset: off, Type: t}
}

func charArray(n int) *types.Type {
	return &types.Type{Kind: types.Array, Elem: types.Int8, Len: n, Size: n}
}

func tpStruct(name string, size int, fields ...*types.Field) *types.Type {
	common := []*types.Field{
		field("common_type", 0, types.Uint16),
		field("common_flags", 2, types.Uint8),
		field("common_preempt_count", 3, types.Uint8),
		field("common_pid", 4, types.Int32),
	}
	return &types.Type{Kind: types.Struct, Name: name, Size: size, Fields: append(common, fields...)}
}

var dataLoc = &types.Type{Kind: types.Int, Size: 4, DataLoc: true}

// fixtureTracepoints are the tracepoints the fixture knows, with their args.
func fixtureTracepoints() map[string]*types.Type {
	openat := tpStruct("sys_enter_openat", 40,
		field("__syscall_nr", 8, types.Int32),
		field("filename", 16, types.NewPointer(types.Int8, true)),
		field("flags", 24, types.Int32),
		field("mode", 32, types.Uint16))
	exitOpenat := tpStruct("sys_exit_openat", 24,
		field("__syscall_nr", 8, types.Int32),
		field("ret", 16, types.Int64))
	read := tpStruct("sys_enter_read", 40,
		field("__syscall_nr", 8, types.Int32),
		field("fd", 16, types.Uint64),
		field("buf", 24, types.NewPointer(types.Int8, true)),
		field("count", 32, types.Uint64))
	sw := tpStruct("sched_switch", 64,
		field("prev_comm", 8, charArray(16)),
		field("prev_pid", 24, types.Int32),
		field("prev_prio", 28, types.Int32),
		field("prev_state", 32, types.Int64),
		field("next_comm", 40, charArray(16)),
		field("next_pid", 56, types.Int32),
		field("next_prio", 60, types.Int32))
	exec := tpStruct("sched_process_exec", 20,
		field("filename", 8, dataLoc),
		field("pid", 12, types.Int32),
		field("old_pid", 16, types.Int32))
	return map[string]*types.Type{
		"tracepoint:syscalls:sys_enter_openat": openat,
		"tracepoint:syscalls:sys_exit_openat":  exitOpenat,
		"tracepoint:syscalls:sys_enter_read":   read,
		"tracepoint:sched:sched_switch":        sw,
		"tracepoint:sched:sched_process_exec":  exec,
	}
}

var fixtureFuncs = []string{"vfs_read", "vfs_write", "do_sys_openat2", "tcp_sendmsg"}

func (r *fixtureResolver) Expand(provider string, parts []string) ([]string, error) {
	want := provider + ":" + strings.Join(parts, ":")
	var candidates []string
	switch provider {
	case "tracepoint":
		for n := range fixtureTracepoints() {
			candidates = append(candidates, n)
		}
		if r.anyArgs != nil {
			return []string{want}, nil
		}
	case "kprobe", "kretprobe", "kfunc", "kretfunc":
		for _, f := range fixtureFuncs {
			candidates = append(candidates, provider+":"+f)
		}
		if r.anyArgs != nil && !strings.Contains(want, "*") {
			return []string{want}, nil
		}
	default:
		return []string{want}, nil
	}
	var out []string
	base, off, hasOff := strings.Cut(want, "+")
	for _, c := range candidates {
		if ok, _ := path.Match(base, c); ok && hasOff {
			out = append(out, c+"+"+off)
		} else if ok {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		var hints []string
		for _, c := range candidates {
			if suggest.Distance(c, want) <= 3 {
				hints = append(hints, "did you mean "+c+"?")
			}
		}
		return nil, &notFound{msg: "probe not found: " + want, hints: hints}
	}
	sort.Strings(out)
	return out, nil
}

func (r *fixtureResolver) Args(probe string) (*types.Type, error) {
	if t := fixtureTracepoints()[probe]; t != nil {
		return t, nil
	}
	if r.anyArgs != nil {
		return r.anyArgs(probe), nil
	}
	if strings.HasPrefix(probe, "tracepoint:") {
		return nil, fmt.Errorf("no format for %s", probe)
	}
	return nil, nil
}

func (r *fixtureResolver) Struct(name string) (*types.Type, error) {
	switch name {
	case "task_struct":
		t := &types.Type{Kind: types.Struct, Name: "task_struct", Size: 64}
		t.Fields = []*types.Field{
			field("pid", 0, types.Int32),
			field("tgid", 4, types.Int32),
			field("comm", 8, charArray(16)),
			field("parent", 24, types.NewPointer(t, false)),
			field("flags", 32, types.Uint32),
		}
		return t, nil
	case "file":
		return &types.Type{Kind: types.Struct, Name: "file", Size: 16, Fields: []*types.Field{
			field("f_flags", 0, types.Uint32),
			field("f_mode", 4, types.Uint32),
			field("f_pos", 8, types.Int64),
		}}, nil
	}
	return nil, fmt.Errorf("struct %s not found in BTF", name)
}

var _ EnumResolver = (*fixtureResolver)(nil)

func (r *fixtureResolver) Enum(name string) (int64, error) {
	if name == "SKB_DROP_REASON_NOT_SPECIFIED" {
		return 2, nil
	}
	return 0, fmt.Errorf("enumerator %s not found", name)
}
