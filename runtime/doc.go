// Package runtime loads a compiled gtrace program into the kernel, attaches
// its probes, runs BEGIN and END, reads output events from the ring buffer,
// prints maps at exit and detaches cleanly.
//
// # Lifetime
//
// Load creates every map and program (the verifier runs here; a rejection is
// reported against the script statement that produced the failing
// instruction), fills codegen's globals map (start time, cpid) and the
// syscall fast path's number → probe maps, and starts the -c command held.
// Run prints "Attaching N probes...", runs BEGIN with BPF_PROG_TEST_RUN,
// attaches every other target, one after another (the last first, so that
// programs on one event run in script order; timers in script order; see
// attach.go), releases the child, and dispatches events until exit(), the caller's
// context is cancelled, or the -c/-p process ends. It then waits for the
// reader to catch up, runs END, prints every map, reports dropped updates
// and only then detaches, on a pool of goroutines. Close releases every kernel object
// and is idempotent.
//
// A cancelled context (SIGINT, SIGTERM) ends the run at once however much
// output is queued: the reader drops the records still in the ring buffer
// (and says how many: "Dropped N events queued at exit"), a running
// system() command is killed, and the probes are detached before END runs
// and the maps are printed.
//
// # Output
//
// One goroutine reads the ring buffer and formats each record straight
// into one buffered writer, with a printf plan parsed once per call site
// and no allocation per record. The writer is flushed when the ring buffer
// is drained, at exit, and after every record when stdout is a terminal.
// A drain of many records is followed by a short pause instead of an epoll
// wait (see busyBatch in events.go), so that a busy traced program pays for
// one reader wakeup per pause rather than one per record. Records the
// kernel could not write because the ring buffer was full are counted and
// reported ("Lost N events") with the setting to raise.
//
// # Event wire format
//
// Every ring-buffer record is
//
//	u64 id        // index into codegen.Program.Events
//	args...       // laid out as types.NewTuple(Event.Args...) would lay them out
//
// in native byte order. The runtime decodes the arguments by the Event's
// descriptor: printf, cat and system formats are expanded in Go, print and
// print(@m) read the named map, clear and zero rewrite it, exit stops the
// session. A record whose id is FenceID is a fence the runtime writes itself
// (see fence.go): {FenceID, nonce}, to learn when the reader has caught up
// and to tell END's records from those of probes still attached.
package runtime
