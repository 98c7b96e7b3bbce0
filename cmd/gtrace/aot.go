package main

// This file implements --aot FILE (bpftrace's ahead-of-time mode): FILE is
// a copy of the gtrace executable with the program's text appended behind
// a trailer. When such a copy runs, it runs its program as "gtrace -e" would,
// with the copy's arguments as the program's ($1..$N, "-- --name=value"
// options) and gtrace's flags. The program is checked when --aot writes
// the file and again, against the running kernel, each time it runs.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// aotMagic ends an executable that carries a program. The 8 bytes before it
// are the program's length (little endian), and the program precedes them.
const aotMagic = "\x00gtrace-aot-v1\x00\x00"

// aotMaxProgram bounds the program a trailer may announce.
const aotMaxProgram = 16 << 20

// writeAOT writes path: the running gtrace executable followed by src and
// the trailer, executable by its owner and group.
func writeAOT(path, src string) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("--aot: find gtrace's executable: %w", err)
	}
	in, err := os.Open(self)
	if err != nil {
		return fmt.Errorf("--aot: %w", err)
	}
	defer in.Close()
	// A gtrace that is itself an --aot copy starts with its own program:
	// copy only the gtrace part.
	size, err := exeSize(in)
	if err != nil {
		return fmt.Errorf("--aot: %w", err)
	}
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o750)
	if err != nil {
		return fmt.Errorf("--aot: %w", err)
	}
	var trailer [8]byte
	binary.LittleEndian.PutUint64(trailer[:], uint64(len(src)))
	_, err = io.Copy(out, io.NewSectionReader(in, 0, size))
	for _, b := range [][]byte{[]byte(src), trailer[:], []byte(aotMagic)} {
		if err == nil {
			_, err = out.Write(b)
		}
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("--aot: write %s: %w", path, err)
	}
	return nil
}

// exeSize returns the size of the gtrace executable f without any program
// an --aot trailer appends.
func exeSize(f *os.File) (int64, error) {
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if src, ok := readTrailer(f, fi.Size()); ok {
		return fi.Size() - int64(len(src)) - 8 - int64(len(aotMagic)), nil
	}
	return fi.Size(), nil
}

// readTrailer returns the program an --aot trailer at the end of f (of
// size bytes) carries.
func readTrailer(f io.ReaderAt, size int64) (string, bool) {
	tail := make([]byte, 8+len(aotMagic))
	if size < int64(len(tail)) {
		return "", false
	}
	if _, err := f.ReadAt(tail, size-int64(len(tail))); err != nil || !bytes.Equal(tail[8:], []byte(aotMagic)) {
		return "", false
	}
	n := binary.LittleEndian.Uint64(tail[:8])
	if n > aotMaxProgram || int64(n) > size-int64(len(tail)) {
		return "", false
	}
	src := make([]byte, n)
	if _, err := f.ReadAt(src, size-int64(len(tail))-int64(n)); err != nil {
		return "", false
	}
	return string(src), true
}

// embeddedProgram returns the program built into the running executable by
// --aot, if any.
func embeddedProgram() (string, bool) {
	self, err := os.Executable()
	if err != nil {
		return "", false
	}
	f, err := os.Open(self)
	if err != nil {
		return "", false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", false
	}
	return readTrailer(f, fi.Size())
}

// aotArgs puts the built-in program, if any, before the command line.
func aotArgs(args []string) []string {
	src, ok := embeddedProgram()
	if !ok {
		return args
	}
	return append([]string{"-e", src}, args...)
}
