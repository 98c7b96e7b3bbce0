// This file splits map keys into their parts and resolves the stacks among
// them to named frames, for metrics labels, pprof profiles and folded
// stacks alike.

package export

import (
	"encoding/binary"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gtrace/gtrace/lang/types"
	"github.com/gtrace/gtrace/runtime/format"
)

// keyPart is one element of a map key and its bytes.
type keyPart struct {
	t *types.Type
	b []byte
}

// splitKey returns the parts of key b of type t: the elements of a tuple,
// or the key itself.
func splitKey(t *types.Type, b []byte) []keyPart {
	if t == nil {
		return nil
	}
	if t.Kind != types.Tuple {
		return []keyPart{{t, pad(b, t.Size)}}
	}
	b = pad(b, t.Size)
	offs := t.Offsets()
	parts := make([]keyPart, len(t.Elems))
	for i, e := range t.Elems {
		parts[i] = keyPart{e, b[offs[i] : offs[i]+e.Size]}
	}
	return parts
}

// keyKinds returns the types of the parts of key type t.
func keyKinds(t *types.Type) []*types.Type {
	switch {
	case t == nil:
		return nil
	case t.Kind == types.Tuple:
		return t.Elems
	}
	return []*types.Type{t}
}

func isStack(t *types.Type) bool { return t.Kind == types.KStack || t.Kind == types.UStack }

// hasStack reports whether key type t holds a kstack or ustack.
func hasStack(t *types.Type) bool {
	for _, e := range keyKinds(t) {
		if isStack(e) {
			return true
		}
	}
	return false
}

// frame is one resolved stack frame.
type frame struct {
	addr   uint64
	pid    uint32 // 0 for kernel frames
	kernel bool
	// funcs are the function names at addr, the innermost first: inlined
	// callees, then the function that holds the code. Empty when the
	// address did not resolve.
	funcs  []string
	module string // the file of a user frame, "" when unknown
}

// name is the frame's innermost function, or its address in hex.
func (f frame) name() string {
	if len(f.funcs) > 0 {
		return f.funcs[0]
	}
	return "0x" + strconv.FormatUint(f.addr, 16)
}

// InlineSymbolizer is implemented by symbolizers that know the functions
// inlined at a user address: UserInline returns them innermost first,
// ending with the function that holds the code.
type InlineSymbolizer interface {
	UserInline(pid uint32, addr uint64) ([]format.Symbol, bool)
}

// resolver resolves frames through a session's Env, with a cache, so that
// a frame shared by many stacks is looked up once per read.
type resolver struct {
	env     *format.Env
	inlines *inlines
	cache   map[frameKey]frame
}

type frameKey struct {
	addr   uint64
	pid    uint32
	kernel bool
	// caller: addr is a return address (every frame but the first), so
	// the call it returns from is at addr-1, which may be in an inlined
	// function that addr is already past.
	caller bool
}

func newResolver(env *format.Env, in *inlines) *resolver {
	return &resolver{env: env, inlines: in, cache: map[frameKey]frame{}}
}

// stack returns the frames of stack part p, innermost first. A stack that
// could not be captured or read has no frames.
func (r *resolver) stack(p keyPart) []frame {
	id := binary.LittleEndian.Uint64(p.b)
	var pid uint32
	if p.t.Kind == types.UStack {
		pid = uint32(binary.LittleEndian.Uint64(p.b[8:]))
	}
	if r.env == nil || r.env.Stacks == nil || id == 0 {
		return nil
	}
	addrs, ok := r.env.Stacks.Stack(id)
	if !ok {
		return nil
	}
	if p.t.Stack != nil && p.t.Stack.Limit > 0 && len(addrs) > p.t.Stack.Limit {
		addrs = addrs[:p.t.Stack.Limit]
	}
	frames := make([]frame, 0, len(addrs))
	for i, a := range addrs {
		if a == 0 {
			break
		}
		frames = append(frames, r.frame(frameKey{a, pid, p.t.Kind == types.KStack, i > 0 && p.t.Kind == types.UStack}))
	}
	return frames
}

func (r *resolver) frame(k frameKey) frame {
	if f, ok := r.cache[k]; ok {
		return f
	}
	f := frame{addr: k.addr, pid: k.pid, kernel: k.kernel}
	if syms := r.env.Syms; syms != nil {
		if k.kernel {
			if s, ok := syms.Kernel(k.addr); ok && s.Name != "" {
				f.funcs = []string{s.Name}
			}
		} else {
			f.funcs, f.module = r.userFuncs(syms, k.pid, k.addr, k.caller)
		}
	}
	r.cache[k] = f
	return f
}

// userFuncs resolves a user address, with its inlined functions, which
// the symbolizer gives or the file's DWARF tells.
func (r *resolver) userFuncs(syms format.Symbolizer, pid uint32, addr uint64, caller bool) ([]string, string) {
	if in, ok := syms.(InlineSymbolizer); ok {
		if ss, ok := in.UserInline(pid, addr); ok && len(ss) > 0 {
			names := make([]string, 0, len(ss))
			for _, s := range ss {
				if s.Name != "" {
					names = append(names, s.Name)
				}
			}
			return names, ss[len(ss)-1].Module
		}
	}
	s, ok := syms.User(pid, addr)
	if !ok || s.Name == "" {
		return nil, s.Module
	}
	off := s.Offset
	if caller && off > 0 {
		off--
	}
	var names []string
	if s.Module != "" {
		names = r.inlines.at(s.Module, s.Name, off)
	}
	return append(names, s.Name), s.Module
}

// keyFrames returns the frames of every stack in parts, innermost first:
// the kernel stack above the user stack, as they were on the CPU.
func (r *resolver) keyFrames(parts []keyPart) []frame {
	var ks, us []frame
	for _, p := range parts {
		switch p.t.Kind {
		case types.KStack:
			ks = append(ks, r.stack(p)...)
		case types.UStack:
			us = append(us, r.stack(p)...)
		}
	}
	return append(ks, us...)
}

// rootFirst returns the function names of frames from the outermost to the
// innermost, inlined functions expanded, as folded stacks list them.
func rootFirst(frames []frame) []string {
	var names []string
	for i := len(frames) - 1; i >= 0; i-- {
		f := frames[i]
		if len(f.funcs) == 0 {
			names = append(names, f.name())
			continue
		}
		for j := len(f.funcs) - 1; j >= 0; j-- {
			names = append(names, f.funcs[j])
		}
	}
	return names
}

// partText is the text of a key part that is not a stack, valid UTF-8.
func partText(env *format.Env, p keyPart) string {
	return strings.ToValidUTF8(format.Value(env, p.t, p.b), "\uFFFD")
}

// foldedText joins frame names for a folded line or a label: ';' between
// frames, so a name may not hold one.
func foldedText(names []string) string {
	clean := make([]string, len(names))
	for i, n := range names {
		n = strings.ReplaceAll(n, ";", ":")
		if !utf8.ValidString(n) {
			n = strings.ToValidUTF8(n, "\uFFFD")
		}
		clean[i] = n
	}
	return strings.Join(clean, ";")
}

// pad returns b extended with zeros to at least n bytes.
func pad(b []byte, n int) []byte {
	if len(b) >= n {
		return b
	}
	p := make([]byte, n)
	copy(p, b)
	return p
}
