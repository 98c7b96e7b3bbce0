package check

// This file holds the signature table of builtin variables and functions,
// grouped by theme. codegen/builtins.go has one emitter per entry, with the
// same names in the same order.

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/probekind"
	"github.com/gtrace/gtrace/lang/types"
)

// Value types of builtins that are not plain integers or strings.
var (
	commType     = types.NewString(16)
	usernameType = &types.Type{Kind: types.Username, Size: 8}
	probeType    = &types.Type{Kind: types.Probe, Size: 8}
	ksymType     = &types.Type{Kind: types.Ksym, Size: 8}
	usymType     = &types.Type{Kind: types.Usym, Size: 16}
	inetType     = &types.Type{Kind: types.Inet, Size: 24}
	macType      = &types.Type{Kind: types.MacAddr, Size: 6}
	timeType     = &types.Type{Kind: types.Timestamp, Size: 16}
	cgroupType   = &types.Type{Kind: types.Cgroup, Size: 8}
	errnoType    = &types.Type{Kind: types.Errno, Size: 8}
	sigNameType  = &types.Type{Kind: types.SigName, Size: 8}
	sysNameType  = &types.Type{Kind: types.SysName, Size: 8}
)

// DefaultStackLimit is the frame limit of kstack and ustack without one.
const DefaultStackLimit = 127

// NewStack returns a kstack (user false) or ustack type.
func NewStack(user bool, mode string, limit int) *types.Type {
	if user {
		return &types.Type{Kind: types.UStack, Size: 16, Stack: &types.StackSpec{Mode: mode, Limit: limit}}
	}
	return &types.Type{Kind: types.KStack, Size: 8, Stack: &types.StackSpec{Mode: mode, Limit: limit}}
}

// builtinIdentSet are the builtin variables, for hints.
var (
	builtinIdentSet = []string{
		"pid", "tid", "uid", "gid", "nsecs", "elapsed", "cpu", "numaid", "cgroup", "rand", "jiffies",
		"cpid", "comm", "username", "curtask", "ctx", "probe", "func", "retval", "args", "kstack", "ustack",
		"ncpus", "usermode", "probetype",
	}
)

var argNRE = regexp.MustCompile(`^s?arg([0-9]+)$`)

// headerConst returns the value of a constant that bpftrace scripts take
// from C headers (errno, address families, task states, TCP states).
func headerConst(name string) (int64, bool) {
	if v, ok := errnoConsts[name]; ok {
		return v, true
	}
	v, ok := macroConsts[name]
	return v, ok
}

// macroConsts are common constants of <sys/socket.h>, <linux/sched.h> and
// <net/tcp_states.h>, which bpftrace scripts use after #include.
var macroConsts = map[string]int64{
	"AF_UNSPEC": 0, "AF_UNIX": 1, "AF_LOCAL": 1, "AF_INET": 2, "AF_INET6": 10,
	"AF_NETLINK": 16, "AF_PACKET": 17, "AF_VSOCK": 40,
	"TASK_RUNNING": 0, "TASK_INTERRUPTIBLE": 1, "TASK_UNINTERRUPTIBLE": 2,
	"__TASK_STOPPED": 4, "__TASK_TRACED": 8, "EXIT_DEAD": 16, "EXIT_ZOMBIE": 32,
	"TASK_PARKED": 64, "TASK_DEAD": 128, "TASK_WAKEKILL": 256, "TASK_WAKING": 512,
	"TASK_NOLOAD": 1024, "TASK_NEW": 2048, "TASK_KILLABLE": 258, "TASK_STOPPED": 260,
	"TASK_TRACED": 8, "TASK_IDLE": 1026,
	"TCP_ESTABLISHED": 1, "TCP_SYN_SENT": 2, "TCP_SYN_RECV": 3, "TCP_FIN_WAIT1": 4,
	"TCP_FIN_WAIT2": 5, "TCP_TIME_WAIT": 6, "TCP_CLOSE": 7, "TCP_CLOSE_WAIT": 8,
	"TCP_LAST_ACK": 9, "TCP_LISTEN": 10, "TCP_CLOSING": 11, "TCP_NEW_SYN_RECV": 12,
	"IPPROTO_IP": 0, "IPPROTO_ICMP": 1, "IPPROTO_TCP": 6, "IPPROTO_UDP": 17, "IPPROTO_IPV6": 41,
	"SIGHUP": 1, "SIGINT": 2, "SIGQUIT": 3, "SIGKILL": 9, "SIGUSR1": 10, "SIGSEGV": 11,
	"SIGUSR2": 12, "SIGPIPE": 13, "SIGALRM": 14, "SIGTERM": 15, "SIGCHLD": 17,
	"SIGCONT": 18, "SIGSTOP": 19,
}

// errnoConsts are the Linux errno names, usable as integer constants
// (bpftrace gets them from "--include errno.h").
var errnoConsts = map[string]int64{
	"EPERM": 1, "ENOENT": 2, "ESRCH": 3, "EINTR": 4, "EIO": 5, "ENXIO": 6, "E2BIG": 7,
	"ENOEXEC": 8, "EBADF": 9, "ECHILD": 10, "EAGAIN": 11, "EWOULDBLOCK": 11, "ENOMEM": 12,
	"EACCES": 13, "EFAULT": 14, "ENOTBLK": 15, "EBUSY": 16, "EEXIST": 17, "EXDEV": 18,
	"ENODEV": 19, "ENOTDIR": 20, "EISDIR": 21, "EINVAL": 22, "ENFILE": 23, "EMFILE": 24,
	"ENOTTY": 25, "ETXTBSY": 26, "EFBIG": 27, "ENOSPC": 28, "ESPIPE": 29, "EROFS": 30,
	"EMLINK": 31, "EPIPE": 32, "EDOM": 33, "ERANGE": 34, "EDEADLK": 35, "ENAMETOOLONG": 36,
	"ENOLCK": 37, "ENOSYS": 38, "ENOTEMPTY": 39, "ELOOP": 40, "ENOTSOCK": 88,
	"EOPNOTSUPP": 95, "ENOTSUP": 95, "EADDRINUSE": 98, "EADDRNOTAVAIL": 99, "ENETDOWN": 100,
	"ENETUNREACH": 101, "ECONNABORTED": 103, "ECONNRESET": 104, "ENOBUFS": 105,
	"EISCONN": 106, "ENOTCONN": 107, "ETIMEDOUT": 110, "ECONNREFUSED": 111,
	"EHOSTUNREACH": 113, "EALREADY": 114, "EINPROGRESS": 115, "ECANCELED": 125,
}

// ident checks a builtin variable.
func (ch *checker) ident(id *lang.Ident) *types.Type {
	switch id.Name {
	case "pid", "tid", "uid", "gid", "nsecs", "elapsed", "cpu", "numaid", "cgroup", "rand", "jiffies", "cpid", "ncpus":
		return types.Uint64
	case "usermode":
		return ch.usermode(id)
	case "probetype":
		return ch.probetype(id)
	case "comm":
		return commType
	case "username":
		return usernameType
	case "curtask":
		return ch.curtask()
	case "ctx":
		return types.NewPointer(types.Uint8, false)
	case "probe":
		return probeType
	case "func":
		return ch.funcBuiltin(id)
	case "retval":
		if !ch.allowedBuiltin(id, probekind.Retval, onlyWith("the retval builtin", probekind.Retval)) {
			return nil
		}
		return ch.retval(id)
	case "args":
		a := ch.argsType(id)
		if a == nil {
			return nil
		}
		return a[0]
	case "kstack":
		return NewStack(false, "bpftrace", DefaultStackLimit)
	case "ustack":
		return NewStack(true, "bpftrace", DefaultStackLimit)
	}
	if m := argNRE.FindStringSubmatch(id.Name); m != nil {
		return ch.argN(id)
	}
	if v, ok := ch.enums[id.Name]; ok {
		ch.constant(id, v)
		return types.WithEnum(types.Int64, ch.enumOf[id.Name])
	}
	if v, ok := headerConst(id.Name); ok {
		ch.constant(id, v)
		return types.Int64
	}
	if er, ok := ch.conf.resolver().(EnumResolver); ok {
		if v, err := er.Enum(id.Name); err == nil {
			ch.constant(id, v)
			return types.Int64
		}
	}
	if h := ch.file.MacroHint(id.Name, 0); h != "" {
		ch.errorHint(id, []string{h}, "no macro %s takes 0 arguments", id.Name)
		return nil
	}
	ch.errorHint(id, ch.suggest(id.Name, builtinIdentSet), "unknown identifier %s", id.Name)
	return nil
}

// retval is uint64, or the type of a kretfunc's return value when every
// target of the probe returns the same type.
func (ch *checker) retval(id *lang.Ident) *types.Type {
	rr, ok := ch.conf.resolver().(RetvalResolver)
	if !ok || ch.probeIdx >= len(ch.targets) {
		return types.Uint64
	}
	var out *types.Type
	for _, t := range ch.targets[ch.probeIdx] {
		if t.Retval == nil {
			f, err := rr.Retval(t.Name)
			if err != nil {
				ch.errorf(id, "retval of %s: %v", t.Name, err)
				return nil
			}
			t.Retval = f
		}
		switch {
		case t.Retval == nil:
			return types.Uint64
		case out == nil:
			out = t.Retval.Type
		case !types.Equal(out, t.Retval.Type):
			return types.NewInt(8, out.Kind == types.Int && out.Signed)
		}
	}
	if out == nil {
		return types.Uint64
	}
	return out
}

func (ch *checker) curtask() *types.Type {
	// A task_struct the script declares wins over the kernel's, as in
	// bpftrace 0.20+.
	if t := ch.structs["task_struct"]; t != nil {
		return types.NewPointer(t, false)
	}
	if r := ch.conf.resolver(); r != nil {
		if t, err := r.Struct("task_struct"); err == nil && t != nil {
			return types.NewPointer(t, false)
		}
	}
	return types.Uint64
}

func (ch *checker) funcBuiltin(id *lang.Ident) *types.Type {
	if !ch.allowedBuiltin(id, probekind.Func, "the func builtin can not be used with %s probes") {
		return nil
	}
	for _, p := range ch.providers {
		if k, ok := probekind.Lookup(p); ok && k.Has(probekind.UserFunc) {
			return usymType
		}
	}
	return ksymType
}

func (ch *checker) argN(id *lang.Ident) *types.Type {
	if contains(ch.providers, "tracepoint") {
		ch.errorHint(id, []string{"use args->NAME, e.g. args->" + ch.firstArgsField()},
			"%s is not valid in tracepoint probes, use args", id.Name)
		return nil
	}
	if !ch.allowedBuiltin(id, probekind.ArgN, onlyWith("the "+id.Name+" builtin", probekind.ArgN)) {
		return nil
	}
	return types.Uint64 // sargN too, as in bpftrace 0.17
}

// firstArgsField names a field of the first tracepoint target's args, for
// hints; the last field is usually the interesting one.
func (ch *checker) firstArgsField() string {
	r := ch.conf.resolver()
	for _, t := range ch.targets[ch.probeIdx] {
		if t.Args == nil && r != nil && t.Provider == "tracepoint" {
			t.Args, _ = r.Args(t.Name)
		}
		if t.Args != nil && len(t.Args.Fields) > 0 {
			return t.Args.Fields[len(t.Args.Fields)-1].Name
		}
	}
	return "field"
}

// onlyWith is the error for a builtin used in a probe kind that does not
// allow it: "the retval builtin can only be used with kretprobe, ... probes".
func onlyWith(what string, a probekind.Allows) string {
	return what + " can only be used with " + probekind.List(probekind.Names(a)) + " probes"
}

// allowedBuiltin reports whether every provider of the current probe
// allows a, and reports msg at n otherwise; a %s in msg names the provider.
func (ch *checker) allowedBuiltin(n lang.Node, a probekind.Allows, msg string) bool {
	for _, p := range ch.providers {
		if k, ok := probekind.Lookup(p); !ok || !k.Has(a) {
			if strings.Contains(msg, "%s") {
				msg = fmt.Sprintf(msg, p)
			}
			ch.errorf(n, "%s", msg)
			return false
		}
	}
	return true
}

// funcSig is one builtin function's signature.
type funcSig struct {
	name     string
	min, max int              // arity; max < 0 means variadic
	where    probekind.Allows // the probe kinds where it is allowed: those that have where (0: all)
	unsafe   bool
	check    func(ch *checker, c *lang.Call) *types.Type
}

// funcTable returns the builtin functions, by theme. It is a function
// rather than a package variable because the entries refer back to the
// checker, which looks them up.
func funcTable() []funcSig {
	return []funcSig{
		// Output.
		{name: "printf", min: 1, max: -1, check: (*checker).printfCall},
		{name: "print", min: 1, max: 3, check: (*checker).printCall},
		{name: "time", min: 0, max: 1, check: (*checker).timeCall},
		{name: "join", min: 1, max: 2, check: (*checker).joinCall},
		{name: "cat", min: 1, max: -1, check: (*checker).printfCall},
		{name: "system", min: 1, max: -1, unsafe: true, check: (*checker).printfCall},
		{name: "errorf", min: 1, max: -1, check: (*checker).printfCall},
		{name: "warnf", min: 1, max: -1, check: (*checker).printfCall},
		{name: "debugf", min: 1, max: 4, check: (*checker).debugfCall},
		// Time.
		{name: "strftime", min: 2, max: 2, check: (*checker).strftimeCall},
		{name: "nsecs", min: 1, max: 1, check: identArg(clocks)},
		// Process ids in a pid namespace.
		{name: "pid", min: 1, max: 1, check: identArg(pidNamespaces)},
		{name: "tid", min: 1, max: 1, check: identArg(pidNamespaces)},
		// Strings and buffers.
		{name: "str", min: 1, max: 2, check: (*checker).strCall},
		{name: "buf", min: 1, max: 2, check: (*checker).bufCall},
		{name: "strncmp", min: 3, max: 3, check: (*checker).strncmpCall},
		{name: "strcontains", min: 2, max: 2, check: (*checker).strcontainsCall},
		{name: "strerror", min: 1, max: 1, check: fixed(errnoType, argInt)},
		{name: "signal_name", min: 1, max: 1, check: fixed(sigNameType, argInt)},
		{name: "syscall_name", min: 1, max: 1, check: fixed(sysNameType, argInt)},
		{name: "strlen", min: 1, max: 1, check: (*checker).strlenCall},
		{name: "path", min: 1, max: 1, where: probekind.Path, check: (*checker).pathCall},
		// Symbols and addresses.
		{name: "ksym", min: 1, max: 1, check: fixed(ksymType, argInt)},
		{name: "usym", min: 1, max: 1, check: fixed(usymType, argInt)},
		{name: "kaddr", min: 1, max: 1, check: symCall(types.Uint64)},
		{name: "percpu_kaddr", min: 1, max: 2, check: percpuCall},
		{name: "uaddr", min: 1, max: 1, where: probekind.UAddr, check: uaddrCall},
		{name: "reg", min: 1, max: 1, where: probekind.Reg, check: (*checker).regCall},
		{name: "uptr", min: 1, max: 1, check: (*checker).ptrCall},
		{name: "kptr", min: 1, max: 1, check: (*checker).ptrCall},
		// Networking.
		{name: "ntop", min: 1, max: 2, check: (*checker).ntopCall},
		{name: "pton", min: 1, max: 1, check: (*checker).ptonCall},
		{name: "macaddr", min: 1, max: 1, check: (*checker).macaddrCall},
		// Integers and types.
		{name: "bswap", min: 1, max: 1, check: (*checker).bswapCall},
		{name: "sizeof", min: 1, max: 1, check: (*checker).sizeofCall},
		{name: "offsetof", min: 2, max: 2, check: (*checker).offsetofCall},
		// Cgroups.
		{name: "cgroupid", min: 1, max: 1, check: symCall(types.Uint64)},
		{name: "cgroup_path", min: 1, max: 2, check: fixed(cgroupType, argInt, argStrLit)},
		// Stacks.
		{name: "kstack", min: 0, max: 2, check: (*checker).stackCall},
		{name: "ustack", min: 0, max: 2, check: (*checker).stackCall},
		// Maps.
		{name: "delete", min: 1, max: 2, check: (*checker).deleteCall},
		{name: "clear", min: 1, max: 1, check: (*checker).wholeMapCall},
		{name: "zero", min: 1, max: 1, check: (*checker).wholeMapCall},
		{name: "len", min: 1, max: 1, check: (*checker).lenCall},
		{name: "has_key", min: 2, max: 2, check: (*checker).hasKeyCall},
		{name: "getopt", min: 1, max: 3, check: (*checker).getoptCall},
		// Aggregations: only as the value of a map assignment (see aggregate).
		{name: "count", min: 0, max: 0, check: (*checker).misplacedAgg},
		{name: "sum", min: 1, max: 1, check: (*checker).misplacedAgg},
		{name: "min", min: 1, max: 1, check: (*checker).misplacedAgg},
		{name: "max", min: 1, max: 1, check: (*checker).misplacedAgg},
		{name: "avg", min: 1, max: 1, check: (*checker).misplacedAgg},
		{name: "stats", min: 1, max: 1, check: (*checker).misplacedAgg},
		{name: "hist", min: 1, max: 2, check: (*checker).misplacedAgg},
		{name: "lhist", min: 4, max: 4, check: (*checker).misplacedAgg},
		{name: "tseries", min: 3, max: 4, check: (*checker).misplacedAgg},
		// Control.
		{name: "exit", min: 0, max: 1, check: fixed(types.Void, argInt)},
		{name: "signal", min: 1, max: 1, unsafe: true, check: (*checker).signalCall},
		{name: "override", min: 1, max: 1, unsafe: true, where: probekind.Override, check: fixed(types.Void, argInt)},
	}
}

// lookupFunc returns the signature of the builtin function name, or nil.
// The table is indexed once per check.
func (ch *checker) lookupFunc(name string) *funcSig {
	if ch.funcs == nil {
		ch.funcs = map[string]*funcSig{}
		for _, f := range funcTable() {
			ch.funcs[f.name] = &f
		}
	}
	return ch.funcs[name]
}

// FuncNames returns the names of all builtin functions, sorted. A builtin
// variable that also takes an argument (nsecs(boot), pid(curr_ns)) is not
// among them: completion and hints offer it as the variable.
func FuncNames() []string {
	var names []string
	for _, f := range funcTable() {
		if !contains(builtinIdentSet, f.name) {
			names = append(names, f.name)
		}
	}
	sort.Strings(names)
	return names
}

// call checks a function call against its signature.
func (ch *checker) call(c *lang.Call) *types.Type {
	sig := ch.lookupFunc(c.Name)
	if sig == nil {
		ch.args(c)
		if h := ch.file.MacroHint(c.Name, len(c.Args)); h != "" {
			ch.errorHint(c, []string{h}, "no macro %s takes %d argument(s)", c.Name, len(c.Args))
			return nil
		}
		ch.errorAt(c.NameAt, ch.suggest(c.Name, FuncNames()), "unknown function "+c.Name+"()")
		return nil
	}
	if sig.unsafe && !ch.conf.unsafe() {
		ch.errorHint(c, []string{"run with --unsafe to allow it"}, "%s() is unsafe; use --unsafe", c.Name)
	}
	if sig.where != 0 && !ch.allowedBuiltin(c, sig.where, c.Name+"() can not be used in %s probes") {
		ch.args(c)
		return nil
	}
	if len(c.Args) < sig.min || (sig.max >= 0 && len(c.Args) > sig.max) {
		ch.args(c)
		ch.errorf(c, "%s() %s, got %d", c.Name, arityText(sig.min, sig.max), len(c.Args))
		return nil
	}
	return ch.record(c, sig.check(ch, c))
}

func arityText(lo, hi int) string {
	switch {
	case hi < 0:
		return "takes at least " + plural(lo, "argument")
	case lo == hi:
		return "takes " + plural(lo, "argument")
	}
	return "takes " + strconv.Itoa(lo) + " to " + plural(hi, "argument")
}

// args checks every argument of c as an expression.
func (ch *checker) args(c *lang.Call) []*types.Type {
	ts := make([]*types.Type, len(c.Args))
	for i, a := range c.Args {
		ts[i] = ch.expr(a)
	}
	return ts
}

// argKind is a simple argument requirement for fixed().
type argKind int

const (
	argInt    argKind = iota // an integer or pointer
	argStrLit                // a string literal
	argAddr                  // an integer, pointer or array (an address or the bytes)
)

// fixed builds a check for a function with a fixed result and simple args.
// macaddrCall checks macaddr(a): an address, or a string or array of 6
// bytes that is not a string literal (bpftrace 0.17 rejects one).
func (ch *checker) macaddrCall(c *lang.Call) *types.Type {
	if _, ok := c.Args[0].(*lang.StrLit); ok {
		ch.errorf(c, "macaddr() does not support literal string arguments")
		return nil
	}
	r := fixed(macType, argAddr)(ch, c)
	if t := ch.info.Types[c.Args[0]]; r != nil && t != nil && (t.Kind == types.String || t.Kind == types.Array) && t.Size != 6 {
		ch.errorf(c, "macaddr() argument must be 6 bytes in size")
		return nil
	}
	return r
}

func fixed(result *types.Type, kinds ...argKind) func(*checker, *lang.Call) *types.Type {
	return func(ch *checker, c *lang.Call) *types.Type {
		ok := true
		for i, a := range c.Args {
			k := kinds[min(i, len(kinds)-1)]
			ok = ch.argOf(c, i, a, k) && ok
		}
		if !ok {
			return nil
		}
		return result
	}
}

// argOf checks argument i of c against k.
func (ch *checker) argOf(c *lang.Call, i int, a lang.Expr, k argKind) bool {
	if k == argStrLit {
		ch.literalExpr(a)
		if _, ok := ch.info.Strings[a]; !ok {
			ch.errorf(a, "%s() expects a string literal as argument %d", c.Name, i+1)
			return false
		}
		return true
	}
	t := ch.expr(a)
	if t == nil {
		return false
	}
	if isNumeric(t) || (k == argAddr && (t.Kind == types.Array || t.Kind == types.String)) {
		return true
	}
	ch.errorf(a, "%s() expects an integer as argument %d, not %s", c.Name, i+1, t)
	return false
}

func (ch *checker) misplacedAgg(c *lang.Call) *types.Type {
	ch.args(c)
	ch.errorf(c, "%s() should be directly assigned to a map", c.Name)
	return nil
}

// probeTypeNames are bpftrace's names of probe kinds, as probetype gives
// them: BEGIN and END are "special", kfunc/kretfunc "fentry"/"fexit".
var probeTypeNames = map[string]string{
	"BEGIN": "special", "END": "special", "kfunc": "fentry", "kretfunc": "fexit",
}

// probetype checks the probetype builtin (bpftrace 0.24+): the kind of the
// current probe, a constant string.
func (ch *checker) probetype(id *lang.Ident) *types.Type {
	name := ""
	for _, p := range ch.providers {
		n, ok := probeTypeNames[p]
		if !ok {
			n = p
		}
		if name != "" && n != name {
			ch.errorf(id, "probetype cannot be used in a probe block of %s and %s probes", name, n)
			return nil
		}
		name = n
	}
	ch.info.Strings[id] = name
	return types.NewString(len(name) + 1)
}

// usermode checks the usermode builtin (bpftrace 0.24+): 1 when the probe
// fired in user mode. BEGIN and END run for gtrace, in user space; other
// probes need the registers of where they fired.
func (ch *checker) usermode(id *lang.Ident) *types.Type {
	for _, p := range ch.providers {
		if probekind.IsRun(p) {
			continue
		}
		if k, ok := probekind.Lookup(p); !ok || !k.Has(probekind.Reg) {
			ch.errorf(id, "the usermode builtin can not be used with %s probes", p)
			return nil
		}
	}
	return types.Uint64
}

// Arguments of nsecs(clock), pid(ns) and tid(ns) (bpftrace 0.24+); the
// calls without arguments are the builtins nsecs, pid and tid.
var (
	clocks        = []string{"monotonic", "boot", "tai", "sw_tai"}
	pidNamespaces = []string{"curr_ns", "init"}
)

// identArg checks a call whose one argument is a name out of names.
func identArg(names []string) func(*checker, *lang.Call) *types.Type {
	return func(ch *checker, c *lang.Call) *types.Type {
		id, ok := c.Args[0].(*lang.Ident)
		if !ok || !contains(names, id.Name) {
			ch.errorf(c.Args[0], "%s() takes one of %s", c.Name, strings.Join(names, ", "))
			return nil
		}
		return types.Uint64
	}
}
