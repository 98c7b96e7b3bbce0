package vmtest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A Kernel is one Debian cloud kernel of the matrix: the newest package
// whose name matches Package, from the apt source Source.
type Kernel struct {
	Name    string         // short name, as given to -kernel: "6.12"
	Source  string         // one deb line, without the signed-by option
	Package *regexp.Regexp // the package holding vmlinuz (and modules, when it has them)
	Modules *regexp.Regexp // the package holding the modules, when it is another one
}

// Kernels is the matrix, oldest first. Adding a kernel is adding a row.
var Kernels = []Kernel{
	{
		Name:    "5.10",
		Source:  "http://deb.debian.org/debian bullseye main",
		Package: regexp.MustCompile(`^linux-image-5\.10\.0-[0-9]+-cloud-amd64-unsigned$`),
	},
	{
		Name:    "6.1",
		Source:  "http://deb.debian.org/debian-security bookworm-security main",
		Package: regexp.MustCompile(`^linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned$`),
	},
	{
		Name:    "6.12",
		Source:  "http://deb.debian.org/debian-security bookworm-security main",
		Package: regexp.MustCompile(`^linux-image-6\.12\.[0-9]+\+deb12-cloud-amd64-unsigned$`),
	},
	{
		Name:    "7.3",
		Source:  "http://deb.debian.org/debian trixie-backports main",
		Package: regexp.MustCompile(`^linux-binary-unsigned-7\.3\.[0-9]+\+deb13-cloud-amd64$`),
		Modules: regexp.MustCompile(`^linux-modules-7\.3\.[0-9]+\+deb13-cloud-amd64$`),
	},
}

// FindKernel returns the row named name.
func FindKernel(name string) (Kernel, error) {
	var names []string
	for _, k := range Kernels {
		if k.Name == name {
			return k, nil
		}
		names = append(names, k.Name)
	}
	return Kernel{}, fmt.Errorf("unknown kernel %q (have %s)", name, strings.Join(names, ", "))
}

// GuestModules are the kernel modules copied into the initramfs (as
// /modules/NAME.ko or .ko.xz) for the module:function cases and the block
// device of biosnoop (loop).
var GuestModules = []string{"binfmt_misc", "loop"}

// A Fetched kernel is a vmlinuz on disk plus the modules of GuestModules
// that its packages have.
type Fetched struct {
	Kernel  Kernel
	Version string // the package name it came from
	Vmlinuz string
	Modules []string // paths of module files
}

// apt runs apt-get or apt-cache with a private configuration under
// cache/apt: the system's sources are never read or changed.
type apt struct{ dir string }

func (a apt) setup() error {
	for _, d := range []string{"etc/sources.list.d", "etc/preferences.d", "state/lists/partial", "cache/archives/partial"} {
		if err := os.MkdirAll(filepath.Join(a.dir, d), 0o755); err != nil {
			return err
		}
	}
	var src strings.Builder
	seen := map[string]bool{}
	for _, k := range Kernels {
		if !seen[k.Source] {
			seen[k.Source] = true
			fmt.Fprintf(&src, "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s\n", k.Source)
		}
	}
	conf := fmt.Sprintf(`Dir::Etc::SourceList "%[1]s/etc/sources.list";
Dir::Etc::SourceParts "%[1]s/etc/sources.list.d";
Dir::Etc::Preferences "%[1]s/etc/preferences";
Dir::Etc::PreferencesParts "%[1]s/etc/preferences.d";
Dir::State "%[1]s/state";
Dir::State::status "%[1]s/state/status";
Dir::Cache "%[1]s/cache";
APT::Architecture "amd64";
Acquire::Languages "none";
APT::Sandbox::User "root";
`, a.dir)
	if err := os.WriteFile(filepath.Join(a.dir, "etc/sources.list"), []byte(src.String()), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(a.dir, "state/status"), nil, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(a.dir, "apt.conf"), []byte(conf), 0o644)
}

func (a apt) run(dir, name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, append([]string{"-q"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "APT_CONFIG="+filepath.Join(a.dir, "apt.conf"), "DEBIAN_FRONTEND=noninteractive")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// newest returns the newest package whose name matches re.
func (a apt) newest(re *regexp.Regexp) (string, error) {
	out, err := a.run("", "apt-cache", "pkgnames")
	if err != nil {
		return "", err
	}
	var names []string
	for _, n := range strings.Fields(string(out)) {
		if re.MatchString(n) {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return "", fmt.Errorf("no package matches %s", re)
	}
	slices.SortFunc(names, versionCompare)
	return names[len(names)-1], nil
}

// versionCompare orders names by their runs of digits as numbers.
func versionCompare(a, b string) int {
	num := regexp.MustCompile(`[0-9]+|[^0-9]+`)
	as, bs := num.FindAllString(a, -1), num.FindAllString(b, -1)
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, errx := strconv.Atoi(as[i])
		y, erry := strconv.Atoi(bs[i])
		if errx == nil && erry == nil && x != y {
			return x - y
		}
		if c := strings.Compare(as[i], bs[i]); (errx != nil || erry != nil) && c != 0 {
			return c
		}
	}
	return len(as) - len(bs)
}

// Fetch returns kernel k from cacheDir, downloading it first when it is
// not there (or refresh is set). Downloads go through apt-get download with
// the private configuration; only vmlinuz and GuestModules are extracted.
func Fetch(k Kernel, cacheDir string, refresh bool, logf func(string, ...any)) (*Fetched, error) {
	dir := filepath.Join(cacheDir, k.Name)
	if f, err := cached(k, dir); err == nil && !refresh {
		return f, nil
	}
	a := apt{dir: filepath.Join(cacheDir, "apt")}
	if err := a.prepare(logf); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	pkg, err := a.newest(k.Package)
	if err != nil {
		return nil, err
	}
	logf("kernel %s: downloading %s", k.Name, pkg)
	pkgs := []string{pkg}
	if k.Modules != nil {
		mp, err := a.newest(k.Modules)
		if err != nil {
			return nil, err
		}
		pkgs = append(pkgs, mp)
	}
	tmp, err := os.MkdirTemp(cacheDir, "dl-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if _, err := a.run(tmp, "apt-get", append([]string{"download"}, pkgs...)...); err != nil {
		return nil, err
	}
	if err := extract(tmp, dir); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "package"), []byte(pkg+"\n"), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "extracted"), []byte(extractedList()), 0o644); err != nil {
		return nil, err
	}
	return cached(k, dir)
}

// prepare writes the private configuration and updates its package lists
// when they are more than a day old.
func (a apt) prepare(logf func(string, ...any)) error {
	if fi, err := os.Stat(filepath.Join(a.dir, "updated")); err == nil && time.Since(fi.ModTime()) < 24*time.Hour {
		return nil
	}
	if err := a.setup(); err != nil {
		return err
	}
	logf("apt-get update (private configuration in %s)", a.dir)
	if _, err := a.run("", "apt-get", "update"); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(a.dir, "updated"), nil, 0o644)
}

// extract unpacks vmlinuz and the guest modules of every .deb in from into to.
func extract(from, to string) error {
	debs, _ := filepath.Glob(filepath.Join(from, "*.deb"))
	if len(debs) == 0 {
		return errors.New("apt-get download fetched nothing")
	}
	pats := []string{"*/vmlinuz*"}
	for _, m := range GuestModules {
		pats = append(pats, "*/"+m+".ko", "*/"+m+".ko.xz")
	}
	for _, deb := range debs {
		x := filepath.Join(from, "x")
		os.MkdirAll(x, 0o755)
		sh := fmt.Sprintf("dpkg-deb --fsys-tarfile %q | tar -x -C %q --wildcards --no-anchored %s", deb, x, quoteAll(pats))
		if out, err := exec.Command("sh", "-c", sh).CombinedOutput(); err != nil && !bytes.Contains(out, []byte("Not found in archive")) {
			return fmt.Errorf("extract %s: %v: %s", filepath.Base(deb), err, out)
		}
		err := filepath.Walk(x, func(p string, fi os.FileInfo, err error) error {
			if err != nil || fi.IsDir() {
				return err
			}
			name := fi.Name()
			if strings.HasPrefix(name, "vmlinuz") {
				name = "vmlinuz"
			} else {
				name = "modules/" + name
				os.MkdirAll(filepath.Join(to, "modules"), 0o755)
			}
			return os.Rename(p, filepath.Join(to, name))
		})
		if err != nil {
			return err
		}
		os.RemoveAll(x)
	}
	return nil
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = "'" + s + "'"
	}
	return strings.Join(q, " ")
}

// extractedList records what was extracted, so that a change of
// GuestModules extracts the packages again.
func extractedList() string { return strings.Join(GuestModules, " ") + "\n" }

func cached(k Kernel, dir string) (*Fetched, error) {
	vmlinuz := filepath.Join(dir, "vmlinuz")
	if _, err := os.Stat(vmlinuz); err != nil {
		return nil, err
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "extracted")); string(got) != extractedList() {
		return nil, errors.New("extracted with other modules")
	}
	pkg, _ := os.ReadFile(filepath.Join(dir, "package"))
	mods, _ := filepath.Glob(filepath.Join(dir, "modules", "*"))
	return &Fetched{Kernel: k, Version: strings.TrimSpace(string(pkg)), Vmlinuz: vmlinuz, Modules: mods}, nil
}
