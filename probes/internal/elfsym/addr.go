package elfsym

// This file answers the reverse questions symbolizers ask: which function
// holds a link-time address, and which link-time address a file offset
// (from a process's mappings) stands for. It also says what a file that is
// not ELF is, for error messages.

import (
	"bytes"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"sort"
)

// Symbolize returns the function that holds the link-time address addr,
// and addr's offset in it. A function of known size must contain addr; one
// of unknown size (size 0) holds everything up to the next function.
func (f *File) Symbolize(addr uint64) (Func, uint64, bool) {
	i := sort.Search(len(f.byAddr), func(i int) bool { return f.byAddr[i].Addr > addr }) - 1
	if i < 0 {
		return Func{}, 0, false
	}
	fn := f.byAddr[i]
	if fn.Size != 0 && addr >= fn.Addr+fn.Size {
		return Func{}, 0, false
	}
	return fn, addr - fn.Addr, true
}

// Vaddr returns the link-time address of a file offset, which must lie in
// the file-backed part of a loadable segment.
func (f *File) Vaddr(off uint64) (uint64, bool) {
	for _, p := range f.loads {
		if p.Off <= off && off < p.Off+p.Filesz {
			return off - p.Off + p.Vaddr, true
		}
	}
	return 0, false
}

// sniff returns an error that says what the file at path is when it does
// not start with the ELF magic (an empty file, a script, a file too short
// for an ELF header), and nil for an ELF file or one it cannot read (the
// ELF reader then reports the error).
func sniff(path string) error {
	fh, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer fh.Close()
	head := make([]byte, 64)
	n, err := io.ReadFull(fh, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil
	}
	head = head[:n]
	switch {
	case n == 0:
		return fmt.Errorf("%s is not an ELF file: it is empty", path)
	case bytes.HasPrefix(head, []byte("#!")):
		line, _, _ := bytes.Cut(head[2:], []byte("\n"))
		return fmt.Errorf("%s is not an ELF file: it is a script for %s", path, bytes.TrimSpace(line))
	case n < 52: // the 32-bit ELF header; the 64-bit one is 64 bytes
		return fmt.Errorf("%s is not an ELF file: %d bytes, shorter than an ELF header", path, n)
	case !bytes.HasPrefix(head, []byte(elf.ELFMAG)):
		return fmt.Errorf("%s is not an ELF file: it does not start with \\x7fELF", path)
	}
	return nil
}
