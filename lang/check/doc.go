// This file documents the typing rules the checker applies, for the stages
// that consume Info (codegen, runtime). They follow bpftrace 0.17.
//
// Integers
//   - Literals, positional numbers and enumerators are int64 constants
//     (recorded in Info.Consts; literals above MaxInt64 keep their bits).
//   - Builtins pid tid uid gid nsecs elapsed cpu numaid cgroup rand jiffies
//     cpid, argN, sargN and retval are uint64.
//   - Binary arithmetic gives 64 bits: uint64 when either operand is
//     unsigned (a bool counts as signed), else int64. Comparisons, && and
//     || give types.Bool64 (a bool of 8 bytes, as 0.17's int64 result); !
//     gives types.Bool. ~ of a literal is uint64 (bpftrace 0.26). Unary
//     - and ~ keep the operand's type: -(uint8)1 is 255. A cast (uintN)x
//     truncates to N bits and keeps that width.
//   - / % and >> follow the result's type: signed (C's truncating
//     division, arithmetic shift) when it is int64, unsigned when either
//     operand is unsigned. Constants are folded the same way, so -5 / 2 and
//     $v / 2 with $v = -5 both give -2. This departs from bpftrace 0.17,
//     which works on the unsigned 64-bit patterns whatever the types (-5 / 2
//     prints 9223372036854775805) and warns that signed operands are
//     undefined behaviour.
//   - Info.Warnings gets bpftrace's sign warnings: + - * / % or a
//     comparison between signed and unsigned operands (neither a literal),
//     and / or % between two signed operands.
//   - Pointer +/- integer keeps the pointer type (no scaling by element size
//     is implied by the type; codegen decides); pointer - pointer is int64.
//
// Storage
//   - Map values and map keys that are integers are widened to 64 bits,
//     keeping their sign. Scratch variables keep the width of their first
//     assignment, widened by later ones.
//   - Strings unify to the largest size seen; so do buffers. Tuples unify
//     element by element. The type recorded for an expression is the type
//     of that expression, which may be narrower than the map key or value
//     or variable it is stored in: codegen widens (zero- or sign-extends
//     integers, pads strings with NULs) when storing.
//   - A read of a count() map is uint64; sum/min/max read as int64.
//     avg/stats/hist/lhist values can only be printed.
//
// Strings and tracepoint args
//   - A string literal is string[len+1]; str() is string[StrLen]; comm is
//     string[16]. A signed char array (char x[N], from a script struct,
//     BTF or a tracepoint format) reads as string[N].
//   - args is the target's args struct; args->f and args.f both work. When a
//     probe has several targets, each must have the field; the recorded
//     type is the first target's, offsets may differ per target
//     (Target.Args), so codegen must emit per-target code or check that
//     they agree. A __data_loc field has an Int type with DataLoc set.
//   - buf(p, n) is a Buffer whose Size is 1 + n: a length byte, then n
//     bytes of data (n constant and at most StrLen, else StrLen).
//   - Info.Strings holds compile-time strings: literals and str($N) of a
//     positional parameter (str($N + k) drops k bytes).

package check
