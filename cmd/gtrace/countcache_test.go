package main

// This file checks count() maps with a count cache (codegen/countcache.go)
// end to end: counts of hot keys (in their slot) and of keys that evict
// each other from the slots are all printed exactly, and zero() and
// clear() drop the pending counts with the values.

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gtrace/gtrace/internal/bpftest"
	"github.com/gtrace/gtrace/internal/testenv"
)

func TestCountCacheExact(t *testing.T) {
	bpftest.RequireBPF(t)
	sh := testenv.LookPath(t, "sh")
	// 600 keys (write sizes 1..600), more than a cache's 256 slots, each
	// written twice in a row (the second is counted in the slot), 5 times
	// over; then one key 3000 times.
	const keys, rounds, hot = 600, 5, 3000
	loop := fmt.Sprintf(`r=0; while [ $r -lt %d ]; do i=1; while [ $i -le %d ]; do printf "%%${i}s" "" >/dev/null; printf "%%${i}s" "" >/dev/null; i=$((i+1)); done; r=$((r+1)); done; `+
		`j=0; while [ $j -lt %d ]; do printf "%%777s" "" >/dev/null; j=$((j+1)); done`, rounds, keys, hot)
	script := `tracepoint:syscalls:sys_enter_write /pid == cpid && args->fd == 1/ { @w[args->count] = count(); @z[args->count] = count(); @c[args->count] = count(); @n = count(); }
END { zero(@z); clear(@c); }`
	out, err := gtraceCmd("-c", sh+" -c '"+loop+"'", "-e", script).CombinedOutput()
	if err != nil {
		t.Fatalf("gtrace: %v\n%s", err, out)
	}
	got := map[string]map[int]int{}
	re := regexp.MustCompile(`^(@[a-z]+)(?:\[([0-9]+)\])?: ([0-9]+)$`)
	for _, line := range strings.Split(string(out), "\n") {
		m := re.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if got[m[1]] == nil {
			got[m[1]] = map[int]int{}
		}
		k, _ := strconv.Atoi(m[2])
		v, _ := strconv.Atoi(m[3])
		got[m[1]][k] = v
	}
	if n := got["@n"][0]; n != 2*keys*rounds+hot {
		t.Errorf("@n = %d, want %d", n, 2*keys*rounds+hot)
	}
	if len(got["@w"]) != keys+1 || got["@w"][777] != hot {
		t.Errorf("@w: %d keys, @w[777] = %d; want %d keys, %d", len(got["@w"]), got["@w"][777], keys+1, hot)
	}
	for i := 1; i <= keys; i++ {
		if got["@w"][i] != 2*rounds {
			t.Fatalf("@w[%d] = %d, want %d\n%s", i, got["@w"][i], 2*rounds, out)
		}
	}
	if len(got["@z"]) != keys+1 {
		t.Errorf("@z: %d keys, want %d", len(got["@z"]), keys+1)
	}
	for k, v := range got["@z"] {
		if v != 0 {
			t.Errorf("@z[%d] = %d after zero(), want 0", k, v)
		}
	}
	if len(got["@c"]) != 0 {
		t.Errorf("@c: %d keys after clear(), want none", len(got["@c"]))
	}
}
