// Package codegen compiles a checked script to eBPF: one program per probe,
// written with cilium/ebpf/asm, plus the map specs and the descriptors the
// runtime needs to decode output events. It is pure: no syscalls, and the
// same inputs give byte-identical programs.
//
// Value layouts (shared with the runtime; see lang/types for sizes):
//   - Int: little endian, Size bytes. String: Size bytes, NUL-terminated.
//   - Count: u64. Sum: s64. Min/Max: {s64 value; u64 set}. Avg/Stats: {u64 count; s64 total}.
//   - Hist: [65]u64; slot 0 holds v<0, slot 1 v==0, slot i>=2 holds 2^(i-2) <= v < 2^(i-1);
//     then one s64, the sum of the values counted (for Prometheus' _sum).
//     hist(v, k) has types.HistSlots(k) slots: slot 0 holds v<0, slot v+1
//     each v below 2^(k+1), and each later power of 2 is split into 2^k
//     slots (histSlotBits); then the same sum.
//   - Lhist(min,max,step): (max-min)/step + 2 slots; slot 0 holds v<min,
//     slot i (1..n) holds [min+(i-1)*step, min+i*step), the last v>=max;
//     then the s64 sum of the values counted.
//   - Ksym: u64 addr. Usym: {u64 addr; u64 pid}. KStack: u64 stack id.
//     UStack: {u64 stack id; u64 pid}. A stack id is a hash of the stack's
//     first Limit frames (0: no stack), the key of its frames ([127]u64,
//     zero-padded) in the HASH map "stackmap". Inet: {u64 af; [16]byte}. Probe: u64 id.
//   - Tuple: C layout (types.Type.Offsets). Buffer: u8 length, then data.
//
// An output record is {u64 event id; args laid out as a tuple}.
//
// Registers: R6 holds the context for the whole program (in a loop
// callback, the program's frame pointer instead). Integer expressions are
// computed into R0 and sign- or zero-extended to 64 bits from their type;
// operands wait in R7 or in stack slots, so helper calls in operands are
// safe. Aggregation updates keep the value pointer in R8 and the argument
// in R7. R9 is the base of the per-CPU scratch value when the program has
// one.
//
// Stack: 8-byte aligned slots below R10; the top 8 bytes are reserved for
// helper keys. Scratch variables get a slot each for the whole program,
// zeroed in the prologue; temporaries are released at the end of each
// statement. When the 512-byte stack is full, values go to the one-entry
// per-CPU array "scratch_<program>", whose pointer the prologue loads into R9.
//
// Maps: keyed aggregations are PERCPU_HASH maps updated in place (a miss
// inserts a zero value copied from the "zero" array with BPF_NOEXIST, then
// looks up again); un-keyed aggregations are one-entry PERCPU_ARRAYs; plain
// values are HASH maps, a scalar under the u64 key 0. A failed insert
// increments the per-CPU u64 of "errors" at the map's index in
// Program.Maps; a failed ring buffer write increments the one at index
// len(Program.Maps) (lost events). The "globals" array (one entry, GlobalsSize bytes) holds
// the start time for elapsed and the -c child's pid for cpid; the runtime
// fills it before running BEGIN.
//
// Rare paths (a failed ring buffer write or map update, an aggregation's
// first insert, -k's helper error records) are emitted out of line, after
// the program's exit, so that the common path falls through: the verifier
// then keeps one pending state per check in each loop iteration, and
// bounded loops of thousands of iterations stay under its 8192 pending
// jumps. With Config.HelperCheck (-k, -kk), a failed helper writes an
// EvHelperError record {id; s64 return code} naming the helper and the
// script location (Event.Site).
package codegen
