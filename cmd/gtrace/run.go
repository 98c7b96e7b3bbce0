package main

// This file is gtrace's top level: read the script, parse, check, compile,
// and either print a dump or run it.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gtrace/gtrace/codegen"
	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/check"
	"github.com/gtrace/gtrace/lang/types"
	"github.com/gtrace/gtrace/probes"
	"github.com/gtrace/gtrace/runtime"
)

// version is gtrace's version. The parenthesis names the bpftrace release
// whose language and output gtrace matches.
const version = "gtrace v0.1.0 (bpftrace v0.17.0 compatible)"

// run is gtrace's main: it returns the process exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseArgs(aotArgs(args))
	if err != nil {
		return usageError(stderr, err)
	}
	switch {
	case o.help:
		io.WriteString(stdout, usage)
		return 0
	case o.version:
		fmt.Fprintln(stdout, version)
		return 0
	case o.info:
		return printInfo(stdout, stderr)
	case o.list:
		return list(o, stdout, stderr)
	}
	if wantREPL(o, stdin) {
		return startREPL(o, stdin, stdout, stderr)
	}
	name, src, err := readScript(o, stdin)
	if errors.Is(err, errUsage) {
		return usageError(stderr, err)
	}
	if err != nil {
		fmt.Fprintf(stderr, "ERROR: %v\n", err)
		return 1
	}
	return compileAndRun(o, name, src, stdout, stderr)
}

// usageError reports a wrong command line: "ERROR: " and the message, the
// usage text when err wraps errUsage, and exit status 2 (docs/errors.md).
func usageError(stderr io.Writer, err error) int {
	if errors.Is(err, errUsage) {
		if msg := err.Error(); msg != errUsage.Error() {
			fmt.Fprintf(stderr, "ERROR: %s\n", msg[:len(msg)-len(": usage")])
		}
		io.WriteString(stderr, usage)
		return 2
	}
	fmt.Fprintf(stderr, "ERROR: %v\n", err)
	return 2
}

// readScript returns the script's display name and text.
func readScript(o *options, stdin io.Reader) (name, src string, err error) {
	switch {
	case len(o.programs) > 0:
		src = o.programs[0]
		for _, p := range o.programs[1:] {
			src += "\n" + p
		}
		return "<cmdline>", src, nil
	case o.file == "-":
		b, err := io.ReadAll(stdin)
		return "stdin", string(b), err
	case o.file != "":
		b, err := os.ReadFile(o.file)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = fmt.Errorf("failed to open file '%s': %s", o.file, describeErrno(pe.Err))
			}
			return "", "", err
		}
		return o.file, string(b), nil
	}
	return "", "", fmt.Errorf("no program given: use -e 'program' or a script file: %w", errUsage)
}

// describeErrno spells an errno the way strerror(3) does.
func describeErrno(err error) string {
	var en syscall.Errno
	if errors.As(err, &en) {
		s := en.Error()
		return string(s[0]-'a'+'A') + s[1:]
	}
	return err.Error()
}

// strLen returns the string size from GTRACE_STRLEN (default 64).
func strLen(f *lang.File) (int, error) {
	v := os.Getenv("GTRACE_STRLEN")
	if v == "" {
		// The script's config max_strlen (checked by the checker) is next.
		if c, ok := check.ConfigValue(f, "max_strlen"); ok {
			if n, err := strconv.Atoi(c); err == nil && n >= 8 && n <= 4096 {
				return n, nil
			}
		}
		return 64, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 8 || n > 4096 {
		return 0, fmt.Errorf("GTRACE_STRLEN=%q: want a number of bytes from 8 to 4096", v)
	}
	return n, nil
}

// programOptions answers "-- --help" with the program options getopt()
// reads (and fails, as bpftrace does: the program did not run), rejects
// option values getopt() cannot read (a command-line error, status 2) and
// options that no getopt() reads. stop says whether to end with code.
func programOptions(info *check.Info, named []string, stderr io.Writer) (code int, stop bool) {
	if slices.Contains(named, "--help") {
		if len(info.Options) == 0 {
			fmt.Fprint(stderr, "HINT: the program reads no options\n")
		} else {
			fmt.Fprint(stderr, "HINT: expected program options:\n"+check.OptionsHelp(info))
		}
		return 1, true
	}
	if len(info.OptionErrors) > 0 {
		for _, e := range info.OptionErrors {
			fmt.Fprintf(stderr, "ERROR: %s\n", e)
		}
		return 2, true
	}
	if bad := check.UnexpectedOptions(info, named); len(bad) > 0 {
		fmt.Fprintf(stderr, "ERROR: unexpected program command line options: %s\n", strings.Join(bad, " "))
		names := make([]string, len(info.Options))
		for i, o := range info.Options {
			names[i] = "--" + o.Name
		}
		if len(names) == 0 {
			fmt.Fprint(stderr, "HINT: the program reads no options\n")
		} else {
			fmt.Fprintf(stderr, "HINT: expected program options: %s\n", strings.Join(names, " "))
		}
		return 1, true
	}
	return 0, false
}

// compileAndRun takes a script through the whole pipeline.
func compileAndRun(o *options, name, src string, stdout, stderr io.Writer) int {
	f, err := lang.Parse(name, src)
	if err != nil {
		fmt.Fprint(stderr, lang.FormatError(err))
		return 1
	}
	if o.dump == "ast" {
		fmt.Fprint(stdout, lang.Dump(f))
		return 0
	}
	n, err := strLen(f)
	if err != nil {
		fmt.Fprintf(stderr, "ERROR: %v\n", err)
		return 1
	}
	reg := probes.New(&probes.Options{Stderr: stderr, PID: o.pid, IncludeDirs: o.includeDirs})
	conf := &check.Config{Resolver: reg, Params: o.params, StrLen: n, Unsafe: o.unsafe, Named: o.named}
	if o.probeFilter != "" {
		conf.ProbeFilter = regexp.MustCompile(o.probeFilter) // checked by parseArgs
	}
	info, err := conf.Check(f)
	if err != nil {
		fmt.Fprint(stderr, lang.FormatError(err))
		return 1
	}
	if code, stop := programOptions(info, o.named, stderr); stop {
		return code
	}
	if !o.noWarnings {
		printWarnings(stderr, info.Warnings)
	}
	if o.dump == "types" {
		fmt.Fprint(stdout, check.Dump(f, info))
		return 0
	}
	lim, err := resolveLimits(f, o.limits)
	if err != nil {
		if errors.As(err, new(lang.ErrorList)) {
			fmt.Fprint(stderr, lang.FormatError(err))
		} else {
			fmt.Fprintf(stderr, "ERROR: %v\n", err)
		}
		return 1
	}
	noFuncIP := kprobeFeatureMissing(info, func(kf *probes.Features) error { return kf.FuncIP })
	prog, err := codegen.Compile(f, info, &codegen.Config{
		HelperCheck: o.kk, FilterPID: o.pid,
		MapMax: lim.mapKeys, RingBufSize: runtime.RingBufSize(lim.rbPages),
		NoCookies: kprobeFeatureMissing(info, func(kf *probes.Features) error { return kf.Cookies }),
		NoFuncIP:  noFuncIP, FuncAddrs: funcAddrs(info, reg, noFuncIP),
		PIDNamespaced: probes.PIDNamespaced(),
		ClockMap:      os.Getenv("BPFTRACE_DUMMY_TS_MAP"),
		NoPerCPURead:  hasAggregations(info) && probes.PerCPURead() != nil,
	})
	if err != nil {
		fmt.Fprint(stderr, lang.FormatError(err))
		return 1
	}
	if o.dump == "asm" {
		fmt.Fprint(stdout, prog.Listing())
		return 0
	}
	if o.aot != "" {
		if err := writeAOT(o.aot, src); err != nil {
			fmt.Fprintf(stderr, "ERROR: %v\n", err)
			return 1
		}
		return 0
	}
	return execute(o, f, prog, reg, stdout, stderr)
}

// kprobeFeatureMissing reports whether the script has kprobes and the
// kernel lacks the feature pick selects (a kernel before 5.15). Scripts
// without kprobes do not probe the kernel for it.
func kprobeFeatureMissing(info *check.Info, pick func(*probes.Features) error) bool {
	for _, p := range info.Probes {
		for _, t := range p.Targets {
			if t.Provider == "kprobe" || t.Provider == "kretprobe" {
				return pick(probes.KernelFeatures()) != nil
			}
		}
	}
	return false
}

// hasAggregations reports whether the program has a map of an
// aggregation that can be read as a value (count, sum, min, max, avg).
func hasAggregations(info *check.Info) bool {
	for _, m := range info.Maps {
		switch m.Value.Kind {
		case types.Count, types.Sum, types.Min, types.Max, types.Avg:
			return true
		}
	}
	return false
}

// funcAddrs returns the address of every kretprobe target's function, for
// func on kernels without bpf_get_func_ip (need); nil otherwise.
func funcAddrs(info *check.Info, reg *probes.Registry, need bool) map[string]uint64 {
	if !need {
		return nil
	}
	addrs := map[string]uint64{}
	for _, p := range info.Probes {
		for _, t := range p.Targets {
			if t.Provider != "kretprobe" {
				continue
			}
			fn := t.Name[strings.LastIndex(t.Name, ":")+1:]
			if a, err := reg.Kaddr(fn); err == nil {
				addrs[t.Name] = a
			}
		}
	}
	return addrs
}

// execute loads and runs a compiled program until it exits, is interrupted,
// or its -c command ends.
func execute(o *options, f *lang.File, prog *codegen.Program, reg *probes.Registry, stdout, stderr io.Writer) int {
	out := stdout
	if o.output != "" {
		fh, err := os.Create(o.output)
		if err != nil {
			fmt.Fprintf(stderr, "ERROR: %v\n", err)
			return 1
		}
		defer fh.Close()
		out = fh
	}
	// Mappings are recorded from before the -c child starts, so its
	// addresses resolve after it exits.
	syms := reg.Symbolizer(!o.dryRun && runtime.UserSymbols(prog))
	defer syms.Close()
	opts := &runtime.Options{
		Stdout: out, Stderr: stderr, JSON: o.format == "json", Quiet: o.quiet,
		Verbose: o.verbose, DryRun: o.dryRun, Unsafe: o.unsafe, Attacher: reg, Symbolizer: syms,
		PID: o.pid, Stdin: os.Stdin, NoWarnings: o.noWarnings,
		Bench: o.mode == "bench",
	}
	if v, ok := check.ConfigValue(f, "print_maps_on_exit"); ok {
		on, _ := check.ConfigBool(v)
		opts.NoExitMaps = !on
	}
	if o.cmd != "" {
		argv, err := commandArgv(o.cmd)
		if err != nil {
			fmt.Fprintf(stderr, "ERROR: %v\n", err)
			return 1
		}
		opts.Cmd = argv
	}
	usr1 := make(chan os.Signal, 1)
	signal.Notify(usr1, syscall.SIGUSR1)
	defer signal.Stop(usr1)
	opts.PrintMaps = usr1
	if err := prepareExport(o, f, prog, opts, stderr); err != nil {
		fmt.Fprintf(stderr, "ERROR: %v\n", err)
		return 1
	}
	s, err := runtime.Load(prog, opts)
	if err != nil {
		fmt.Fprint(stderr, lang.FormatError(err))
		return 1
	}
	defer s.Close()
	stopMetrics, err := startMetrics(o, s, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "ERROR: %v\n", err)
		return 1
	}
	defer stopMetrics()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	code, err := s.Run(ctx)
	err = errors.Join(err, writeProfile(o, s, start))
	if err != nil {
		fmt.Fprintf(stderr, "ERROR: %v\n", err)
		return 1
	}
	return code
}

// list prints the probes matching the -l pattern, with their arguments
// under -v.
func list(o *options, stdout, stderr io.Writer) int {
	if listProgram(o) {
		return listProbes(o, stdout, stderr)
	}
	pattern := "*"
	if len(o.params) > 0 {
		pattern = o.params[0]
	}
	if err := validListPattern(pattern); err != nil {
		fmt.Fprintf(stderr, "ERROR: %v\n", err)
		return 1
	}
	reg := probes.New(&probes.Options{Stderr: stderr, PID: o.pid})
	names, err := reg.List(pattern)
	if err != nil {
		fmt.Fprintf(stderr, "ERROR: %v\n", err)
		return 1
	}
	for _, n := range names {
		fmt.Fprintln(stdout, n)
		if o.verbose {
			if d, err := reg.Describe(n); err == nil {
				fmt.Fprint(stdout, d)
			}
		}
	}
	return 0
}

// validListPattern rejects characters no probe name can contain.
func validListPattern(p string) error {
	for _, r := range p {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case r == '*' || r == '?' || r == ':' || r == '_' || r == '-' || r == '.' || r == '/' || r == '+' || r == '$' || r == '[' || r == ']' || r == '@':
		default:
			return fmt.Errorf("invalid character %q in search expression", r)
		}
	}
	return nil
}

// printWarnings prints the checker's warnings as compilers do:
// "file:line:col: warning: msg", the line and an underline.
func printWarnings(stderr io.Writer, ws lang.ErrorList) {
	for _, w := range ws {
		c := *w
		c.Msg = "warning: " + w.Msg
		io.WriteString(stderr, c.Format())
	}
}
