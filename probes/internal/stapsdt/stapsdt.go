// Package stapsdt decodes the SystemTap SDT notes (USDT probes) of an ELF
// file's .note.stapsdt section.
//
// Each note has the ELF note header (namesz, descsz, type 3), the name
// "stapsdt", and a descriptor of three addresses (the probe's pc, the link
// address of .stapsdt.base, and the semaphore address or 0), each 4 or 8
// bytes by ELF class, followed by three NUL-terminated strings: provider,
// probe name and argument spec ("-4@%eax 8@-16(%rbp)").
package stapsdt

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Probe is one USDT probe site.
type Probe struct {
	Provider  string
	Name      string
	PC        uint64 // link-time address of the probe's nop
	Base      uint64 // link-time address of .stapsdt.base, for prelink adjustment
	Semaphore uint64 // link-time address of the semaphore, 0 when none
	Args      string // argument spec, "" when none
}

// noteType is NT_STAPSDT.
const noteType = 3

// Parse decodes the contents of a .note.stapsdt section. addrSize is 8 for
// ELFCLASS64 and 4 for ELFCLASS32. Notes of other owners or types are
// skipped; a truncated or malformed stapsdt note is an error.
func Parse(data []byte, order binary.ByteOrder, addrSize int) ([]Probe, error) {
	if addrSize != 4 && addrSize != 8 {
		return nil, fmt.Errorf("invalid address size %d", addrSize)
	}
	var probes []Probe
	for off := 0; off < len(data); {
		if len(data)-off < 12 {
			return nil, fmt.Errorf("truncated note header at offset %d", off)
		}
		namesz := uint64(order.Uint32(data[off:]))
		descsz := uint64(order.Uint32(data[off+4:]))
		typ := order.Uint32(data[off+8:])
		nameEnd := uint64(off+12) + namesz
		descOff := align4(nameEnd)
		descEnd := descOff + descsz
		if descEnd > uint64(len(data)) {
			return nil, fmt.Errorf("truncated note at offset %d", off)
		}
		name := data[off+12 : nameEnd]
		if typ == noteType && string(bytes.TrimRight(name, "\x00")) == "stapsdt" {
			p, err := parseDesc(data[descOff:descEnd], order, addrSize)
			if err != nil {
				return nil, fmt.Errorf("note at offset %d: %w", off, err)
			}
			probes = append(probes, p)
		}
		off = int(align4(descEnd))
	}
	return probes, nil
}

func align4(n uint64) uint64 { return (n + 3) &^ 3 }

func parseDesc(desc []byte, order binary.ByteOrder, addrSize int) (Probe, error) {
	var p Probe
	if len(desc) < 3*addrSize {
		return p, fmt.Errorf("descriptor of %d bytes is too short", len(desc))
	}
	addr := func(i int) uint64 {
		if addrSize == 8 {
			return order.Uint64(desc[i*8:])
		}
		return uint64(order.Uint32(desc[i*4:]))
	}
	p.PC, p.Base, p.Semaphore = addr(0), addr(1), addr(2)
	strs := desc[3*addrSize:]
	fields := make([]string, 0, 3)
	for range 3 {
		i := bytes.IndexByte(strs, 0)
		if i < 0 {
			break
		}
		fields = append(fields, string(strs[:i]))
		strs = strs[i+1:]
	}
	if len(fields) < 2 {
		return p, fmt.Errorf("descriptor lacks a provider and a name")
	}
	p.Provider, p.Name = fields[0], fields[1]
	if len(fields) == 3 {
		p.Args = fields[2]
	}
	if p.Provider == "" || p.Name == "" {
		return p, fmt.Errorf("empty provider or probe name")
	}
	return p, nil
}
