// Package codegen compiles a checked script to eBPF: one program per probe,
// written with cilium/ebpf/asm, plus the map specs and the descriptors the
// runtime needs to decode output events. It is pure: no syscalls, and the
// same inputs give byte-identical programs.
//
// Value layouts (shared with the runtime; see lang/types for sizes):
//   - Int: little endian, Size bytes. String: Size bytes, NUL-terminated.
//   - Count: u64. Sum: s64. Min/Max: {s64 value; u64 set}. Avg/Stats: {u64 count; s64 total}.
//   - Hist: [65]u64; slot 0 holds v<0, slot 1 v==0, slot i>=2 holds 2^(i-2) <= v < 2^(i-1).
//   - Lhist(min,max,step): (max-min)/step + 2 slots; slot 0 holds v<min,
//     slot i (1..n) holds [min+(i-1)*step, min+i*step), the last v>=max.
//   - Ksym: u64 addr. Usym: {u64 addr; u64 pid}. KStack: u64 stack id.
//     UStack: {u64 stack id; u64 pid}. Inet: {u64 af; [16]byte}. Probe: u64 id.
//   - Tuple: C layout (types.Type.Offsets). Buffer: u8 length, then data.
//
// An output record is {u64 event id; args laid out as a tuple}.
package codegen
