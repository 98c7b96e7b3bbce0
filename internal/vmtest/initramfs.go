package vmtest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
)

// Initramfs is the guest's root file system: guest path → host file, plus
// symlinks. It is written as a gzipped cpio "newc" archive, the format the
// kernel unpacks into its rootfs.
type Initramfs struct {
	Files    map[string]string // "/bin/gtrace" → host path
	Symlinks map[string]string // "/bin/sh" → "busybox"
	Store    bool              // gzip without compression (fast for large archives)
}

// Write writes the archive to w. Parent directories are created as needed.
func (ir *Initramfs) Write(w io.Writer) error {
	level := gzip.DefaultCompression
	if ir.Store {
		level = gzip.NoCompression
	}
	zw, err := gzip.NewWriterLevel(w, level)
	if err != nil {
		return err
	}
	cw := &cpioWriter{w: zw, ino: 1}
	dirs := map[string]bool{"/": true}
	var names []string
	for n := range ir.Files {
		names = append(names, n)
	}
	for n := range ir.Symlinks {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := cw.dirs(path.Dir(n), dirs); err != nil {
			return err
		}
		if target, ok := ir.Symlinks[n]; ok {
			if err := cw.entry(n, 0o120777, []byte(target)); err != nil {
				return err
			}
			continue
		}
		data, err := os.ReadFile(ir.Files[n])
		if err != nil {
			return err
		}
		if err := cw.entry(n, 0o100755, data); err != nil {
			return err
		}
	}
	if err := cw.entry("TRAILER!!!", 0, nil); err != nil {
		return err
	}
	return zw.Close()
}

type cpioWriter struct {
	w   io.Writer
	ino int
	n   int64 // bytes written, for padding
}

func (cw *cpioWriter) dirs(d string, done map[string]bool) error {
	if done[d] {
		return nil
	}
	if err := cw.dirs(path.Dir(d), done); err != nil {
		return err
	}
	done[d] = true
	return cw.entry(d, 0o040755, nil)
}

// entry writes one newc header, the name and the data, each padded to 4 bytes.
func (cw *cpioWriter) entry(name string, mode int, data []byte) error {
	name = strings.TrimPrefix(name, "/")
	var b bytes.Buffer
	nlink := 1
	if mode&0o170000 == 0o040000 {
		nlink = 2
	}
	fmt.Fprintf(&b, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		cw.ino, mode, 0, 0, nlink, 0, len(data), 0, 0, 0, 0, len(name)+1, 0)
	cw.ino++
	b.WriteString(name)
	b.WriteByte(0)
	pad(&b, int64(b.Len()))
	b.Write(data)
	pad(&b, int64(len(data)))
	n, err := cw.w.Write(b.Bytes())
	cw.n += int64(n)
	return err
}

func pad(b *bytes.Buffer, n int64) {
	for n%4 != 0 {
		b.WriteByte(0)
		n++
	}
}
