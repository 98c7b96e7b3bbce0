package codegen

import (
	"testing"

	"github.com/gtrace/gtrace/lang/check"
)

// TestCountCacheOnlyWhenUnread checks which maps get a count cache: keyed
// count() maps whose probes only count into them (print, clear and zero
// run in the runtime, which reads the cache), never one a probe reads.
func TestCountCacheOnlyWhenUnread(t *testing.T) {
	const tp = "tracepoint:syscalls:sys_enter_read "
	tests := []struct {
		src   string
		cache bool
	}{
		{tp + `{ @[comm] = count(); }`, true},
		{tp + `{ @[pid, tid] = count(); } END { print(@); clear(@); zero(@); }`, true},
		{tp + `{ @[comm] = count(); } END { printf("%d\n", @[comm]); }`, false},
		{tp + `{ printf("%d\n", @[comm]); @[comm] = count(); }`, false},
		{tp + `{ @[pid] = count(); if (has_key(@, 1)) { printf("x\n"); } }`, false},
		{tp + `{ @[pid] = count(); delete(@[pid]); }`, false},
		{tp + `{ @[pid] = count(); } END { for ($kv : @) { printf("%d\n", $kv.1); } }`, false},
		{tp + `{ @[pid] = count(); @[@[pid]] = count(); }`, false},
		{tp + `{ @ = count(); }`, false},                        // un-keyed: a per-CPU array already
		{tp + `{ @[pid] = sum(1); }`, false},                    // not count()
		{tp + `{ @[probe, comm, pid, tid] = count(); }`, false}, // key over 32 bytes
	}
	for _, tt := range tests {
		prog := compileScript(t, tt.src, &check.Config{})
		m := prog.Maps[0]
		if got := m.Cache != ""; got != tt.cache {
			t.Errorf("%s: cache %v, want %v", tt.src, got, tt.cache)
		}
		if m.Cache != "" && prog.Spec.Maps[m.Cache] == nil {
			t.Errorf("%s: no map spec for cache %s", tt.src, m.Cache)
		}
	}
}
