// Package export takes the maps of a running gtrace session to the tools
// of other ecosystems: Prometheus metrics served over HTTP while the
// script runs (Collector, Serve), pprof profiles of the maps keyed by
// stacks (WriteProfile), and collapsed stacks for flame graphs (Folded).
//
// It reads maps only through a Source (runtime.Session implements it),
// straight from the kernel's per-CPU maps at the time of the read: no
// event stream, and no lock the session's event reader needs.
//
// # Metric names
//
// Map @name is the family gtrace_name (the anonymous map @ is gtrace_map):
//
//	count(), sum()           counter gtrace_name_total
//	min(), max(), integers   gauge gtrace_name
//	hist(), lhist()          histogram gtrace_name (_bucket{le}, _sum, _count)
//	avg(), stats()           summary gtrace_name (_sum, _count; no quantiles)
//
// Maps of other values (strings, tuples...) are not exported. A key part
// that is a builtin (comm, pid, probe, kstack...) in every use of the map
// gives a label of that name; other key parts are key0, key1... by
// position. Stacks in keys are labels of their frames joined with ';',
// root first. Histogram buckets are exact: a hist() bucket [2^k, 2^(k+1))
// has le="2^(k+1)-1" (values are integers), lhist() buckets likewise; the
// buckets shown run from the lowest to the highest non-empty bucket seen
// so far.
//
// Each scrape reads at most MaxKeys keys of each map (in the kernel's
// order); gtrace_metrics_max_keys reports that cap and
// gtrace_metrics_truncated{map="@name"} is 1 for a map that had more.
package export
