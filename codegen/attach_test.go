package codegen

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"

	"github.com/gtrace/gtrace/internal/bpftest"
	"github.com/gtrace/gtrace/lang/check"
)

// attach attaches every tracepoint probe of the program, with cookies.
func (l *loaded) attach(t *testing.T) {
	t.Helper()
	// A fresh machine has tracefs unmounted; gtrace mounts it itself (package
	// probes), and so does this test, which may run first.
	if _, err := os.Stat("/sys/kernel/tracing/events"); err != nil {
		if err := unix.Mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, ""); err != nil {
			t.Fatalf("mount tracefs: %v", err)
		}
	}
	for _, p := range l.prog.Probes {
		if p.Provider != "tracepoint" {
			continue
		}
		for i, name := range p.Targets {
			parts := strings.Split(name, ":")
			lk, err := link.Tracepoint(parts[1], parts[2], l.coll.Programs[p.Program], &link.TracepointOptions{Cookie: p.Cookies[i]})
			if err != nil {
				t.Fatalf("attach %s: %v", name, err)
			}
			t.Cleanup(func() { lk.Close() })
		}
	}
}

// hasEntry reports whether want is in entries; a final "*" matches any
// rest.
func hasEntry(entries []string, want string) bool {
	for _, e := range entries {
		if e == want || strings.HasSuffix(want, "*") && strings.HasPrefix(e, want[:len(want)-1]) {
			return true
		}
	}
	return false
}

// TestTracepoints attaches generated programs to real tracepoints, makes
// them fire, and looks for the expected map entries.
func TestTracepoints(t *testing.T) {
	bpftest.RequireBPF(t)
	conf := &check.Config{Resolver: fixture{}, Params: []string{strconv.Itoa(os.Getpid())}}
	dir := t.TempDir()
	target := filepath.Join(dir, "gtrace-codegen-target")
	tests := []struct {
		name    string
		in      string
		trigger func(t *testing.T)
		want    []string
	}{
		{
			name: "user string arg",
			in:   `tracepoint:syscalls:sys_enter_openat /pid == $1/ { @[str(args->filename)] = count(); @m[args->flags & 3] = count(); }`,
			trigger: func(t *testing.T) {
				os.WriteFile(target, nil, 0o600)
				os.ReadFile(target)
			},
			want: []string{`@["` + target + `"]: 2`, `@m[1]: 1`},
		},
		{
			name: "data_loc string",
			in:   `tracepoint:sched:sched_process_exec { @[str(args->filename)] = count(); @p[args->pid > 0] = count(); }`,
			trigger: func(t *testing.T) {
				if err := exec.Command("/bin/true").Run(); err != nil {
					t.Fatal(err)
				}
			},
			want: []string{`@["/bin/true"]: 1`},
		},
		{
			name: "probe cookies",
			in:   `tracepoint:syscalls:sys_enter_close, tracepoint:syscalls:sys_enter_openat /pid == $1/ { @[probe] = count(); }`,
			trigger: func(t *testing.T) {
				f, _ := os.Open(target)
				f.Close()
			},
			want: []string{`@[0]: *`, `@[1]: 1`},
		},
		{
			name: "char array and signed ret",
			in:   `tracepoint:sched:sched_switch { @c[args->prev_comm] = count(); } tracepoint:syscalls:sys_exit_read /pid == $1/ { @r = min(args->ret); }`,
			trigger: func(t *testing.T) {
				f, _ := os.Open("/nonexistent-dir-for-read")
				if f != nil {
					f.Close()
				}
				os.ReadFile(target)
			},
			want: []string{`@r: 0`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prog := compileScript(t, tt.in, conf)
			l := load(t, prog)
			l.attach(t)
			tt.trigger(t)
			got := l.maps(t)
			for _, w := range tt.want {
				if !hasEntry(got, w) {
					t.Errorf("no entry %q in\n%s", w, strings.Join(got, "\n"))
				}
			}
		})
	}
}
