package probes

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/gtrace/gtrace/lang/probekind"
)

// TestPerfEventConfigs checks probekind's perf event numbers against the
// kernel ABI as golang.org/x/sys/unix spells it.
func TestPerfEventConfigs(t *testing.T) {
	want := map[string]uint64{
		"software:alignment-faults":    unix.PERF_COUNT_SW_ALIGNMENT_FAULTS,
		"software:bpf-output":          unix.PERF_COUNT_SW_BPF_OUTPUT,
		"software:context-switches":    unix.PERF_COUNT_SW_CONTEXT_SWITCHES,
		"software:cpu-clock":           unix.PERF_COUNT_SW_CPU_CLOCK,
		"software:cpu-migrations":      unix.PERF_COUNT_SW_CPU_MIGRATIONS,
		"software:dummy":               unix.PERF_COUNT_SW_DUMMY,
		"software:emulation-faults":    unix.PERF_COUNT_SW_EMULATION_FAULTS,
		"software:major-faults":        unix.PERF_COUNT_SW_PAGE_FAULTS_MAJ,
		"software:minor-faults":        unix.PERF_COUNT_SW_PAGE_FAULTS_MIN,
		"software:page-faults":         unix.PERF_COUNT_SW_PAGE_FAULTS,
		"software:task-clock":          unix.PERF_COUNT_SW_TASK_CLOCK,
		"hardware:backend-stalls":      unix.PERF_COUNT_HW_STALLED_CYCLES_BACKEND,
		"hardware:branch-instructions": unix.PERF_COUNT_HW_BRANCH_INSTRUCTIONS,
		"hardware:branch-misses":       unix.PERF_COUNT_HW_BRANCH_MISSES,
		"hardware:bus-cycles":          unix.PERF_COUNT_HW_BUS_CYCLES,
		"hardware:cache-misses":        unix.PERF_COUNT_HW_CACHE_MISSES,
		"hardware:cache-references":    unix.PERF_COUNT_HW_CACHE_REFERENCES,
		"hardware:cpu-cycles":          unix.PERF_COUNT_HW_CPU_CYCLES,
		"hardware:frontend-stalls":     unix.PERF_COUNT_HW_STALLED_CYCLES_FRONTEND,
		"hardware:instructions":        unix.PERF_COUNT_HW_INSTRUCTIONS,
		"hardware:ref-cycles":          unix.PERF_COUNT_HW_REF_CPU_CYCLES,
	}
	n := 0
	for _, name := range []string{"software", "hardware"} {
		k, _ := probekind.Lookup(name)
		for _, ev := range k.Events() {
			n++
			if w, ok := want[name+":"+ev.Name]; !ok || w != ev.Config {
				t.Errorf("%s:%s: config %d, want %d (known %v)", name, ev.Name, ev.Config, w, ok)
			}
		}
	}
	if n != len(want) {
		t.Errorf("probekind has %d perf events, want %d", n, len(want))
	}
}
