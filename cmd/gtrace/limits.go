package main

// This file resolves the sizes a user can raise: the output ring buffer
// (bpftrace's perf_rb_pages) and the keys of each map (max_map_keys). Each
// can come from a flag, an environment variable (bpftrace's names) or the
// script's config block, in that order of precedence.

import (
	"fmt"
	"os"
	"strconv"

	"github.com/gtrace/gtrace/lang"
)

// limits are the resolved sizes; 0 means the default.
type limits struct {
	rbPages int // output ring buffer pages per CPU (runtime.RingBufSize)
	mapKeys int // keys per map (codegen.Config.MapMax)
}

// limitSettings name each limit in its spellings: the config block's, the
// environment's (bpftrace 0.17 calls the key limit BPFTRACE_MAP_KEYS_MAX,
// later versions BPFTRACE_MAX_MAP_KEYS; the first set wins) and the flag's.
var limitSettings = []struct {
	config string
	env    []string
	flag   string
	field  func(*limits) *int
}{
	{"perf_rb_pages", []string{"BPFTRACE_PERF_RB_PAGES"}, "--rb-pages", func(l *limits) *int { return &l.rbPages }},
	{"max_map_keys", []string{"BPFTRACE_MAX_MAP_KEYS", "BPFTRACE_MAP_KEYS_MAX"}, "--max-map-keys", func(l *limits) *int { return &l.mapKeys }},
}

// resolveLimits takes each limit from its flag (set when non-zero in
// flags), else its environment variable, else f's config block.
func resolveLimits(f *lang.File, flags limits) (limits, error) {
	var l limits
	var errs lang.ErrorList
	for _, c := range f.Config {
		for _, s := range limitSettings {
			if c.Name != s.config {
				continue
			}
			n, err := strconv.Atoi(c.Value)
			if err != nil || n <= 0 {
				errs.Add(lang.NewError(f, c.Span(), fmt.Sprintf("%s must be a positive integer, not %s", c.Name, c.Value)))
				continue
			}
			*s.field(&l) = n
		}
	}
	if err := errs.Err(); err != nil {
		return l, err
	}
	for _, s := range limitSettings {
		for _, env := range s.env {
			v := os.Getenv(env)
			if v == "" {
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return l, fmt.Errorf("%s=%q: want a positive integer", env, v)
			}
			*s.field(&l) = n
			break
		}
		if n := *s.field(&flags); n != 0 {
			*s.field(&l) = n
		}
	}
	return l, nil
}
