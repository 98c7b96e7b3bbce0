package perf

// This file records the executable mappings processes make, as "perf
// record" does: a dummy software event per CPU whose ring buffer receives
// PERF_RECORD_MMAP2 records for every mmap with PROT_EXEC (a program's
// image at exec, each shared library, dlopen), and PERF_RECORD_FORK records.
// Reading them lets a symbolizer resolve the addresses of processes that
// have exited before their stacks are printed.

import (
	"encoding/binary"
	"fmt"
	"sort"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Record is an executable file mapping process Pid made, or (Fork) the
// birth of process Pid as a copy of Parent (threads are left out).
type Record struct {
	Time       uint64 // perf's clock (CLOCK_MONOTONIC), ns
	Pid        uint32
	Fork       bool
	Parent     uint32 // Fork: the parent process
	Start, End uint64 // mapping: [Start, End) in the process
	Off        uint64 // mapping: file offset of Start
	Path       string // mapping: as the process named it (its mount namespace)
}

// Records are what reads of the rings returned.
type Records struct {
	List []Record
	Lost uint64 // records the kernel dropped because a ring was full
}

// MmapRing is one CPU's ring buffer of mapping records. Close it.
type MmapRing struct {
	fd   int
	mem  []byte
	meta *unix.PerfEventMmapPage
	data []byte
}

// OpenMmapRing starts recording the executable mappings and forks of every
// process on cpu into a ring of pages data pages (a power of two). It needs
// CAP_PERFMON (or CAP_SYS_ADMIN) and perf_event_open (Linux 3.16+ for
// MMAP2).
func OpenMmapRing(cpu, pages int) (*MmapRing, error) {
	attr := unix.PerfEventAttr{
		Type:        unix.PERF_TYPE_SOFTWARE,
		Config:      unix.PERF_COUNT_SW_DUMMY,
		Size:        uint32(unsafe.Sizeof(unix.PerfEventAttr{})),
		Sample_type: unix.PERF_SAMPLE_TID | unix.PERF_SAMPLE_TIME,
		Bits:        unix.PerfBitMmap | unix.PerfBitMmap2 | unix.PerfBitTask | unix.PerfBitSampleIDAll | unix.PerfBitWatermark,
	}
	page := unix.Getpagesize()
	attr.Wakeup = uint32(pages * page / 2) // wake the reader at half full
	fd, err := unix.PerfEventOpen(&attr, -1, cpu, -1, unix.PERF_FLAG_FD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("perf_event_open (mmap records) on cpu %d: %w", cpu, err)
	}
	mem, err := unix.Mmap(fd, 0, (pages+1)*page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("mmap perf ring on cpu %d: %w", cpu, err)
	}
	return &MmapRing{
		fd:   fd,
		mem:  mem,
		meta: (*unix.PerfEventMmapPage)(unsafe.Pointer(&mem[0])),
		data: mem[page:],
	}, nil
}

// FD returns the perf event's file descriptor, to poll for data.
func (r *MmapRing) FD() int { return r.fd }

// Close stops recording and frees the ring.
func (r *MmapRing) Close() error {
	if r.mem == nil {
		return nil
	}
	unix.Munmap(r.mem)
	r.mem, r.data = nil, nil
	return unix.Close(r.fd)
}

// Read appends the records in the ring to recs and frees their space. It
// does not sort them.
func (r *MmapRing) Read(recs *Records) {
	head := atomic.LoadUint64(&r.meta.Data_head)
	tail := r.meta.Data_tail
	var buf []byte
	for tail+8 <= head {
		hdr := r.copy(buf[:0], tail, 8)
		n := uint64(binary.NativeEndian.Uint16(hdr[6:]))
		if n < 8 || tail+n > head {
			break
		}
		buf = r.copy(buf[:0], tail, n)
		parseRecord(buf, recs)
		tail += n
	}
	atomic.StoreUint64(&r.meta.Data_tail, tail)
}

// copy returns n bytes of the ring from position pos, unwrapped.
func (r *MmapRing) copy(dst []byte, pos, n uint64) []byte {
	size := uint64(len(r.data))
	for i := uint64(0); i < n; i++ {
		dst = append(dst, r.data[(pos+i)%size])
	}
	return dst
}

// parseRecord decodes one record (header included). With sample_id_all
// and PERF_SAMPLE_TID|PERF_SAMPLE_TIME, every record ends with pid, tid
// and the time.
func parseRecord(b []byte, recs *Records) {
	typ := binary.NativeEndian.Uint32(b)
	body := b[8:]
	u32 := func(off int) uint32 { return binary.NativeEndian.Uint32(body[off:]) }
	u64 := func(off int) uint64 { return binary.NativeEndian.Uint64(body[off:]) }
	switch typ {
	case unix.PERF_RECORD_MMAP2:
		// pid, tid u32; addr, len, pgoff u64; maj, min u32; ino, ino_gen
		// u64; prot, flags u32; filename; sample_id (pid, tid, time).
		if len(body) < 64+16 {
			return
		}
		name := body[64 : len(body)-16]
		if i := indexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		recs.List = append(recs.List, Record{
			Pid: u32(0), Start: u64(8), End: u64(8) + u64(16), Off: u64(24),
			Path: string(name), Time: u64(len(body) - 8),
		})
	case unix.PERF_RECORD_FORK:
		// pid, ppid, tid, ptid u32; time u64.
		if len(body) < 24 {
			return
		}
		if u32(0) != u32(4) { // a new process, not a thread
			recs.List = append(recs.List, Record{Fork: true, Pid: u32(0), Parent: u32(4), Time: u64(16)})
		}
	case unix.PERF_RECORD_LOST:
		if len(body) >= 16 {
			recs.Lost += u64(8)
		}
	}
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// Sort orders the records by time, so that mappings replace one another,
// and forks copy them, in the order the processes did it, across CPUs.
func (recs *Records) Sort() {
	sort.SliceStable(recs.List, func(i, j int) bool { return recs.List[i].Time < recs.List[j].Time })
}
