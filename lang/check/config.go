package check

// This file checks the config block ("config = { name = value; }"): every
// setting must be one bpftrace knows, and the settings gtrace acts on must
// have a value it understands.

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gtrace/gtrace/lang"
)

// configOptions are bpftrace 0.26's configuration options. gtrace acts on
// max_map_keys, perf_rb_pages, max_strlen, print_maps_on_exit, license and
// missing_probes;
// the others are accepted and have no effect (docs/language.md says why).
var configOptions = []string{
	"cache_user_symbols", "cpp_demangle", "lazy_symbolication", "license", "log_size",
	"max_bpf_progs", "max_cat_bytes", "max_map_keys", "max_probes", "max_strlen",
	"missing_probes", "on_stack_limit", "perf_rb_pages", "print_maps_on_exit",
	"show_debug_info", "stack_mode", "str_trunc_trailer", "symbol_source",
	"unstable_addr", "unstable_import", "unstable_macro", "unstable_map_decl",
	"unstable_tseries", "unstable_typeinfo", "use_blazesym",
}

// licenses are the values of config license that allow the GPL helpers
// gtrace's programs call.
var licenses = []string{"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"}

// config checks the settings of the file's config block.
func (ch *checker) config() {
	for _, c := range ch.file.Config {
		name := strings.ToLower(strings.TrimPrefix(strings.ToLower(c.Name), "bpftrace_"))
		if !slices.Contains(configOptions, name) {
			ch.errorHint(c, ch.suggest(name, configOptions), "%s: not a known configuration option", c.Name)
			continue
		}
		v := strings.Trim(c.Value, `"`)
		switch name {
		case "print_maps_on_exit":
			if _, ok := ConfigBool(v); !ok {
				ch.errorf(c, "print_maps_on_exit must be true or false (or 1 or 0), not %s", c.Value)
			}
		case "max_strlen":
			if n, err := strconv.Atoi(v); err != nil || n < 8 || n > 4096 {
				ch.errorf(c, "max_strlen must be a number of bytes from 8 to 4096, not %s", c.Value)
			}
		case "missing_probes":
			if !slices.Contains([]string{"error", "warn", "ignore"}, strings.ToLower(v)) {
				ch.errorf(c, "missing_probes must be error, warn or ignore, not %s", c.Value)
			}
		case "license":
			if !slices.Contains(licenses, v) {
				ch.errorHint(c, []string{"valid values: " + strings.Join(licenses, ", ")}, "invalid value for license: %s", v)
			}
		}
	}
}

// ConfigBool reads a boolean config value: true/false, 1/0, on/off, yes/no.
func ConfigBool(v string) (value, ok bool) {
	switch strings.ToLower(strings.Trim(v, `"`)) {
	case "1", "true", "on", "yes":
		return true, true
	case "0", "false", "off", "no":
		return false, true
	}
	return false, false
}

// ConfigValue returns the last value the config block of f gives the
// option name, without quotes, and whether it sets it.
func ConfigValue(f *lang.File, name string) (string, bool) {
	v, ok := "", false
	for _, c := range f.Config {
		if strings.EqualFold(strings.TrimPrefix(strings.ToLower(c.Name), "bpftrace_"), name) {
			v, ok = strings.Trim(c.Value, `"`), true
		}
	}
	return v, ok
}

// includes reports the #include lines whose header is not there (when the
// resolver can look for headers).
func (ch *checker) includes() {
	hr, ok := ch.conf.resolver().(HeaderResolver)
	if !ok {
		return
	}
	for _, inc := range ch.file.Includes {
		if err := hr.Header(inc.Path); err != nil {
			ch.errorHint(inc, []string{err.Error()}, "'%s' file not found", inc.Path)
		}
	}
}
