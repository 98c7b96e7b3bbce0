package runtime

import (
	"bufio"
	"encoding/binary"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"github.com/gtrace/gtrace/codegen"
	"github.com/gtrace/gtrace/lang/types"
	"github.com/gtrace/gtrace/runtime/format"
)

// envState builds the format.Env of a session and owns its caches.
type envState struct {
	env   format.Env
	stack *ebpf.Map // nil without stacks

	cgroups cgroups

	usersOnce sync.Once
	users     map[uint32]string
}

func newEnvState(p *codegen.Program, coll *ebpf.Collection, json bool, syms Symbolizer) *envState {
	e := &envState{cgroups: cgroups{mountinfo: "/proc/self/mountinfo"}}
	if p.StackMap != "" {
		e.stack = coll.Maps[p.StackMap]
	}
	e.env = format.Env{
		ProbeNames: p.ProbeNames,
		Strftime:   p.Strftime,
		BootTime:   bootTime(),
		Location:   time.Local,
		Users:      e.user,
		Cgroups:    e.cgroups.path,
		JSON:       json,
	}
	if e.stack != nil {
		e.env.Stacks = e
	}
	if syms != nil {
		e.env.Syms = symAdapter{syms}
	}
	return e
}

// symAdapter presents a Symbolizer as the formatter's.
type symAdapter struct{ s Symbolizer }

func (a symAdapter) Kernel(addr uint64) (format.Symbol, bool) {
	name, off, ok := a.s.KernelSymbol(addr)
	return format.Symbol{Name: name, Offset: off}, ok
}

func (a symAdapter) User(pid uint32, addr uint64) (format.Symbol, bool) {
	name, off, module, ok := a.s.UserSymbol(pid, addr)
	return format.Symbol{Name: name, Offset: off, Module: module}, ok
}

// Stack reads the frames of stack id from the stack map.
func (e *envState) Stack(id uint64) ([]uint64, bool) {
	b, err := e.stack.LookupBytes(id)
	if err != nil || b == nil {
		return nil, false
	}
	var frames []uint64
	for i := 0; i+8 <= len(b); i += 8 {
		a := binary.NativeEndian.Uint64(b[i:])
		if a == 0 {
			break
		}
		frames = append(frames, a)
	}
	return frames, true
}

// user maps a uid to its name from /etc/passwd.
func (e *envState) user(uid uint32) (string, bool) {
	e.usersOnce.Do(func() { e.users = readPasswd("/etc/passwd") })
	name, ok := e.users[uid]
	return name, ok
}

func readPasswd(path string) map[uint32]string {
	users := map[uint32]string{}
	f, err := os.Open(path)
	if err != nil {
		return users
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Split(sc.Text(), ":")
		if len(fs) < 3 {
			continue
		}
		if uid, err := strconv.ParseUint(fs[2], 10, 32); err == nil {
			if _, dup := users[uint32(uid)]; !dup {
				users[uint32(uid)] = fs[0]
			}
		}
	}
	return users
}

// bootTime is the wall-clock time at which the boot clock read 0.
func bootTime() time.Time {
	var ts unix.Timespec
	now := time.Now()
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
		return time.Time{}
	}
	return now.Add(-time.Duration(ts.Nano()))
}

// UserSymbols reports whether p prints user-space symbols (ustack, usym(),
// func): the caller then has its Symbolizer record process mappings from
// before the probes are attached.
func UserSymbols(p *codegen.Program) bool {
	for _, m := range p.Maps {
		if hasUserSym(m.Key) || hasUserSym(m.Value) {
			return true
		}
	}
	for _, ev := range p.Events {
		for _, a := range ev.Args {
			if hasUserSym(a) {
				return true
			}
		}
	}
	return false
}

func hasUserSym(t *types.Type) bool {
	if t == nil || t.Kind == types.Pointer { // pointers may be cyclic
		return false
	}
	switch t.Kind {
	case types.UStack, types.Usym:
		return true
	}
	if hasUserSym(t.Elem) {
		return true
	}
	for _, e := range t.Elems {
		if hasUserSym(e) {
			return true
		}
	}
	for _, f := range t.Fields {
		if hasUserSym(f.Type) {
			return true
		}
	}
	return false
}
