package probes

// This file owns symbols: /proc/kallsyms, read once for kprobe names,
// kaddr() and kernel stacks, and the Symbolizer that turns kernel and user
// addresses into names for the runtime.

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/gtrace/gtrace/probes/internal/elfsym"
	"github.com/gtrace/gtrace/probes/internal/kallsyms"
	"github.com/gtrace/gtrace/probes/internal/perf"
)

// kallsyms returns the kallsyms table, read once.
func (k *kernel) kallsyms() (*kallsyms.Table, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.kallsymsLocked()
}

func (k *kernel) kallsymsLocked() (*kallsyms.Table, error) {
	if k.ktab != nil || k.ktabErr != nil {
		return k.ktab, k.ktabErr
	}
	path := k.opts.KallsymsPath
	if path == "" {
		path = "/proc/kallsyms"
	}
	f, err := os.Open(path)
	if err != nil {
		k.ktabErr = err
		return nil, err
	}
	defer f.Close()
	k.ktab, k.ktabErr = kallsyms.Parse(f)
	if k.ktabErr != nil {
		k.ktabErr = fmt.Errorf("read %s: %w", path, k.ktabErr)
	}
	return k.ktab, k.ktabErr
}

// Symbolizer resolves addresses to symbols for stacks, ksym(), usym() and
// func: kernel addresses through kallsyms, user addresses through the
// process's mappings and the symbols of the mapped file (.symtab, .dynsym,
// the separate debug file of a stripped library, a Go program's
// .gopclntab). It records the executable mappings every process makes while
// it is open (perf MMAP2 records), so the addresses of a process that has
// exited, or exec'd, still resolve; processes that existed before it was
// opened are read from /proc/PID/maps. It is safe for concurrent use. Close
// it.
type Symbolizer struct {
	k *kernel

	mu       sync.Mutex
	rings    []*perf.MmapRing
	recs     perf.Records         // reused buffer
	recorded map[uint32][]mapping // from mmap records, oldest first
	snaps    map[uint32][]mapping // from /proc/PID/maps
	bad      map[string]bool      // files that are not readable ELF files
	stop     chan struct{}        // closed by Close
	done     chan struct{}        // closed when the reader has stopped
}

// mapping is one executable file mapping of a process.
type mapping struct {
	start, end, off uint64
	path            string
}

// ringPages is the size of each CPU's mmap record ring, in pages: 256 KiB
// holds about 2500 records, drained at half full and on every lookup.
const ringPages = 64

// Symbolizer returns a Symbolizer that shares this Registry's ELF and
// kallsyms caches. With record, it records the mappings processes make
// from now on (it needs CAP_PERFMON); when that fails it warns on
// Options.Stderr and resolves through /proc only. With Options.PID, that
// process's mappings are read at once.
func (r *Registry) Symbolizer(record bool) *Symbolizer {
	s := &Symbolizer{
		k: r.k, recorded: map[uint32][]mapping{}, snaps: map[uint32][]mapping{},
		bad: map[string]bool{},
	}
	if pid := r.k.opts.PID; pid > 0 {
		s.snapshot(uint32(pid))
	}
	if record {
		if err := s.record(); err != nil && r.k.opts.Stderr != nil {
			fmt.Fprintf(r.k.opts.Stderr, "WARNING: user symbols of processes that exit early may not resolve: %v\n", err)
		}
	}
	return s
}

// record opens a mapping ring per CPU and starts the reader.
func (s *Symbolizer) record() error {
	cpus, err := onlineCPUs()
	if err != nil {
		return err
	}
	for _, cpu := range cpus {
		ring, err := perf.OpenMmapRing(cpu, ringPages)
		if err != nil {
			s.closeRings()
			return err
		}
		s.rings = append(s.rings, ring)
	}
	s.stop, s.done = make(chan struct{}), make(chan struct{})
	go s.read()
	return nil
}

// read drains the rings whenever one is half full, until Close.
func (s *Symbolizer) read() {
	defer close(s.done)
	fds := make([]unix.PollFd, len(s.rings))
	for i, r := range s.rings {
		fds[i] = unix.PollFd{Fd: int32(r.FD()), Events: unix.POLLIN}
	}
	for {
		select {
		case <-s.stop:
			return
		default:
		}
		unix.Poll(fds, 100)
		s.mu.Lock()
		s.drain()
		s.mu.Unlock()
	}
}

// drain applies the records in the rings, in time order.
func (s *Symbolizer) drain() {
	s.recs.List = s.recs.List[:0]
	for _, r := range s.rings {
		r.Read(&s.recs)
	}
	s.recs.Sort()
	for _, rec := range s.recs.List {
		if rec.Fork {
			s.fork(rec.Pid, rec.Parent)
			continue
		}
		if strings.HasPrefix(rec.Path, "/") {
			s.recorded[rec.Pid] = append(s.recorded[rec.Pid], mapping{rec.Start, rec.End, rec.Off, rec.Path})
		}
	}
}

// fork gives a new process the mappings of its parent, when they are
// known: a child that does not exec runs its parent's code.
func (s *Symbolizer) fork(pid, parent uint32) {
	ms := s.recorded[parent]
	if ms == nil {
		ms = s.snaps[parent]
	}
	if ms != nil {
		s.recorded[pid] = append([]mapping(nil), ms...)
	} else {
		delete(s.recorded, pid) // a reused pid
	}
}

// Close stops recording. The Symbolizer still resolves what it recorded.
func (s *Symbolizer) Close() error {
	if s.stop != nil {
		close(s.stop)
		<-s.done
		s.stop = nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.rings) > 0 {
		s.drain()
	}
	s.closeRings()
	return nil
}

func (s *Symbolizer) closeRings() {
	for _, r := range s.rings {
		r.Close()
	}
	s.rings = nil
}

// KernelSymbol returns the kernel function addr lies in and addr's offset
// from its start.
func (s *Symbolizer) KernelSymbol(addr uint64) (name string, off uint64, ok bool) {
	t, err := s.k.kallsyms()
	if err != nil {
		return "", 0, false
	}
	sym, off, ok := t.Lookup(addr)
	return sym.Name, off, ok
}

// UserSymbol returns the function addr lies in within process pid, addr's
// offset from its start, and the file mapped at addr (its path in the
// process's mount namespace). module is set when the file is known but the
// function is not.
func (s *Symbolizer) UserSymbol(pid uint32, addr uint64) (name string, off uint64, module string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.rings) > 0 {
		s.drain()
	}
	m, found := s.find(pid, addr)
	if !found {
		return "", 0, "", false
	}
	f := s.file(pid, m.path)
	if f == nil {
		return "", 0, m.path, false
	}
	vaddr, found := f.Vaddr(addr - m.start + m.off)
	if !found {
		return "", 0, m.path, false
	}
	fn, off, found := f.Symbolize(vaddr)
	if !found {
		return "", 0, m.path, false
	}
	return fn.Name, off, m.path, true
}

// find returns the mapping of pid that holds addr: the newest recorded one,
// else one of /proc/PID/maps (read again on a miss while the process
// lives).
func (s *Symbolizer) find(pid uint32, addr uint64) (mapping, bool) {
	ms := s.recorded[pid]
	for i := len(ms) - 1; i >= 0; i-- {
		if addr >= ms[i].start && addr < ms[i].end {
			return ms[i], true
		}
	}
	if m, ok := findIn(s.snaps[pid], addr); ok {
		return m, true
	}
	if s.snapshot(pid) {
		return findIn(s.snaps[pid], addr)
	}
	return mapping{}, false
}

func findIn(ms []mapping, addr uint64) (mapping, bool) {
	for _, m := range ms {
		if addr >= m.start && addr < m.end {
			return m, true
		}
	}
	return mapping{}, false
}

// snapshot reads the executable file mappings of pid from /proc.
func (s *Symbolizer) snapshot(pid uint32) bool {
	data, err := os.ReadFile("/proc/" + strconv.FormatUint(uint64(pid), 10) + "/maps")
	if err != nil {
		return false
	}
	s.snaps[pid] = parseMaps(string(data))
	return true
}

// parseMaps parses /proc/PID/maps, keeping executable file mappings.
func parseMaps(data string) []mapping {
	var ms []mapping
	for _, line := range strings.Split(data, "\n") {
		// "7f..-7f.. r-xp 00000000 08:01 1234   /usr/lib/x86_64-linux-gnu/libc.so.6"
		fs := strings.Fields(line)
		if len(fs) < 6 || !strings.Contains(fs[1], "x") || !strings.HasPrefix(fs[5], "/") {
			continue
		}
		start, end, ok := strings.Cut(fs[0], "-")
		if !ok {
			continue
		}
		var m mapping
		var err1, err2, err3 error
		m.start, err1 = strconv.ParseUint(start, 16, 64)
		m.end, err2 = strconv.ParseUint(end, 16, 64)
		m.off, err3 = strconv.ParseUint(fs[2], 16, 64)
		if err1 != nil || err2 != nil || err3 != nil {
			continue
		}
		m.path = strings.Join(fs[5:], " ")
		ms = append(ms, m)
	}
	return ms
}

// file returns the ELF facts of the file a process mapped at path: the
// file itself, or, for a process in another mount namespace that still
// lives, the file under /proc/PID/root.
func (s *Symbolizer) file(pid uint32, path string) *elfsym.File {
	path = strings.TrimSuffix(path, " (deleted)")
	open := path
	if _, err := os.Stat(path); err != nil {
		open = "/proc/" + strconv.FormatUint(uint64(pid), 10) + "/root" + path
	}
	if s.bad[open] {
		return nil
	}
	f, err := s.k.binary(open)
	if err != nil {
		s.bad[open] = true
		return nil
	}
	return f
}

// onlineCPUs returns the online CPUs: mappings are recorded on all of them.
func onlineCPUs() ([]int, error) {
	data, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		return nil, err
	}
	return parseCPUList(strings.TrimSpace(string(data)))
}
