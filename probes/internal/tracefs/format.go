package tracefs

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Format is a parsed tracepoint format file.
type Format struct {
	Name   string
	ID     int
	Fields []Field // in file order, common_* fields included
}

// Field is one "field:" line of a format file.
type Field struct {
	Decl    string // the declaration as written: "const char * filename", "char comm[16]"
	Type    string // the declared type without the name: "const char *", "char", "__data_loc char[]"
	Name    string
	Len     int  // array length for "name[N]"; 0 when not an array
	Offset  int  // bytes from the start of the record
	Size    int  // bytes
	Signed  bool // the kernel's signedness flag (for arrays: of an element)
	DataLoc bool // "__data_loc" (or "__rel_loc") dynamic field: a u32 offset|len<<16
	RelLoc  bool // "__rel_loc": the offset is relative to the end of the field
}

// Common reports whether f is one of the common_* header fields every
// event record starts with.
func (f *Field) Common() bool { return strings.HasPrefix(f.Name, "common_") }

// ParseFormat parses the contents of an events/CAT/EVENT/format file.
func ParseFormat(data []byte) (*Format, error) {
	var ft Format
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if err := ft.line(line); err != nil {
			return nil, fmt.Errorf("format line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if ft.Name == "" {
		return nil, errors.New("format has no name")
	}
	return &ft, nil
}

func (ft *Format) line(line string) error {
	switch {
	case strings.HasPrefix(line, "name:"):
		ft.Name = strings.TrimSpace(strings.TrimPrefix(line, "name:"))
	case strings.HasPrefix(line, "ID:"):
		id, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "ID:")))
		if err != nil {
			return fmt.Errorf("bad ID: %w", err)
		}
		ft.ID = id
	case strings.HasPrefix(line, "field:"):
		f, err := parseField(line)
		if err != nil {
			return err
		}
		ft.Fields = append(ft.Fields, *f)
	}
	return nil
}

// parseField parses
// "field:const char * filename;	offset:24;	size:8;	signed:0;".
func parseField(line string) (*Field, error) {
	var f Field
	var haveOff, haveSize bool
	for _, item := range strings.Split(line, ";") {
		key, val, ok := strings.Cut(strings.TrimSpace(item), ":")
		if !ok {
			continue
		}
		var err error
		switch key {
		case "field":
			err = f.decl(strings.TrimSpace(val))
		case "offset":
			f.Offset, err = atoi(val)
			haveOff = true
		case "size":
			f.Size, err = atoi(val)
			haveSize = true
		case "signed":
			f.Signed = strings.TrimSpace(val) == "1"
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
	}
	if f.Name == "" || !haveOff || !haveSize {
		return nil, fmt.Errorf("incomplete field %q", line)
	}
	return &f, nil
}

func atoi(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err == nil && (n < 0 || n > 1<<20) {
		err = fmt.Errorf("%d out of range", n)
	}
	return n, err
}

// decl splits a C declaration into type, name and array length.
func (f *Field) decl(d string) error {
	f.Decl = d
	i := strings.LastIndexFunc(d, func(r rune) bool { return r == ' ' || r == '*' || r == '\t' })
	if i < 0 || i == len(d)-1 {
		return fmt.Errorf("bad declaration %q", d)
	}
	f.Type, f.Name = strings.TrimSpace(d[:i+1]), d[i+1:]
	if name, rest, ok := strings.Cut(f.Name, "["); ok {
		// An unexpanded macro as the length leaves Len 0: the field is
		// then used by its size alone.
		if n, err := strconv.Atoi(strings.TrimSuffix(rest, "]")); err == nil && n > 0 {
			f.Len = n
		}
		f.Name = name
	}
	if f.Name == "" {
		return fmt.Errorf("bad declaration %q", d)
	}
	f.DataLoc = strings.HasPrefix(f.Type, "__data_loc ") || strings.HasPrefix(f.Type, "__rel_loc ")
	f.RelLoc = strings.HasPrefix(f.Type, "__rel_loc ")
	return nil
}
