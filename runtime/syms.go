// This file resolves kernel and user addresses to symbols for stacks,
// ksym() and usym(). Everything is cached in the Session.

package runtime

import (
	"bufio"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gtrace/gtrace/runtime/format"
)

// symtab is a sorted symbol table.
type symtab struct {
	addrs []uint64
	names []string
	sizes []uint64 // 0 when unknown
}

func (t *symtab) add(addr, size uint64, name string) {
	t.addrs = append(t.addrs, addr)
	t.sizes = append(t.sizes, size)
	t.names = append(t.names, name)
}

func (t *symtab) sort() { sort.Sort(t) }

func (t *symtab) Len() int           { return len(t.addrs) }
func (t *symtab) Less(i, j int) bool { return t.addrs[i] < t.addrs[j] }
func (t *symtab) Swap(i, j int) {
	t.addrs[i], t.addrs[j] = t.addrs[j], t.addrs[i]
	t.names[i], t.names[j] = t.names[j], t.names[i]
	t.sizes[i], t.sizes[j] = t.sizes[j], t.sizes[i]
}

// lookup finds the symbol at or before addr; a sized symbol must contain it.
func (t *symtab) lookup(addr uint64) (string, uint64, bool) {
	i := sort.Search(len(t.addrs), func(i int) bool { return t.addrs[i] > addr }) - 1
	if i < 0 {
		return "", 0, false
	}
	if s := t.sizes[i]; s != 0 && addr >= t.addrs[i]+s {
		return "", 0, false
	}
	return t.names[i], addr - t.addrs[i], true
}

// mapping is one executable file mapping of a process.
type mapping struct {
	start, end, off uint64
	path            string
}

// symbols implements format.Symbolizer with caches for /proc/kallsyms,
// process mappings (snapshotted while the process lives) and ELF files.
type symbols struct {
	root string // "/" normally; tests may point elsewhere

	mu      sync.Mutex
	kernel  *symtab
	maps    map[uint32][]mapping
	elfs    map[string]*elfSyms
	noKsyms bool
}

// elfSyms are a file's symbols in its virtual addresses plus its loadable
// segments, to turn file offsets into addresses.
type elfSyms struct {
	tab  symtab
	segs []elf.ProgHeader
}

var _ format.Symbolizer = (*symbols)(nil)

func newSymbols(root string) *symbols {
	return &symbols{root: root, maps: map[uint32][]mapping{}, elfs: map[string]*elfSyms{}}
}

// Kernel resolves a kernel address from /proc/kallsyms.
func (s *symbols) Kernel(addr uint64) (format.Symbol, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.kernel == nil && !s.noKsyms {
		t, err := readKallsyms(filepath.Join(s.root, "proc/kallsyms"))
		if err != nil {
			s.noKsyms = true
			return format.Symbol{}, false
		}
		s.kernel = t
	}
	if s.kernel == nil {
		return format.Symbol{}, false
	}
	name, off, ok := s.kernel.lookup(addr)
	return format.Symbol{Name: name, Offset: off}, ok
}

func readKallsyms(path string) (*symtab, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t := &symtab{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) < 3 {
			continue
		}
		switch fs[1] {
		case "t", "T", "w", "W":
		default:
			continue
		}
		a, err := strconv.ParseUint(fs[0], 16, 64)
		if err != nil || a == 0 {
			continue
		}
		t.add(a, 0, fs[2])
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	t.sort()
	return t, nil
}

// Snapshot records the mappings of pid now, so its addresses resolve even
// after it exits.
func (s *symbols) Snapshot(pid uint32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.snapshot(pid)
}

func (s *symbols) snapshot(pid uint32) bool {
	ms, err := readMaps(filepath.Join(s.root, "proc", strconv.Itoa(int(pid)), "maps"))
	if err != nil {
		return false
	}
	s.maps[pid] = ms
	return true
}

// User resolves an address in process pid.
func (s *symbols) User(pid uint32, addr uint64) (format.Symbol, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.findMapping(pid, addr)
	if !ok && s.snapshot(pid) {
		m, ok = s.findMapping(pid, addr)
	}
	if !ok {
		return format.Symbol{}, false
	}
	e := s.elf(m.path)
	if e == nil {
		return format.Symbol{Module: m.path}, false
	}
	name, off, ok := e.tab.lookup(e.vaddr(addr - m.start + m.off))
	return format.Symbol{Name: name, Offset: off, Module: m.path}, ok
}

func (s *symbols) findMapping(pid uint32, addr uint64) (mapping, bool) {
	for _, m := range s.maps[pid] {
		if addr >= m.start && addr < m.end {
			return m, true
		}
	}
	return mapping{}, false
}

func (s *symbols) elf(path string) *elfSyms {
	if e, ok := s.elfs[path]; ok {
		return e
	}
	e, err := readELFSyms(filepath.Join(s.root, path))
	if err != nil {
		e = nil
	}
	s.elfs[path] = e
	return e
}

// vaddr turns a file offset into the ELF virtual address symbols use.
func (e *elfSyms) vaddr(off uint64) uint64 {
	for _, p := range e.segs {
		if off >= p.Off && off < p.Off+p.Filesz {
			return off - p.Off + p.Vaddr
		}
	}
	return off
}

func readELFSyms(path string) (*elfSyms, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	e := &elfSyms{}
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD {
			e.segs = append(e.segs, p.ProgHeader)
		}
	}
	seen := map[uint64]bool{}
	for _, read := range []func() ([]elf.Symbol, error){f.Symbols, f.DynamicSymbols} {
		syms, _ := read()
		for _, sy := range syms {
			if elf.ST_TYPE(sy.Info) != elf.STT_FUNC || sy.Value == 0 || seen[sy.Value] {
				continue
			}
			seen[sy.Value] = true
			name := sy.Name
			if i := strings.IndexByte(name, '@'); i > 0 {
				name = name[:i]
			}
			e.tab.add(sy.Value, sy.Size, name)
		}
	}
	e.tab.sort()
	return e, nil
}

// readMaps parses /proc/PID/maps, keeping executable file mappings.
func readMaps(path string) ([]mapping, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ms []mapping
	for _, line := range strings.Split(string(data), "\n") {
		fs := strings.Fields(line)
		if len(fs) < 6 || !strings.Contains(fs[1], "x") || !strings.HasPrefix(fs[5], "/") {
			continue
		}
		var m mapping
		if _, err := fmt.Sscanf(fs[0], "%x-%x", &m.start, &m.end); err != nil {
			continue
		}
		m.off, _ = strconv.ParseUint(fs[2], 16, 64)
		m.path = fs[5]
		ms = append(ms, m)
	}
	return ms, nil
}

// follow keeps the mapping snapshot of pid fresh until stop is closed or
// the process is gone, so that its addresses resolve after it exits (a
// -c child has just exec'd, and may dlopen later). It polls quickly at
// first, then every 100ms.
func (s *symbols) follow(pid uint32, stop <-chan struct{}) {
	for i := 0; ; i++ {
		s.mu.Lock()
		ok := s.snapshot(pid)
		s.mu.Unlock()
		if !ok {
			return
		}
		wait := 100 * time.Millisecond
		if i < 20 {
			wait = 5 * time.Millisecond
		}
		select {
		case <-stop:
			return
		case <-time.After(wait):
		}
	}
}
