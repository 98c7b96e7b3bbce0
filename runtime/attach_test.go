package runtime

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAttachOrder(t *testing.T) {
	t.Parallel()
	var jobs []attachJob
	for _, n := range []string{"tracepoint:a:b", "interval:ms:1", "software:faults:1", "profile:hz:9", "uprobe:/x:f"} {
		jobs = append(jobs, attachJob{target: n})
	}
	var got []string
	for _, j := range attachOrder(jobs) {
		got = append(got, j.target)
	}
	want := []string{"uprobe:/x:f", "software:faults:1", "tracepoint:a:b", "interval:ms:1", "profile:hz:9"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("attach order (-want +got):\n%s", diff)
	}
}
