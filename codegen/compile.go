package codegen

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/check"
	"github.com/gtrace/gtrace/lang/probekind"
	"github.com/gtrace/gtrace/lang/types"
)

// Config configures a compilation. A nil *Config means the defaults.
type Config struct {
	MapMax      int // maximum keys per map; 0 means 4096
	RingBufSize int // bytes of the output ring buffer (a power of two); 0 means 1 MiB
	StackMax    int // entries of the stack trace map; 0 means 4096
	// NoSyscallFastPath compiles a block of many syscall tracepoints to
	// one program per tracepoint, not to one raw sys_enter/sys_exit
	// program (see syscalls.go), even when check.Info.Syscalls knows
	// their numbers.
	NoSyscallFastPath bool
	// HelperCheck is bpftrace's -k count: 1 reports failed map updates and
	// deletes at run time, 2 (-kk) also failed map lookups and probe
	// reads (see helpererr.go).
	HelperCheck int
	// FilterPID (-p PID), when positive, makes every probe but BEGIN, END
	// and interval run its body only in that process.
	FilterPID int
	// NoCookies says the kernel has no BPF attach cookies (before 5.15):
	// a probe block that reads probe gets one program per target, and no
	// target is given a cookie.
	NoCookies bool
	// NoFuncIP says the kernel has no bpf_get_func_ip (before 5.15): func
	// in a kprobe reads the instruction pointer from pt_regs (one past
	// the probed address, as a kprobe's int3 or ftrace call leaves it),
	// and in a kretprobe it is the target's address from FuncAddrs, one
	// program per target.
	NoFuncIP bool
	// FuncAddrs maps kretprobe targets ("kretprobe:vfs_read") to their
	// function's address, for func with NoFuncIP.
	FuncAddrs map[string]uint64
	// PIDNamespaced says gtrace runs in a pid namespace other than the
	// initial one: pid and tid then read the ids gtrace's namespace gives
	// (bpftrace 0.26), as pid(curr_ns) and tid(curr_ns) do.
	PIDNamespaced bool
	// ClockMap, when set, names a scalar map of unsigned integers ("@ts")
	// whose value tseries() takes as the current time (nanoseconds of the
	// wall clock) instead of reading the clock: bpftrace's
	// BPFTRACE_DUMMY_TS_MAP, which makes a tseries' intervals, and so its
	// output, reproducible in tests.
	ClockMap string
	// NoPerCPURead says the kernel has no bpf_map_lookup_percpu_elem or
	// no bpf_loop (before 5.19): an aggregation read as a value
	// ("if (@x > 1)") reads only the current CPU's share, as bpftrace
	// before 0.21 did, instead of all CPUs' (see aggread.go).
	NoPerCPURead bool
}

func (c *Config) clockMap() string {
	if c == nil {
		return ""
	}
	return c.ClockMap
}

func (c *Config) noCookies() bool { return c != nil && c.NoCookies }
func (c *Config) noFuncIP() bool  { return c != nil && c.NoFuncIP }

func (c *Config) pidNamespaced() bool { return c != nil && c.PIDNamespaced }

func (c *Config) noPerCPURead() bool { return c != nil && c.NoPerCPURead }

func (c *Config) helperCheck() int {
	if c == nil {
		return 0
	}
	return c.HelperCheck
}

func (c *Config) mapMax() int {
	if c == nil || c.MapMax <= 0 {
		return 4096
	}
	return c.MapMax
}

func (c *Config) ringBufSize() int {
	if c == nil || c.RingBufSize <= 0 {
		return 1 << 20
	}
	return c.RingBufSize
}

func (c *Config) stackMax() int {
	if c == nil || c.StackMax <= 0 {
		return 4096
	}
	return c.StackMax
}

// Names of the maps every program may share.
const (
	ringBufName = "ringbuf"
	stackName   = "stackmap"
	errorsName  = "errors"
	zeroName    = "zero"
	// GlobalsName is a one-entry array the runtime fills before running
	// BEGIN; see GlobalsLayout.
	GlobalsName = "globals"
)

// Offsets in the globals map value: the runtime writes the start time
// (CLOCK_MONOTONIC nanoseconds, the clock of bpf_ktime_get_ns) and the pid of
// the -c child, the wall clock's offset and the number of possible CPUs.
const (
	GlobalStartNs  = 0
	GlobalCpid     = 8
	GlobalWallNs   = 16 // CLOCK_REALTIME - CLOCK_MONOTONIC: tseries intervals follow the wall clock
	GlobalNcpus    = 24 // ncpus
	GlobalTaiOff   = 32 // CLOCK_TAI - CLOCK_BOOTTIME, for nsecs(sw_tai)
	GlobalPidnsDev = 40 // device and inode of gtrace's pid namespace, for pid(curr_ns)
	GlobalPidnsIno = 48
	GlobalExited   = 56 // set by exit(): the exit gate of every other probe (see exitGate)
	GlobalsSize    = 64
)

// Compile translates a checked file into a Program. It makes no syscalls;
// errors are positioned and returned as a lang.ErrorList.
//
// A keyed count() map gets a count cache (countcache.go) unless a probe
// reads it: the first compilation finds the maps read, and the program is
// compiled again without their caches.
func Compile(f *lang.File, info *check.Info, cfg *Config) (*Program, error) {
	prog, read, err := compile(f, info, cfg, nil)
	if err != nil || len(read) == 0 {
		return prog, err
	}
	prog, _, err = compile(f, info, cfg, read)
	return prog, err
}

// compile is one compilation, without a count cache for the maps in
// noCache. It returns the maps with a count cache that a probe reads.
func compile(f *lang.File, info *check.Info, cfg *Config, noCache map[string]bool) (prog *Program, read map[string]bool, err error) {
	if len(info.KernelErrors) > 0 {
		return nil, nil, info.KernelErrors
	}
	g := &gen{f: f, info: info, cfg: cfg, probeIDs: map[string]int{}, noCache: noCache}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			g.errs.Add(b.err)
			prog, read, err = nil, nil, g.errs
		}
	}()
	g.setup()
	g.usesExit = callsExit(f)
	for i, p := range info.Probes {
		g.probe(i, p)
	}
	g.finish()
	if len(g.errs) > 0 {
		g.errs.Sort()
		return nil, nil, g.errs
	}
	for n, mi := range g.maps {
		if mi.Cache != "" && mi.read {
			if read == nil {
				read = map[string]bool{}
			}
			read[n] = true
		}
	}
	return g.prog, read, nil
}

// bailout carries a fatal error out of deep recursion; Compile recovers it.
type bailout struct{ err *lang.Error }

// gen holds the state of one compilation.
type gen struct {
	f    *lang.File
	info *check.Info
	cfg  *Config
	prog *Program
	errs lang.ErrorList

	maps     map[string]*mapInfo // script maps by name
	noCache  map[string]bool     // maps compiled without a count cache
	probeIDs map[string]int
	zeroSize int  // value size of the zero map
	useStack bool // the stack map is needed
	useGlob  bool
	usesExit bool // the script calls exit(): probes start with the exit gate

	fn      *fnState               // the function being generated
	structs map[string]*types.Type // completed structs, by name
}

// mapInfo is what codegen knows about one script map.
type mapInfo struct {
	*Map
	index int
	cm    *check.Map
	key   *types.Type // key as stored (u64 for scalar hash, u32 for arrays)
	value *types.Type // value layout
	agg   bool
	array bool // one-entry per-CPU array (un-keyed aggregation)
	read  bool // a probe uses the map other than by counting into it
}

func (g *gen) fail(n lang.Node, format string, args ...any) {
	panic(bailout{g.f.ErrorAt(n, fmt.Sprintf(format, args...))})
}

func (g *gen) setup() {
	g.prog = &Program{
		Spec:    &ebpf.CollectionSpec{Maps: map[string]*ebpf.MapSpec{}, Programs: map[string]*ebpf.ProgramSpec{}},
		RingBuf: ringBufName,
	}
	g.prog.Spec.Maps[ringBufName] = &ebpf.MapSpec{Name: ringBufName, Type: ebpf.RingBuf, MaxEntries: uint32(g.cfg.ringBufSize())}
	g.setupMaps()
	for _, p := range g.info.Probes {
		for _, t := range p.Targets {
			if _, ok := g.probeIDs[t.Name]; !ok {
				g.probeIDs[t.Name] = len(g.prog.ProbeNames)
				g.prog.ProbeNames = append(g.prog.ProbeNames, t.Name)
			}
		}
	}
}

func (g *gen) setupMaps() {
	names := make([]string, 0, len(g.info.Maps))
	for n := range g.info.Maps {
		names = append(names, n)
	}
	sort.Strings(names)
	g.maps = map[string]*mapInfo{}
	for i, n := range names {
		cm := g.info.Maps[n]
		mi := &mapInfo{index: i, cm: cm, agg: cm.Value.Kind.IsAgg()}
		mi.Map = &Map{Name: n, SpecName: specName(n), Key: cm.Key, Value: cm.Value, PerCPU: mi.agg, Decl: cm.Decl}
		mi.value = valueLayout(cm.Value)
		spec := &ebpf.MapSpec{Name: mi.SpecName, ValueSize: uint32(max(mi.value.Size, 1)), MaxEntries: uint32(g.cfg.mapMax())}
		switch {
		case mi.agg && cm.Key == nil:
			mi.array = true
			mi.key = types.Uint32
			spec.Type, spec.MaxEntries = ebpf.PerCPUArray, 1
		case mi.agg:
			mi.key = cm.Key
			spec.Type = ebpf.PerCPUHash
		case cm.Key == nil:
			mi.key = types.Uint64
			spec.Type = ebpf.Hash
		default:
			mi.key = cm.Key
			spec.Type = ebpf.Hash
		}
		declaredMap(spec, cm)
		spec.KeySize = uint32(max(mi.key.Size, 1))
		g.prog.Spec.Maps[mi.SpecName] = spec
		if mi.agg && !mi.array && cacheable(cm) && !g.noCache[n] {
			g.addCountCache(mi)
		}
		g.prog.Maps = append(g.prog.Maps, mi.Map)
		g.maps[n] = mi
		if mi.agg {
			g.zeroSize = max(g.zeroSize, mi.value.Size)
		}
	}
}

// declaredMap gives a declared map ("let @m = lruhash(100);") its kind
// and size; the checker made sure the kind fits the map's values.
func declaredMap(spec *ebpf.MapSpec, cm *check.Map) {
	if cm.Decl == "" {
		return
	}
	spec.MaxEntries = uint32(cm.MaxEntries)
	switch cm.Decl {
	case "lruhash":
		spec.Type = ebpf.LRUHash
	case "percpulruhash":
		spec.Type = ebpf.LRUCPUHash
	}
}

// specName turns "@x" into the BPF map name "AT_x".
func specName(name string) string {
	return "AT_" + strings.TrimPrefix(name, "@")
}

// valueLayout returns the in-map layout of a map value type (see doc.go).
func valueLayout(t *types.Type) *types.Type {
	switch t.Kind {
	case types.Count, types.Sum:
		return types.Uint64
	case types.Min, types.Max, types.Avg, types.Stats:
		return types.NewTuple(types.Int64, types.Uint64)
	case types.Hist:
		n := types.HistSlots(t.HistBits) + 1
		return &types.Type{Kind: types.Array, Elem: types.Uint64, Len: n, Size: n * 8}
	case types.Lhist:
		n := lhistSlots(t.Lin) + 1
		return &types.Type{Kind: types.Array, Elem: types.Uint64, Len: n, Size: n * 8}
	case types.TSeries:
		n := t.TS.Intervals * types.TSSlotSize / 8
		return &types.Type{Kind: types.Array, Elem: types.Uint64, Len: n, Size: n * 8}
	}
	return t
}

func lhistSlots(l *types.LinSpec) int {
	if l == nil || l.Step <= 0 {
		return 2
	}
	return int((l.Max-l.Min)/l.Step) + 2
}

func (g *gen) finish() {
	s := g.prog.Spec.Maps
	if g.anyMapUpdate() || len(g.prog.Events) > 0 {
		// One counter per map, then the lost output records.
		g.prog.ErrorsMap = errorsName
		s[errorsName] = &ebpf.MapSpec{Name: errorsName, Type: ebpf.PerCPUArray, KeySize: 4, ValueSize: 8, MaxEntries: uint32(len(g.prog.Maps) + 1)}
	}
	if g.zeroSize > 0 {
		s[zeroName] = &ebpf.MapSpec{Name: zeroName, Type: ebpf.Array, KeySize: 4, ValueSize: uint32(g.zeroSize), MaxEntries: 1}
	}
	if g.useStack {
		g.prog.StackMap = stackName
		s[stackName] = &ebpf.MapSpec{Name: stackName, Type: ebpf.Hash, KeySize: 8, ValueSize: stackDepth * 8, MaxEntries: uint32(g.cfg.stackMax())}
	}
	if g.useGlob {
		s[GlobalsName] = &ebpf.MapSpec{Name: GlobalsName, Type: ebpf.Array, KeySize: 4, ValueSize: GlobalsSize, MaxEntries: 1}
	}
	for i, e := range g.prog.Events {
		e.ID = i
	}
}

// pidFilter leaves the program unless the current process is -p's.
func (g *gen) pidFilter() {
	if g.cfg == nil || g.cfg.FilterPID <= 0 {
		return
	}
	if kindHas(g.fn.grp.provider, probekind.AnyPID) {
		return
	}
	g.call(asm.FnGetCurrentPidTgid)
	g.emit(asm.RSh.Imm(asm.R0, 32), asm.JNE.Imm(asm.R0, int32(g.cfg.FilterPID), g.fn.exitLabel))
}

func (g *gen) anyMapUpdate() bool { return len(g.prog.Maps) > 0 }

// progTypes maps the program types of the probe kinds to cilium's.
var progTypes = map[probekind.ProgType]ebpf.ProgramType{
	probekind.ProgRawTracepoint: ebpf.RawTracepoint,
	probekind.ProgTracepoint:    ebpf.TracePoint,
	probekind.ProgPerfEvent:     ebpf.PerfEvent,
	probekind.ProgKprobe:        ebpf.Kprobe,
	probekind.ProgTracing:       ebpf.Tracing,
}

// programType returns the BPF program type for a provider; false when
// gtrace cannot compile its probes yet.
func programType(provider string) (ebpf.ProgramType, bool) {
	k, ok := probekind.Lookup(provider)
	if !ok || !k.Supported() {
		return 0, false
	}
	return progTypes[k.Prog], true
}

// tracing reports whether provider's programs are BPF_PROG_TYPE_TRACING:
// one program per target, bound to its function when loaded.
func tracing(provider string) bool {
	k, ok := probekind.Lookup(provider)
	return ok && k.Prog == probekind.ProgTracing
}

// tracingAttach binds a kfunc or kretfunc program to its one target's
// function ("kfunc:vmlinux:vfs_read": fentry of vfs_read). The kernel
// finds the function in vmlinux's or its module's BTF when the program
// loads.
func tracingAttach(spec *ebpf.ProgramSpec, grp *group) {
	name := grp.targets[0].Name
	spec.AttachTo = name[strings.LastIndexByte(name, ':')+1:]
	spec.AttachType = ebpf.AttachTraceFEntry
	if grp.provider == "kretfunc" {
		spec.AttachType = ebpf.AttachTraceFExit
	}
}

// kindHas reports whether the probe kind provider allows a.
func kindHas(provider string, a probekind.Allows) bool {
	k, ok := probekind.Lookup(provider)
	return ok && k.Has(a)
}

// cookieProvider reports whether provider attaches through links that
// carry a BPF cookie, so one program can serve many targets and still
// tell them apart.
func cookieProvider(provider string) bool { return kindHas(provider, probekind.Cookie) }

// group is a set of targets of one probe block compiled to one program.
type group struct {
	provider string
	targets  []*check.Target
	abi      string    // calling convention of user functions (check.Target.ABI)
	cookie   bool      // the probe id comes from the attach cookie
	sys      *sysGroup // non-nil: the syscall fast path (syscalls.go)
}

// probe compiles probe block i into one program per target group.
func (g *gen) probe(i int, p *check.Probe) {
	if grp := g.syscallGroup(i, p); grp != nil {
		g.program(fmt.Sprintf("p%d_%s", i, grp.sys.event), p, grp)
		return
	}
	uses := scanUses(p.Node)
	for gi, grp := range g.groups(p, uses) {
		name := fmt.Sprintf("p%d_%s", i, sanitize(grp.provider))
		if gi > 0 {
			name = fmt.Sprintf("p%d_%d_%s", i, gi, sanitize(grp.provider))
		}
		g.program(name, p, grp)
	}
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

// groups splits a probe block's targets into programs: by provider, by args
// layout when the body reads args, and one per target when the body uses
// the probe name and the provider has no cookies.
func (g *gen) groups(p *check.Probe, u uses) []*group {
	var out []*group
	byKey := map[string]*group{}
	for _, t := range p.Targets {
		key := t.Provider
		if u.args {
			key += "|" + argsKey(t.Args)
		}
		if u.argN && t.Provider == "usdt" {
			key += "|" + g.usdtKey(t)
		}
		if u.argN {
			key += "|" + t.ABI
		}
		if u.probe && (!cookieProvider(t.Provider) || u.targetDependent || g.cfg.noCookies()) || tracing(t.Provider) {
			key += "|" + t.Name
		}
		if u.fn && t.Provider == "kretprobe" && g.cfg.noFuncIP() {
			key += "|" + t.Name
		}
		if grp, ok := byKey[key]; ok {
			grp.targets = append(grp.targets, t)
			continue
		}
		grp := &group{provider: t.Provider, targets: []*check.Target{t}, abi: t.ABI}
		byKey[key] = grp
		out = append(out, grp)
	}
	for _, grp := range out {
		grp.cookie = u.probe && len(grp.targets) > 1
	}
	return out
}

func argsKey(t *types.Type) string {
	if t == nil {
		return ""
	}
	var b strings.Builder
	for _, f := range t.Fields {
		fmt.Fprintf(&b, "%s:%d:%s:%v:%v;", f.Name, f.Offset, f.Type, f.Type != nil && f.Type.DataLoc, f.Pieces)
	}
	return b.String()
}

// program generates one BPF program for a group of targets.
func (g *gen) program(name string, p *check.Probe, grp *group) {
	pt, ok := groupProgramType(grp)
	if !ok {
		g.fail(p.Node.Attach[0], "%s probes are not supported yet", grp.provider)
	}
	fn := newFn(name, p, grp)
	g.fn = fn
	g.syscallPrologue()
	g.body(p)
	insns := g.assemble()
	g.fn = nil
	spec := &ebpf.ProgramSpec{
		Name:         name,
		Type:         pt,
		License:      "GPL",
		Instructions: insns,
	}
	if tracing(grp.provider) {
		tracingAttach(spec, grp)
	}
	g.prog.Spec.Programs[name] = spec
	pr := &Probe{Program: name, Provider: grp.provider}
	for _, t := range grp.targets {
		pr.Targets = append(pr.Targets, t.Name)
		var cookie uint64
		if grp.cookie || grp.sys != nil {
			// Only when the program reads it: kernels before 5.15 refuse
			// any non-zero cookie.
			cookie = uint64(g.probeIDs[t.Name])
		}
		pr.Cookies = append(pr.Cookies, cookie)
	}
	g.syscallProbe(pr, grp)
	g.prog.Probes = append(g.prog.Probes, pr)
}

// body emits the program: prologue, variables, predicate, statements.
func (g *gen) body(p *check.Probe) {
	fn := g.fn
	g.exitGate()
	g.initVars(p)
	g.pidFilter()
	if p.Node.Pred != nil {
		g.source(p.Node.Pred)
		g.condJump(p.Node.Pred, false, fn.exitLabel)
	}
	g.block(p.Node.Body)
	g.label(fn.exitLabel)
	g.emit(asm.Mov.Imm(asm.R0, 0), asm.Return())
}
