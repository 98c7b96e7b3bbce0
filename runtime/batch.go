// This file reads whole hash maps with BPF_MAP_LOOKUP_BATCH: thousands of
// entries per system call instead of two calls per key, which is what
// makes printing a map of a million keys fast.

package runtime

import (
	"errors"
	"runtime"
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

// batchChunk is how many entries one call asks for; a hash bucket holding
// more makes the kernel answer ENOSPC, and the chunk is doubled.
const batchChunk = 4096

// errNoBatch says the batch path does not apply; the caller iterates.
var errNoBatch = errors.New("no batch lookup")

// readBatch reads every entry of a hash map (per-CPU or not) in batches.
// The entries' keys and values are slices of a few large buffers. It
// returns errNoBatch for other map types and where the kernel lacks batch
// lookups.
func readBatch(km *ebpf.Map, perCPU bool) ([]format.Entry, error) {
	switch km.Type() {
	case ebpf.Hash, ebpf.PerCPUHash, ebpf.LRUHash, ebpf.LRUCPUHash:
	default:
		return nil, errNoBatch
	}
	ncpu := 1
	if perCPU {
		n, err := ebpf.PossibleCPU()
		if err != nil {
			return nil, err
		}
		ncpu = n
	}
	keySize, valSize := int(km.KeySize()), int(km.ValueSize())
	stride := valSize
	if perCPU {
		stride = (valSize + 7) &^ 7
	}
	// Sized for a full map: the pages of a large allocation are only
	// touched as entries arrive, and growing by copies costs page faults.
	entries := make([]format.Entry, 0, km.MaxEntries())
	var cursor [8]byte // a u32 bucket for hash maps
	chunk := batchChunk
	first := true
	for {
		keys := make([]byte, chunk*keySize)
		vals := make([]byte, chunk*stride*ncpu)
		attr := lookupBatchAttr{
			outBatch: unsafe.Pointer(&cursor[0]),
			keys:     unsafe.Pointer(&keys[0]),
			values:   unsafe.Pointer(&vals[0]),
			count:    uint32(chunk),
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
			chunk *= 2
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
		valArena := make([][]byte, int(attr.count)*ncpu)
		for i := range int(attr.count) {
			e := format.Entry{
				Key:    keys[i*keySize : (i+1)*keySize : (i+1)*keySize],
				Values: valArena[i*ncpu : (i+1)*ncpu : (i+1)*ncpu],
			}
			base := i * stride * ncpu
			for c := range ncpu {
				off := base + c*stride
				e.Values[c] = vals[off : off+valSize : off+valSize]
			}
			entries = append(entries, e)
		}
		if errno == unix.ENOENT {
			return entries, nil
		}
	}
}
