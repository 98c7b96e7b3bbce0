// Package perf opens perf events (perf_event_open) and attaches BPF programs
// to them, which cilium/ebpf has no public API for.
package perf

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"
)

// Event says which perf event to open.
type Event struct {
	Type   uint32 // unix.PERF_TYPE_SOFTWARE or unix.PERF_TYPE_HARDWARE
	Config uint64 // unix.PERF_COUNT_SW_* or unix.PERF_COUNT_HW_*
	Period uint64 // sample every Period events (ns for the clocks); 0 when Freq is set
	Freq   uint64 // sample Freq times a second
}

// FD is an open perf event. Close it to release it.
type FD struct {
	once sync.Once
	fd   int
	err  error
}

// Open opens ev on one CPU for every process (pid -1). It needs
// CAP_PERFMON (or CAP_SYS_ADMIN).
func Open(ev Event, cpu int) (*FD, error) {
	attr := unix.PerfEventAttr{
		Type:   ev.Type,
		Config: ev.Config,
		Size:   uint32(unsafe.Sizeof(unix.PerfEventAttr{})),
		Sample: ev.Period,
	}
	if ev.Freq != 0 {
		attr.Sample = ev.Freq
		attr.Bits |= unix.PerfBitFreq
	}
	fd, err := unix.PerfEventOpen(&attr, -1, cpu, -1, unix.PERF_FLAG_FD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("perf_event_open on cpu %d: %w", cpu, err)
	}
	return &FD{fd: fd}, nil
}

// Close closes the perf event; it is safe to call more than once.
func (f *FD) Close() error {
	f.once.Do(func() { f.err = unix.Close(f.fd) })
	return f.err
}

// linkCreateAttr is the perf_event part of union bpf_attr for
// BPF_LINK_CREATE.
type linkCreateAttr struct {
	progFD     uint32
	targetFD   uint32
	attachType uint32
	flags      uint32
	bpfCookie  uint64
}

// Link is a program attached to a perf event. Close it to detach.
type Link struct {
	once sync.Once
	fd   int // a bpf_link fd, or -1 when attached with the ioctl
	pe   *FD
	err  error
}

// Attach attaches prog (a PerfEvent program) to the event with a BPF
// cookie, through a bpf_link (kernel 5.15+). On older kernels, where only
// the PERF_EVENT_IOC_SET_BPF ioctl exists, cookies are unsupported: the
// ioctl is used when cookie is 0. Closing the Link detaches the program but
// leaves the perf event open.
func Attach(prog *ebpf.Program, pe *FD, cookie uint64) (*Link, error) {
	attr := linkCreateAttr{
		progFD:     uint32(prog.FD()),
		targetFD:   uint32(pe.fd),
		attachType: uint32(ebpf.AttachPerfEvent),
		bpfCookie:  cookie,
	}
	fd, _, errno := unix.Syscall(unix.SYS_BPF, unix.BPF_LINK_CREATE, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	runtime.KeepAlive(prog)
	if errno == 0 {
		return &Link{fd: int(fd), pe: pe}, nil
	}
	if cookie != 0 || !(errors.Is(errno, unix.EINVAL) || errors.Is(errno, unix.E2BIG)) {
		return nil, fmt.Errorf("bpf_link_create: %w", errno)
	}
	if err := unix.IoctlSetInt(pe.fd, unix.PERF_EVENT_IOC_SET_BPF, prog.FD()); err != nil {
		return nil, fmt.Errorf("set bpf program on perf event: %w", err)
	}
	if err := unix.IoctlSetInt(pe.fd, unix.PERF_EVENT_IOC_ENABLE, 0); err != nil {
		return nil, fmt.Errorf("enable perf event: %w", err)
	}
	return &Link{fd: -1, pe: pe}, nil
}

// Close detaches the program; it is safe to call more than once.
func (l *Link) Close() error {
	l.once.Do(func() {
		if l.fd >= 0 {
			l.err = unix.Close(l.fd)
			return
		}
		// The ioctl attachment lives as long as the perf event.
		l.err = unix.IoctlSetInt(l.pe.fd, unix.PERF_EVENT_IOC_DISABLE, 0)
	})
	return l.err
}
