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
	"github.com/gtrace/gtrace/runtime/format"
)

// envState builds the format.Env of a session and owns its caches.
type envState struct {
	env   format.Env
	syms  *symbols
	stack *ebpf.Map // nil without stacks

	cgroups cgroups

	usersOnce sync.Once
	users     map[uint32]string
}

func newEnvState(p *codegen.Program, coll *ebpf.Collection, json bool) *envState {
	e := &envState{syms: newSymbols("/"), cgroups: cgroups{mountinfo: "/proc/self/mountinfo"}}
	if p.StackMap != "" {
		e.stack = coll.Maps[p.StackMap]
	}
	e.env = format.Env{
		ProbeNames: p.ProbeNames,
		Strftime:   p.Strftime,
		Syms:       e.syms,
		BootTime:   bootTime(),
		Location:   time.Local,
		Users:      e.user,
		Cgroups:    e.cgroups.path,
		JSON:       json,
	}
	if e.stack != nil {
		e.env.Stacks = e
	}
	return e
}

// Stack reads the frames of stack id from the stack map.
func (e *envState) Stack(id uint32) ([]uint64, bool) {
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
