package main

// This file parses gtrace's command line. It uses the standard flag package,
// with two bpftrace habits added on top: combined short flags ("-lv",
// "-ve 'prog'", "-kk") and flags after positional arguments
// ("gtrace script.gt -q" and "gtrace -e prog 1 2").

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// options are the parsed command line.
type options struct {
	programs    []string // -e, may repeat
	file        string   // script path, "-" for stdin
	params      []string // positional parameters $1..$N
	named       []string // program options after "--": "--name" or "--name=value" (getopt)
	includeDirs []string // -I: where #include headers are looked for
	probeFilter string   // --probe-filter REGEX: attach only the probes it matches
	mode        string   // --mode run|bench
	aot         string   // --aot FILE: write an executable that runs the program
	list        bool     // -l
	verbose     bool     // -v
	quiet       bool     // -q
	dump        string   // -d ast|types|asm
	format      string   // -f text|json
	output      string   // -o FILE
	cmd         string   // -c CMD
	pid         int      // -p PID
	dryRun      bool
	unsafe      bool
	version     bool
	help        bool
	info        bool
	noWarnings  bool
	kk          int    // -k, -kk: report failed helper calls (codegen.Config.HelperCheck)
	limits      limits // --rb-pages, --max-map-keys (see limits.go)
	export      exportOptions
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, " ") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// errUsage asks the caller to print the usage text.
var errUsage = errors.New("usage")

// valueFlags are the one-letter flags that take a value.
const valueFlags = "edfocpBI"

func newFlagSet(o *options, pid *string, kk *int, ignored *stringList) *flag.FlagSet {
	fs := flag.NewFlagSet("gtrace", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Var((*stringList)(&o.programs), "e", "`program` text to run")
	fs.BoolVar(&o.list, "l", false, "list probes matching the optional `pattern` argument")
	fs.BoolVar(&o.verbose, "v", false, "verbose: the raw verifier log on load errors")
	fs.BoolVar(&o.quiet, "q", false, "quiet: no \"Attaching N probes...\" line")
	fs.StringVar(&o.dump, "d", "", "print the checked program as `ast|types|asm` and exit")
	fs.StringVar(&o.format, "f", "text", "output `format`: text, json or folded")
	fs.StringVar(&o.output, "o", "", "write output to `file` instead of stdout")
	fs.StringVar(&o.output, "output", "", "write output to `file` instead of stdout")
	fs.StringVar(&o.cmd, "c", "", "run `command`, trace while it lives, set cpid")
	fs.StringVar(pid, "p", "", "trace only process `pid`")
	fs.BoolVar(&o.dryRun, "dry-run", false, "load the programs into the verifier, attach nothing")
	fs.BoolVar(&o.unsafe, "unsafe", false, "allow system(), signal() and override()")
	fs.BoolVar(&o.version, "version", false, "print the version")
	fs.BoolVar(&o.version, "V", false, "print the version")
	fs.BoolVar(&o.help, "h", false, "print this help")
	fs.BoolVar(&o.help, "help", false, "print this help")
	fs.BoolVar(&o.info, "info", false, "print what this kernel supports")
	fs.BoolVar(&o.noWarnings, "no-warnings", false, "do not print warnings")
	fs.StringVar(&o.aot, "aot", "", "write an executable `file` that runs the program (gtrace with the program built in)")
	fs.StringVar(&o.mode, "mode", "run", "`run` the program, or bench: time its bench probes")
	fs.StringVar(&o.probeFilter, "probe-filter", "", "attach only the probes whose name `regex` matches (and BEGIN, END)")
	fs.Func("rb-pages", "output ring buffer `pages` per CPU", positive(&o.limits.rbPages))
	fs.Func("max-map-keys", "`keys` per map", positive(&o.limits.mapKeys))
	fs.BoolFunc("k", "accepted for bpftrace compatibility", func(string) error { *kk++; return nil })
	fs.Var(ignored, "B", "accepted for bpftrace compatibility (`mode`)")
	fs.Var((*stringList)(&o.includeDirs), "I", "search `dir` for #include headers")
	fs.Var(ignored, "include", "accepted for bpftrace compatibility (`file`)")
	fs.Bool("usdt-file-activation", false, "accepted for bpftrace compatibility")
	fs.Bool("b", false, "accepted for bpftrace compatibility")
	addExportFlags(fs, &o.export)
	return fs
}

// positive returns a flag setter that stores a positive integer in p.
func positive(p *int) func(string) error {
	return func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return fmt.Errorf("want a positive integer, not %q", v)
		}
		*p = n
		return nil
	}
}

// parseArgs parses args into options. Errors are for the user: errUsage
// means "print the usage text".
func parseArgs(args []string) (*options, error) {
	o := &options{}
	var pid string
	var kk int
	var ignored stringList
	fs := newFlagSet(o, &pid, &kk, &ignored)
	rest, err := parseInterspersed(fs, splitShortFlags(fs, args))
	if err != nil {
		return nil, err
	}
	rest, o.named = namedArgs(args, rest)
	o.kk = kk
	if o.help || o.version || o.info {
		return o, nil
	}
	if pid != "" {
		if o.pid, err = parsePID(pid); err != nil {
			return nil, err
		}
	}
	if o.format != "text" && o.format != "json" && o.format != "folded" {
		//lint:ignore ST1005 the wording is bpftrace's, which scripts and tests match
		return nil, fmt.Errorf("Invalid output format %q\nValid formats: text, json, folded", o.format)
	}
	if o.mode != "run" && o.mode != "bench" {
		return nil, fmt.Errorf("invalid --mode %q: want run or bench", o.mode)
	}
	if _, err := regexp.Compile(o.probeFilter); err != nil {
		//lint:ignore ST1005 the wording is bpftrace's, which scripts and tests match
		return nil, fmt.Errorf("Invalid --probe-filter regex %q: %v", o.probeFilter, err)
	}
	switch o.dump {
	case "", "ast", "types", "asm":
	default:
		return nil, fmt.Errorf("invalid -d value %q: want ast, types or asm", o.dump)
	}
	switch {
	case o.list:
		o.params = rest
	case len(o.programs) > 0:
		o.params = rest
	case len(rest) > 0:
		o.file, o.params = rest[0], rest[1:]
	}
	return o, nil
}

// namedArgs takes the program options out of rest: the arguments after
// "--" in args that start with "--" (bpftrace 0.24's named program
// arguments, read by getopt()).
func namedArgs(args, rest []string) (positional, named []string) {
	dash := slices.Index(args, "--")
	if dash < 0 {
		return rest, nil
	}
	tail := len(args) - dash - 1
	head := rest[:len(rest)-tail]
	positional = append([]string(nil), head...)
	for _, a := range rest[len(rest)-tail:] {
		if strings.HasPrefix(a, "--") && len(a) > 2 {
			named = append(named, a)
		} else {
			positional = append(positional, a)
		}
	}
	return positional, named
}

// parsePID validates a -p argument as bpftrace does.
func parsePID(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-") {
		return 0, fmt.Errorf("pid '%s' is not a valid decimal number", s)
	}
	if n < 1 || n > 4194304 {
		return 0, fmt.Errorf("pid '%s' out of valid pid range [1,4194304]", s)
	}
	return n, nil
}

// parseInterspersed parses flags anywhere in args, as GNU getopt does; the
// non-flag arguments are returned in order. Everything after "--" is a
// non-flag argument.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errUsage
			}
			return nil, fmt.Errorf("%v: %w", err, errUsage)
		}
		args = fs.Args()
		if len(args) == 0 {
			return append(rest, tail...), nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

// splitShortFlags rewrites combined one-letter flags the way getopt reads
// them: "-lv" → "-l -v", "-ve prog" → "-v -e prog", "-kk" → "-k -k",
// "-p123" → "-p 123". Arguments that name a defined flag are left alone.
func splitShortFlags(fs *flag.FlagSet, args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) < 3 || a[0] != '-' || a[1] == '-' || strings.Contains(a, "=") || fs.Lookup(a[1:]) != nil {
			out = append(out, a)
			if len(a) == 2 && strings.IndexByte(valueFlags, a[1]) >= 0 && i+1 < len(args) {
				i++
				out = append(out, args[i])
			}
			continue
		}
		out = append(out, splitCluster(fs, a[1:])...)
	}
	return out
}

func splitCluster(fs *flag.FlagSet, cluster string) []string {
	var out []string
	for j := 0; j < len(cluster); j++ {
		c := string(cluster[j])
		if fs.Lookup(c) == nil {
			return append(out, "-"+cluster[j:]) // let flag report it
		}
		if strings.Contains(valueFlags, c) {
			out = append(out, "-"+c)
			if j+1 < len(cluster) {
				out = append(out, cluster[j+1:])
			}
			return out
		}
		out = append(out, "-"+c)
	}
	return out
}

const usage = `USAGE:
    gtrace [options] filename [args...]
    gtrace [options] - [args...]
    gtrace [options] -e 'program' [args...]
    gtrace                          (interactive prompt)

OPTIONS:
    -e 'program'   run this program
    -l [pattern]   list probes (add -v to show tracepoint arguments); with
                   -e or a script file, the probes of the program
    -c 'CMD'       run CMD, trace while it runs, set cpid
    -p PID         trace only process PID
    -f FORMAT      output format: text (default), json, or folded (maps keyed
                   by stacks as "frame;frame;frame count" lines, for flame graphs)
    -o, --output FILE
                   write output to FILE
    -I DIR         look for #include headers in DIR too
    -q             quiet: no "Attaching N probes..." line
    -v             verbose: show the raw verifier log on load errors
    -d ast|types|asm
                   print the parsed, checked or compiled program and exit
    --aot FILE     check the program, then write FILE: a copy of gtrace that
                   runs it ("FILE [args] [-- --name=value...]")
    --mode bench   run each bench:NAME probe in a loop after BEGIN, print
                   how long one run takes, and end
    --probe-filter REGEX
                   attach only the probes whose full name REGEX matches
                   (BEGIN and END always run)
    --dry-run      load the programs into the verifier, attach nothing
    --unsafe       allow system(), signal() and override()
    --info         print what this kernel supports
    --rb-pages N   output ring buffer pages per CPU (default 256, at most 64 MiB in all)
    --max-map-keys N
                   keys per map (default 4096)
    --metrics ADDR serve the maps as Prometheus metrics at http://ADDR/metrics
                   while the script runs (:PORT listens on 127.0.0.1 only)
    --metrics-max-keys N
                   keys of each map a scrape reads at most (default 10000)
    --web.config.file FILE
                   TLS and basic auth for --metrics (Prometheus exporter web config)
    --pprof FILE   at exit, write the maps keyed by kstack/ustack as a pprof profile
    -h, --help     show this help
    -V, --version  print the version

ENVIRONMENT:
    GTRACE_STRLEN  bytes of a string value (default 64)
    BPFTRACE_PERF_RB_PAGES, BPFTRACE_MAX_MAP_KEYS (or BPFTRACE_MAP_KEYS_MAX)
                   as --rb-pages and --max-map-keys; a script's
                   config = { perf_rb_pages = N; max_map_keys = N } sets them too
    GTRACE_REPL=1  start the interactive prompt even when stdin is not a terminal

EXAMPLES:
    gtrace -l 'tracepoint:syscalls:*'
    gtrace -e 'tracepoint:syscalls:sys_enter_openat { printf("%s %s\n", comm, str(args->filename)); }'
    gtrace -e 'tracepoint:syscalls:sys_enter_read { @bytes[comm] = hist(args->count); }'
`
