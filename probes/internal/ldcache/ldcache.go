// Package ldcache reads glibc's /etc/ld.so.cache (the "glibc-ld.so.cache1.1"
// format that ldconfig has written since glibc 2.32, alone or after the old
// "ld.so-1.7.0" table) to find shared libraries by name.
package ldcache

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// Entry is one library of the cache.
type Entry struct {
	Name  string // soname, "libc.so.6"
	Path  string // "/lib/x86_64-linux-gnu/libc.so.6"
	Flags int32  // ldconfig's type and architecture flags
}

const (
	oldMagic   = "ld.so-1.7.0"
	newMagic   = "glibc-ld.so.cache1.1"
	newHdrSize = 48
	newEntSize = 24
	oldEntSize = 12
)

// Parse decodes a cache file. Entries keep the cache's order (ldconfig's
// order of preference). The new format's string offsets are relative to
// the start of its header.
func Parse(data []byte) ([]Entry, error) {
	start := 0
	if bytes.HasPrefix(data, []byte(oldMagic)) {
		if len(data) < 16 {
			return nil, errors.New("truncated ld.so.cache")
		}
		n := int(binary.LittleEndian.Uint32(data[12:]))
		if n < 0 || n > len(data)/oldEntSize {
			return nil, errors.New("invalid ld.so.cache")
		}
		start = (16 + n*oldEntSize + 7) &^ 7
	}
	if start > len(data) || !bytes.HasPrefix(data[start:], []byte(newMagic)) {
		return nil, errors.New("unsupported ld.so.cache format")
	}
	return parseNew(data[start:])
}

func parseNew(data []byte) ([]Entry, error) {
	if len(data) < newHdrSize {
		return nil, errors.New("truncated ld.so.cache")
	}
	// The byte order is the host's; caches written for another order
	// carry a flag, but only little-endian hosts are supported here.
	n := int(binary.LittleEndian.Uint32(data[20:]))
	if n < 0 || n > (len(data)-newHdrSize)/newEntSize {
		return nil, fmt.Errorf("invalid ld.so.cache: %d entries", n)
	}
	entries := make([]Entry, 0, n)
	for i := range n {
		e := data[newHdrSize+i*newEntSize:]
		key := cstring(data, binary.LittleEndian.Uint32(e[4:]))
		val := cstring(data, binary.LittleEndian.Uint32(e[8:]))
		if key == "" || val == "" {
			return nil, fmt.Errorf("invalid ld.so.cache entry %d", i)
		}
		entries = append(entries, Entry{Name: key, Path: val, Flags: int32(binary.LittleEndian.Uint32(e))})
	}
	return entries, nil
}

func cstring(data []byte, off uint32) string {
	if uint64(off) >= uint64(len(data)) {
		return ""
	}
	s := data[off:]
	if i := bytes.IndexByte(s, 0); i >= 0 {
		return string(s[:i])
	}
	return ""
}
