// This file reads the output ring buffer and dispatches each record by its
// event descriptor.

package runtime

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/cilium/ebpf/ringbuf"

	"github.com/gtrace/gtrace/codegen"
	"github.com/gtrace/gtrace/lang/types"
	"github.com/gtrace/gtrace/runtime/format"
)

// Fence nonces. fenceSync tells Run that every earlier record has been
// handled; fenceBeforeEnd and fenceAfterEnd bracket END's records, written
// right before and after END runs so that few records of probes still
// attached can slip in between.
const (
	fenceBeforeEnd = 1
	fenceAfterEnd  = 2
	fenceSync      = 3
	fencePrintMaps = 4
	fenceText      = 5 // print the oldest text of Session.ordered
)

// Polling. After a drain of at least busyBatch records the reader sleeps
// busyPause before reading again instead of waiting on epoll: the kernel
// wakes the reader (an irq_work on the writing CPU) only for a record
// written while the reader has caught up, so a reader that keeps catching
// up one record at a time costs the traced program a wakeup per record,
// while one that lets records gather costs one per pause. A quiet ring
// (a short drain) is waited for on epoll, so sparse output shows at once.
const (
	busyBatch = 64
	busyPause = time.Millisecond
)

// reader is the state of the goroutine that owns the ring buffer.
type reader struct {
	s *Session
	// dropping is set by exit(): records are dropped until the END fence
	// (and again after an exit() in END).
	dropping bool
	inEnd    bool
	exitCode int
	// stopping is set when the session is stopped by a signal: until the
	// END fence, records are counted in dropped and not handled, so that
	// END runs promptly however much output is queued.
	stopping atomic.Bool
	dropped  uint64
	// synced is closed when the sync fence has been read: every record
	// written before it has been handled.
	synced    chan struct{}
	wasSynced bool
	// line is the text of the record being handled, reused.
	line []byte
}

// loop reads records until the fence after END (or the reader is
// closed), dispatching them in order. It signals exit() on s.stopped and
// returns the first dispatch error. Output is flushed whenever the ring
// buffer is drained, after every record on a terminal, and at the end.
func (r *reader) loop() error {
	var rec ringbuf.Record
	var firstErr error
	n := 0
	for {
		err := r.s.rd.ReadInto(&rec)
		if err != nil {
			r.s.out.Flush()
			if errors.Is(err, os.ErrClosed) || errors.Is(err, ringbuf.ErrClosed) {
				return firstErr
			}
			return errors.Join(firstErr, fmt.Errorf("read ring buffer: %w", err))
		}
		done, err := r.record(rec.RawSample)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		if done {
			r.s.out.Flush()
			return firstErr
		}
		n++
		if r.flush(rec.Remaining, n) {
			time.Sleep(busyPause)
		}
		if rec.Remaining == 0 {
			n = 0
		}
	}
}

// flush flushes the output after the n-th record of a drain when the ring
// buffer is empty (remaining bytes 0) or stdout is a terminal, and reports
// whether the reader should pause before reading again (see busyBatch).
func (r *reader) flush(remaining, n int) bool {
	if remaining > 0 && !r.s.tty {
		return false
	}
	r.s.out.Flush()
	return remaining == 0 && n >= busyBatch && !r.stopping.Load()
}

// record handles one record and reports whether it was the last fence.
func (r *reader) record(b []byte) (bool, error) {
	if len(b) < 8 {
		return false, fmt.Errorf("short ring buffer record (%d bytes)", len(b))
	}
	id := binary.NativeEndian.Uint64(b)
	if id == FenceID {
		return r.fence(b[8:]), nil
	}
	if r.dropping {
		return false, nil
	}
	if !r.inEnd && r.stopping.Load() {
		r.dropped++
		return false, nil
	}
	if id >= uint64(len(r.s.prog.Events)) {
		return false, fmt.Errorf("ring buffer record with unknown event id %d", id)
	}
	ev := r.s.prog.Events[id]
	switch ev.Kind {
	case codegen.EvExit:
		r.exit(ev, b[8:])
		return false, nil
	case codegen.EvPrintf:
		return false, r.printf(ev, b[8:])
	}
	return false, r.s.dispatch(ev, b[8:])
}

// printf formats a printf record straight into the output buffer, with
// the event's printer (see Session.printers).
func (r *reader) printf(ev *codegen.Event, b []byte) error {
	var err error
	r.line, err = r.s.printers[ev.ID].Append(r.line[:0], &r.s.env.env, b)
	if r.s.opts.JSON {
		r.s.out.WriteString(format.Message("printf", string(r.line)))
		return err
	}
	r.s.out.Write(r.line)
	return err
}

func (r *reader) fence(b []byte) bool {
	if len(b) < 8 {
		return false
	}
	switch binary.NativeEndian.Uint64(b) {
	case fenceSync:
		if !r.wasSynced {
			r.wasSynced = true
			close(r.synced)
		}
	case fenceBeforeEnd:
		r.inEnd, r.dropping = true, false
	case fencePrintMaps:
		if err := r.s.printAllMaps(r.s.out); err != nil {
			fmt.Fprintf(r.s.errw, "ERROR: %v\n", err)
		}
	case fenceText:
		r.s.out.WriteString(r.s.takeOrdered())
	case fenceAfterEnd:
		return true
	}
	return false
}

// exit handles exit([code]): later records are dropped, and Run is told.
func (r *reader) exit(ev *codegen.Event, b []byte) {
	r.dropping = true
	code := 0
	if len(ev.Args) == 1 && ev.Args[0].IsInt() {
		code = int(readInt(ev.Args[0], b))
	}
	r.exitCode = code
	if !r.inEnd {
		select {
		case r.s.stopped <- code:
		default:
		}
	}
}

// readInt reads an integer of type t at the start of b.
func readInt(t *types.Type, b []byte) int64 {
	if len(b) < t.Size {
		return 0
	}
	switch t.Size {
	case 1:
		if t.Signed {
			return int64(int8(b[0]))
		}
		return int64(b[0])
	case 2:
		v := binary.NativeEndian.Uint16(b)
		if t.Signed {
			return int64(int16(v))
		}
		return int64(v)
	case 4:
		v := binary.NativeEndian.Uint32(b)
		if t.Signed {
			return int64(int32(v))
		}
		return int64(v)
	}
	return int64(binary.NativeEndian.Uint64(b))
}

// dispatch performs one output event.
func (s *Session) dispatch(ev *codegen.Event, b []byte) error {
	env := &s.env.env
	switch ev.Kind {
	case codegen.EvPrintf:
		text, err := s.printers[ev.ID].Format(env, b)
		s.out.WriteString(format.Output(env, "printf", text))
		return err
	case codegen.EvPrint, codegen.EvPrintNonMap:
		if len(ev.Args) != 1 {
			return fmt.Errorf("print event %d has %d args", ev.ID, len(ev.Args))
		}
		s.out.WriteString(format.PrintValue(env, ev.Args[0], b))
	case codegen.EvPrintMap:
		return s.printMap(s.out, ev.Map, ev.Top, ev.Div)
	case codegen.EvClear:
		return s.clearMap(ev.Map)
	case codegen.EvZero:
		return s.zeroMap(ev.Map)
	case codegen.EvTime:
		f := ev.Format
		if f == "" {
			f = format.DefaultTimeFormat
		}
		s.out.WriteString(format.Output(env, "time", format.Time(env, f, time.Now())))
	case codegen.EvCat:
		return s.cat(ev, b)
	case codegen.EvJoin:
		text := joinText(ev, b)
		if env.JSON {
			text = strings.TrimSuffix(text, "\n") // bpftrace's JSON join has no newline
		}
		s.out.WriteString(format.Output(env, "join", text))
	case codegen.EvSystem:
		return s.system(ev, b)
	case codegen.EvHelperError:
		s.out.WriteString(format.HelperWarning(env, helperError(ev, b)))
	case codegen.EvErrorf, codegen.EvWarnf:
		return s.diagf(ev, b)
	case codegen.EvDivZero:
		fmt.Fprint(s.errw, format.DivZeroWarning(helperError(ev, b)))
	default:
		return fmt.Errorf("event %d: unknown kind %d", ev.ID, ev.Kind)
	}
	return nil
}

// cat prints the contents of the file its format names.
func (s *Session) cat(ev *codegen.Event, b []byte) error {
	path, err := s.printers[ev.ID].Format(&format.Env{}, b)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		s.out.Flush()
		fmt.Fprintf(s.errw, "ERROR: failed to open file '%s': %s\n", path, errnoText(err))
		return nil
	}
	if n := catBytesMax(); len(data) > n {
		data = data[:n]
	}
	s.out.WriteString(format.Output(&s.env.env, "cat", string(data)))
	return nil
}

// diagf prints an errorf() or warnf() message to stderr, at the call's
// place in the script; --no-warnings drops warnf's.
func (s *Session) diagf(ev *codegen.Event, b []byte) error {
	level := "ERROR"
	if ev.Kind == codegen.EvWarnf {
		if s.opts.NoWarnings {
			return nil
		}
		level = "WARNING"
	}
	text, err := s.printers[ev.ID].Format(&s.env.env, b)
	if err != nil {
		return err
	}
	h := helperError(ev, nil)
	s.out.Flush()
	fmt.Fprint(s.errw, format.Diagnostic(h, level, strings.TrimSuffix(text, "\n"))+expandedFrom(ev, level))
	return nil
}

// system runs its formatted command with sh -c and prints its output; it
// only runs with --unsafe (the checker rejects it otherwise).
func (s *Session) system(ev *codegen.Event, b []byte) error {
	cmd, err := s.printers[ev.ID].Format(&format.Env{}, b)
	if err != nil {
		return err
	}
	if !s.opts.Unsafe {
		return fmt.Errorf("system(%q) needs --unsafe", cmd)
	}
	s.out.Flush()
	out, err := exec.CommandContext(s.stopCtx, "/bin/sh", "-c", cmd).Output()
	s.out.WriteString(format.Output(&s.env.env, "syscall", string(out)))
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		fmt.Fprintf(s.errw, "system: %v\n", err)
	}
	return nil
}

// joinText joins the strings of join()'s array argument with the event's
// delimiter (default " "); the array ends at its first empty string.
func joinText(ev *codegen.Event, b []byte) string {
	delim := ev.Format
	if delim == "" {
		delim = " "
	}
	if len(ev.Args) != 1 {
		return "\n"
	}
	t := ev.Args[0]
	var parts []string
	switch t.Kind {
	case types.Array:
		for i := range t.Len {
			off := i * t.Elem.Size
			if off+t.Elem.Size > len(b) {
				break
			}
			s := cstring(b[off : off+t.Elem.Size])
			if s == "" {
				break
			}
			parts = append(parts, s)
		}
	case types.String:
		parts = append(parts, cstring(b[:min(len(b), t.Size)]))
	}
	return strings.Join(parts, delim) + "\n"
}

func cstring(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// errnoText spells the errno of err as strerror(3) does ("No such file or
// directory").
func errnoText(err error) string {
	var en syscall.Errno
	if !errors.As(err, &en) {
		return err.Error()
	}
	msg := en.Error()
	if msg == "" {
		return msg
	}
	return strings.ToUpper(msg[:1]) + msg[1:]
}

// catBytesMax is how many bytes cat() prints: GTRACE_CAT_BYTES_MAX or, for
// scripts written for bpftrace, BPFTRACE_MAX_CAT_BYTES (0.26's name) or
// BPFTRACE_CAT_BYTES_MAX (0.17's); 10240 by default.
func catBytesMax() int {
	for _, v := range []string{"GTRACE_CAT_BYTES_MAX", "BPFTRACE_MAX_CAT_BYTES", "BPFTRACE_CAT_BYTES_MAX"} {
		if n, err := strconv.Atoi(os.Getenv(v)); err == nil && n > 0 {
			return n
		}
	}
	return 10240
}

// runtimeFile is the script's name in messages at run time: bpftrace calls
// a -e program "stdin" there (gtrace's compile errors say "<cmdline>").
func runtimeFile(name string) string {
	if name == "<cmdline>" {
		return "stdin"
	}
	return name
}

// helperError describes the failed helper call of an EvHelperError record.
func helperError(ev *codegen.Event, b []byte) format.HelperError {
	h := format.HelperError{Helper: ev.Helper}
	if len(ev.Args) == 1 && len(b) >= 8 {
		h.Ret = readInt(ev.Args[0], b)
	}
	if st := ev.Site; st != nil {
		setSite(&h, st)
	}
	return h
}

// setSite places h at st.
func setSite(h *format.HelperError, st *codegen.Site) {
	sp := st.Span
	h.File, h.Source = runtimeFile(st.File), st.Line
	h.Line, h.Col, h.EndCol = sp.Start.Line, sp.Start.Col, sp.End.Col
	if sp.End.Line != sp.Start.Line {
		h.EndCol = len(st.Line) + 1
	}
}

// expandedFrom returns the "expanded from" lines that follow a message
// at a place inside a macro: one per macro use, innermost first.
func expandedFrom(ev *codegen.Event, level string) string {
	if ev.Site == nil {
		return ""
	}
	var b strings.Builder
	for _, st := range ev.Site.Expanded {
		var h format.HelperError
		setSite(&h, st)
		b.WriteString(format.Diagnostic(h, level, "expanded from"))
	}
	return b.String()
}
