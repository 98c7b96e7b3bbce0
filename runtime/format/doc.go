// Package format prints gtrace values exactly as bpftrace 0.17 prints them,
// in text and in its -f json form. It is pure: it formats raw bytes laid out
// as codegen/doc.go describes, typed by lang/types, and learns what it cannot
// know by itself (probe names, symbols, stacks, users, cgroups, boot time,
// time zone) through an Env. It makes no syscalls and reads no clock.
//
// The entry points:
//
//   - Printf (or a Printer from NewPrinter, which parses the format once)
//     formats a printf/cat/system record: the args laid out as
//     types.NewTuple(args...). Integer conversions follow C: the value is
//     widened by its own type's sign, then converted at the width the length
//     modifier asks for (none: 32 bits, h: 16, hh: 8, l ll j z t: 64), so a
//     uint32 0xffffffff prints -1 with %d and 4294967295 with %u or %ld, as
//     in bpftrace 0.17.
//   - Value formats one value as map values, print() and tuples show it;
//     ValueJSON is its -f json form; PrintValue is print(value).
//   - PrintMap (MapString) prints a whole map, for print(@m, top, div) and the
//     exit dump: entries sorted as bpftrace sorts them, hist/lhist rendered
//     as bars, the blank-line rules of each kind, and the JSON records of
//     -f json. An empty map prints one newline in text (as bpftrace does)
//     and nothing in JSON.
//   - Reduce folds per-CPU values of an aggregation into one.
//   - Strftime, Time and Boot render time(fmt) and strftime() from explicit
//     times.
//   - Output, Attached and Lost write the other lines bpftrace prints, and
//     Message, Record and Escape the {"type": T, "data": D} lines of -f json.
//
// Known, deliberate differences from bpftrace 0.17: ties in sort order are
// broken by key (bpftrace leaves them in hash order); strerror, strftime
// and macaddr values are quoted in JSON (bpftrace emits them bare, which is
// not JSON); bytes >= 0x80 pass through JSON strings unescaped (bpftrace
// writes them as \uffffffXX); hist buckets above 2^31 are labelled with
// their true bounds.
package format
