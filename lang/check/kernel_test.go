package check

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gtrace/gtrace/lang"
)

// kernelFixture answers kernel facts: one symbol, one binary symbol, one
// cgroup, a usdt probe's specs and two syscall numbers.
type kernelFixture struct {
	fixtureResolver
	asked map[string]int // how often each fact was asked for
}

func (k *kernelFixture) count(what string) { k.asked[what]++ }

func (k *kernelFixture) Expand(provider string, parts []string) ([]string, error) {
	switch provider {
	case "usdt":
		return []string{"usdt:/bin/app:prov:done"}, nil
	case "uprobe":
		return []string{"uprobe:/bin/app:main"}, nil
	}
	return k.fixtureResolver.Expand(provider, parts)
}

func (k *kernelFixture) Kaddr(name string) (uint64, error) {
	k.count("kaddr " + name)
	if name != "vfs_read" {
		return 0, fmt.Errorf("failed to resolve kernel symbol %s", name)
	}
	return 0xffff1000, nil
}

func (k *kernelFixture) Uaddr(path, name string) (uint64, error) {
	k.count("uaddr " + path + " " + name)
	return 0x401000, nil
}

func (k *kernelFixture) CgroupID(path string) (uint64, error) {
	k.count("cgroupid " + path)
	return 42, nil
}

func (k *kernelFixture) USDTArgs(probe string) ([]string, error) {
	k.count("usdt " + probe)
	return []string{"-4@%eax"}, nil
}

func (k *kernelFixture) SyscallNumber(name string) (int, bool) {
	nr, ok := map[string]int{"openat": 257, "read": 0}[name]
	return nr, ok
}

// TestKernelFacts checks that kernel facts are asked once and recorded in
// the Info for codegen.
func TestKernelFacts(t *testing.T) {
	t.Parallel()
	src := `BEGIN { @k = kaddr("vfs_read"); @c = cgroupid("/sys/fs/cgroup/x"); signal("KILL"); signal(15); @p = pton("10.0.0.1"); @q = pton("::1"); }
uprobe:/bin/app:main { @u = uaddr("counter"); }
usdt:/bin/app:prov:done { @a = arg0; }
tracepoint:syscalls:sys_enter_openat, tracepoint:syscalls:sys_enter_read { @n = count(); }`
	f, err := lang.Parse("<test>", src)
	if err != nil {
		t.Fatal(err)
	}
	r := &kernelFixture{asked: map[string]int{}}
	info, err := (&Config{Resolver: r, Unsafe: true}).Check(f)
	if err != nil {
		t.Fatal(lang.FormatError(err))
	}
	values := map[string]uint64{}
	for c, v := range info.Values {
		values[fmt.Sprintf("%s@%d", c.Name, c.Span().Start.Col)] = v
	}
	wantValues := map[string]uint64{"kaddr@14": 0xffff1000, "cgroupid@38": 42, "signal@68": 9, "uaddr@29": 0x401000}
	if diff := cmp.Diff(wantValues, values); diff != "" {
		t.Errorf("Values (-want +got):\n%s", diff)
	}
	var bytes [][]byte
	for _, b := range info.Bytes {
		bytes = append(bytes, b)
	}
	if len(bytes) != 2 || len(bytes[0])+len(bytes[1]) != 20 {
		t.Errorf("Bytes = %v, want a 4- and a 16-byte address", bytes)
	}
	if diff := cmp.Diff(map[string]int{"tracepoint:syscalls:sys_enter_openat": 257, "tracepoint:syscalls:sys_enter_read": 0}, info.Syscalls); diff != "" {
		t.Errorf("Syscalls (-want +got):\n%s", diff)
	}
	if got := info.Probes[2].Targets[0].USDTArgs; !cmp.Equal(got, []string{"-4@%eax"}) {
		t.Errorf("USDTArgs = %q", got)
	}
	wantAsked := map[string]int{"kaddr vfs_read": 1, "cgroupid /sys/fs/cgroup/x": 1, "uaddr /bin/app counter": 1, "usdt usdt:/bin/app:prov:done": 1}
	if diff := cmp.Diff(wantAsked, r.asked); diff != "" {
		t.Errorf("facts asked (-want +got):\n%s", diff)
	}
}

func TestKernelFactErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ src, want string }{
		{`BEGIN { @ = kaddr("nope"); }`, "<test>:1:19: Failed to resolve kernel symbol: nope"},
		{`BEGIN { signal("NOPE"); }`, `<test>:1:16: signal(): unknown signal "NOPE"`},
		{`BEGIN { @ = pton("1.2.3"); }`, `<test>:1:18: pton(): "1.2.3" is not an IPv4 or IPv6 address`},
	} {
		f, err := lang.Parse("<test>", tc.src)
		if err != nil {
			t.Fatal(err)
		}
		info, err := (&Config{Resolver: &kernelFixture{asked: map[string]int{}}, Unsafe: true}).Check(f)
		var errs lang.ErrorList
		if err != nil {
			errs = err.(lang.ErrorList)
		} else {
			errs = info.KernelErrors
		}
		if len(errs) == 0 || errs[0].Error() != tc.want {
			t.Errorf("%s: got %v, want %s", tc.src, err, tc.want)
		}
	}
}
