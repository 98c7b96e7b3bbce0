// This file reads whole hash maps with BPF_MAP_LOOKUP_BATCH: thousands of
// entries per system call instead of two calls per key, which is what
// makes printing a map of a million keys fast.

package runtime

import (
	"errors"
	"runtime"
	"slices"
	"unsafe"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"github.com/gtrace/gtrace/runtime/format"
)

// bpfMapLookupBatch is BPF_MAP_LOOKUP_BATCH (linux/bpf.h; kernel 5.6+).
const bpfMapLookupBatch = 24

// lookupBatchAttr is the batch part of union bpf_attr.
type lookupBatchAttr struct {
	inBatch   unsafe.Pointer
	outBatch  unsafe.Pointer
	keys      unsafe.Pointer
	values    unsafe.Pointer
	count     uint32
	mapFD     uint32
	elemFlags uint64
	flags     uint64
}

// enotsupp is the kernel's ENOTSUPP (524), which user space has no name for.
const enotsupp = unix.Errno(524)

// batchChunk is how many entries the first call asks for; each later call
// asks for as many as the buffers, doubled when full, have room for. A
// hash bucket holding more than a call asks for makes the kernel answer
// ENOSPC, and the buffers grow.
const batchChunk = 4096

// batchPresize bounds the buffers readBatch allocates before it knows how
// many entries there are.
const batchPresize = 256 << 20

// errNoBatch says the batch path does not apply; the caller iterates.
var errNoBatch = errors.New("no batch lookup")

// readBatch reads every entry of a hash map (per-CPU or not) in batches,
// into the flat buffers of a table. It returns errNoBatch for other map
// types and where the kernel lacks batch lookups.
func readBatch(km *ebpf.Map, perCPU bool) (*format.Table, error) {
	switch km.Type() {
	case ebpf.Hash, ebpf.PerCPUHash, ebpf.LRUHash, ebpf.LRUCPUHash:
	default:
		return nil, errNoBatch
	}
	t := &format.Table{KeySize: int(km.KeySize()), ValSize: int(km.ValueSize()), NCPU: 1}
	t.Stride = t.ValSize
	if perCPU {
		n, err := ebpf.PossibleCPU()
		if err != nil {
			return nil, err
		}
		t.NCPU, t.Stride = n, (t.ValSize+7)&^7
	}
	entry := t.NCPU * t.Stride
	var cursor [8]byte // a u32 bucket for hash maps
	first := true
	want := batchChunk
	// Room for a full map, unless that is more than batchPresize bytes: a
	// large allocation comes from pages the kernel has not mapped yet,
	// which only the entries read touch, while growing by copies touches
	// every page twice (page faults are most of the cost of reading).
	if full := int(km.MaxEntries()); full*(t.KeySize+entry) <= batchPresize {
		want = max(want, full)
	}
	for {
		if room(t) < want {
			more := max(t.N, want)
			t.Keys = slices.Grow(t.Keys[:t.N*t.KeySize], more*t.KeySize)
			t.Vals = slices.Grow(t.Vals[:t.N*entry], more*entry)
		}
		count := room(t)
		keys := t.Keys[t.N*t.KeySize : cap(t.Keys)]
		vals := t.Vals[t.N*entry : cap(t.Vals)]
		attr := lookupBatchAttr{
			outBatch: unsafe.Pointer(&cursor[0]),
			keys:     unsafe.Pointer(&keys[0]),
			values:   unsafe.Pointer(&vals[0]),
			count:    uint32(count),
			mapFD:    uint32(km.FD()),
		}
		if !first {
			attr.inBatch = unsafe.Pointer(&cursor[0])
		}
		_, _, errno := unix.Syscall(unix.SYS_BPF, bpfMapLookupBatch, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
		runtime.KeepAlive(keys)
		runtime.KeepAlive(vals)
		runtime.KeepAlive(&cursor)
		switch {
		case errno == unix.ENOSPC:
			want = 2 * count
			continue
		case errno == unix.EINVAL || errno == enotsupp || errno == unix.EOPNOTSUPP:
			if first {
				return nil, errNoBatch
			}
			return nil, errno
		case errno != 0 && errno != unix.ENOENT:
			return nil, errno
		}
		first = false
		t.N += int(attr.count)
		want = batchChunk
		if errno == unix.ENOENT {
			t.Keys, t.Vals = t.Keys[:t.N*t.KeySize], t.Vals[:t.N*entry]
			return t, nil
		}
	}
}

// room is how many more entries the buffers of t hold.
func room(t *format.Table) int {
	return min(cap(t.Keys)/t.KeySize, cap(t.Vals)/(t.NCPU*t.Stride)) - t.N
}
