package probes

// This file gives uprobes and uretprobes their "args" from DWARF: the
// parameters of a C or Go function at its entry, and the results of a Go
// function at its return, each with where its bytes are (registers or
// the stack) by the function's calling convention (abi.go).

import (
	"debug/dwarf"
	"errors"
	"fmt"
	"strings"

	"github.com/gtrace/gtrace/lang/types"
	"github.com/gtrace/gtrace/probes/internal/elfsym"
)

// funcArgs are the parameters args names in one probe.
type funcArgs struct {
	params []elfsym.Param // the ones args shows, in order
	goABI  bool
	ret    bool // uretprobe: the results
	all    []elfsym.Param
}

// funcArgs reads the parameters of a full uprobe or uretprobe name.
func (p *uprobeProvider) funcArgs(probe string) (*funcArgs, error) {
	_, path, sym, err := splitUprobe(probe)
	if err != nil {
		return nil, err
	}
	if _, isAddr := parseAddr(sym); isAddr || strings.ContainsRune(sym, '+') {
		return nil, fmt.Errorf("args needs a function, not an address or an offset (%s)", sym)
	}
	f, err := p.k.binary(path)
	if err != nil {
		return nil, err
	}
	fn, _ := f.Func(sym)
	all, err := elfsym.FuncParams(path, sym)
	if errors.Is(err, elfsym.ErrNoDWARF) {
		return nil, noDWARFError(path)
	}
	if err != nil {
		return nil, err
	}
	fa := &funcArgs{goABI: f.GoABI(fn), ret: p.name == "uretprobe", all: all}
	for _, prm := range all {
		if !fa.goABI || prm.Result == fa.ret {
			fa.params = append(fa.params, prm)
		}
	}
	return fa, nil
}

// noDWARFError says that args cannot be had for a binary without DWARF.
type noDWARFError string

func (e noDWARFError) Error() string {
	return string(e) + " has no DWARF debug information, which args needs: build it with -g (or install its debug file), or use arg0, arg1, ..."
}

func (noDWARFError) Is(target error) bool { return target == elfsym.ErrNoDWARF }

// argName is the name args gives a parameter: Go's unnamed results
// "~r0", "~r1" are r0, r1.
func argName(prm elfsym.Param) string {
	return strings.TrimPrefix(prm.Name, "~")
}

// Args returns the type of "args" in a uprobe or uretprobe: a struct with
// one field per parameter (per result in a uretprobe on a Go function),
// each with the Pieces that say where it is. A C function's parameters are
// not available at its return (their registers are reused); a binary
// without DWARF has no args.
func (p *uprobeProvider) Args(probe string) (*types.Type, error) {
	fa, err := p.funcArgs(probe)
	if err != nil {
		return nil, err
	}
	if fa.ret && !fa.goABI {
		return nil, errors.New("the arguments of a C function are not available at its return: use retval, or read args in a uprobe")
	}
	tys := make([]dwarf.Type, len(fa.params))
	for i, prm := range fa.params {
		tys[i] = prm.Type
	}
	var pieces [][]types.Piece
	switch {
	case !fa.goABI:
		pieces = sysvPieces(tys)
	case fa.ret:
		var in []dwarf.Type
		for _, prm := range fa.all {
			if !prm.Result {
				in = append(in, prm.Type)
			}
		}
		pieces = goPieces(in, tys, true)
	default:
		pieces = goPieces(tys, nil, false)
	}
	conv := &dwarfTypes{}
	st := &types.Type{Kind: types.Struct, Name: "args"}
	for i, prm := range fa.params {
		f := &types.Field{Name: argName(prm), Pieces: pieces[i]}
		if pieces[i] != nil {
			f.Type = conv.conv(prm.Type)
		}
		st.Fields = append(st.Fields, f)
	}
	return st, nil
}

// Describe returns the function's parameters from DWARF, one
// "    TYPE NAME\n" line each, as "bpftrace -lv" prints them (C types
// spelled as C, Go types as Go); for Go functions, the arguments under a
// uprobe and the results under a uretprobe, as args names them. "" for
// addresses, offsets and binaries without DWARF.
func (p *uprobeProvider) Describe(probe string) (string, error) {
	_, _, sym, err := splitUprobe(probe)
	if err != nil {
		return "", err
	}
	if _, isAddr := parseAddr(sym); isAddr || strings.ContainsRune(sym, '+') {
		return "", nil
	}
	fa, err := p.funcArgs(probe)
	if errors.Is(err, elfsym.ErrNoFunc) || errors.Is(err, elfsym.ErrNoDWARF) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, prm := range fa.params {
		name := elfsym.CName(prm.Type)
		if fa.goABI {
			name = goTypeName(prm.Type)
		}
		fmt.Fprintf(&b, "    %s %s\n", name, argName(prm))
	}
	return b.String(), nil
}

// goTypeName spells a type of a Go program's DWARF as Go does ("string",
// "[]int", "main.point").
func goTypeName(t dwarf.Type) string {
	if n := t.Common().Name; n != "" {
		return n
	}
	if st, ok := t.(*dwarf.StructType); ok {
		return st.StructName
	}
	return t.String()
}
