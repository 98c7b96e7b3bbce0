// This file enforces the import direction of DESIGN.md, as
// go/build/deps_test.go does for the standard library: for every package of
// the module, the set of gtrace packages it may import (directly or not) is
// written down below, and `go list -deps` must agree.
package gtrace_test

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path"
	"strings"
	"testing"
)

const module = "github.com/gtrace/gtrace"

// allowed maps a package (relative to the module, with "/..." covering its
// subpackages) to the module packages it may depend on, transitively.
// Third-party rules: only cmd/gtrace may import readline; lang (and below)
// may not import cilium/ebpf.
var allowed = []struct {
	pkg       string
	may       []string
	forbidden []string // third-party import path prefixes
	indirect  []string // module packages it may reach only through another, never import
}{
	// internal/suggest is a leaf that lang, lang/check and probes share.
	{"internal/suggest", nil, []string{"github.com/cilium/ebpf", "github.com/chzyer/readline"}, nil},
	{"lang", []string{"lang/probekind", "internal/suggest"}, []string{"github.com/cilium/ebpf", "github.com/chzyer/readline"}, nil},
	{"lang/probekind", nil, []string{"github.com/cilium/ebpf", "github.com/chzyer/readline"}, nil},
	{"lang/fmtspec", nil, []string{"github.com/cilium/ebpf", "github.com/chzyer/readline"}, nil},
	{"lang/types", nil, []string{"github.com/cilium/ebpf", "github.com/chzyer/readline"}, nil},
	{"lang/check", []string{"lang", "lang/fmtspec", "lang/probekind", "lang/types", "internal/suggest"}, []string{"github.com/cilium/ebpf", "github.com/chzyer/readline"}, nil},
	{"codegen/...", []string{"lang", "lang/fmtspec", "lang/probekind", "lang/types", "lang/check", "internal/suggest"}, []string{"github.com/chzyer/readline"}, nil},
	{"probes/...", []string{"lang/probekind", "lang/types", "probes/...", "internal/suggest"}, []string{"github.com/chzyer/readline"}, nil},
	{"runtime/format", []string{"lang/fmtspec", "lang/types"}, []string{"github.com/chzyer/readline"}, nil},
	// runtime reaches probes only through its Attacher and Symbolizer
	// interfaces, which cmd/gtrace wires, and lang/check only through
	// codegen's Program: it imports neither.
	{"runtime", []string{"lang", "lang/fmtspec", "lang/probekind", "lang/types", "lang/check", "codegen/...", "runtime/format", "internal/suggest"}, []string{"github.com/chzyer/readline"}, []string{"lang/check"}},
	{"export", []string{"lang/...", "codegen/...", "runtime/format", "internal/suggest"}, []string{"github.com/chzyer/readline"}, nil},
	{"internal/...", []string{"lang/probekind", "lang/types", "probes/...", "internal/suggest"}, []string{"github.com/chzyer/readline"}, nil},
	{"cmd/gtrace", []string{"..."}, nil, nil},
	{"examples", []string{"..."}, nil, nil},
	{"bench", []string{"..."}, nil, nil},
}

func matches(pattern, rel string) bool {
	if pattern == "..." {
		return true
	}
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return rel == base || strings.HasPrefix(rel, base+"/")
	}
	return rel == pattern
}

type listed struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps=false", "-json=ImportPath,Imports,Deps", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for dec.More() {
		var p listed
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		if p.ImportPath == module {
			continue
		}
		seen++
		for _, err := range checkPackage(rel, p.Deps, p.Imports...) {
			t.Error(err)
		}
	}
	if seen == 0 {
		t.Fatal("go list found no packages")
	}
}

// checkPackage returns the rule violations of package rel with deps and
// direct imports.
func checkPackage(rel string, deps []string, imports ...string) []error {
	var errs []error
	for _, rule := range allowed {
		if !matches(rule.pkg, rel) {
			continue
		}
		for _, imp := range imports {
			if ir, ok := strings.CutPrefix(imp, module+"/"); ok && allowedDep(rule.indirect, ir) {
				errs = append(errs, fmt.Errorf("%s imports %s, which DESIGN.md allows it to reach only through another package", rel, ir))
			}
		}
		for _, d := range deps {
			if dr, ok := strings.CutPrefix(d, module+"/"); ok {
				if !allowedDep(rule.may, dr) && !matches(rule.pkg, dr) {
					errs = append(errs, fmt.Errorf("%s imports %s, which DESIGN.md does not allow", rel, dr))
				}
				continue
			}
			for _, f := range rule.forbidden {
				if d == f || strings.HasPrefix(d, f+"/") {
					errs = append(errs, fmt.Errorf("%s imports %s, which DESIGN.md does not allow", rel, d))
				}
			}
		}
		return errs
	}
	return []error{fmt.Errorf("package %s has no rule in deps_test.go: add one", rel)}
}

// TestRules checks that the rule table catches what DESIGN.md forbids.
func TestRules(t *testing.T) {
	for _, tc := range []struct {
		pkg  string
		deps []string
		bad  bool
	}{
		{"lang", []string{"fmt", module + "/lang/types"}, true},
		{"lang", []string{module + "/lang/probekind"}, false},
		{"lang/probekind", []string{module + "/lang"}, true},
		{"lang/probekind", []string{"github.com/cilium/ebpf"}, true},
		{"lang/check", []string{module + "/lang", module + "/lang/types"}, false},
		{"lang/check", []string{module + "/codegen"}, true},
		{"codegen", []string{module + "/probes"}, true},
		{"codegen", []string{module + "/lang/check", "github.com/cilium/ebpf/asm"}, false},
		{"probes", []string{module + "/lang/check"}, true},
		{"probes/internal/tracefs", []string{module + "/lang/types"}, false},
		{"lang/types", []string{"github.com/cilium/ebpf"}, true},
		{"runtime", []string{"github.com/chzyer/readline"}, true},
		{"runtime", []string{module + "/codegen", module + "/lang/check"}, false},
		{"runtime", []string{module + "/probes"}, true},
		{"cmd/gtrace", []string{"github.com/chzyer/readline", module + "/runtime"}, false},
		{"newpkg", nil, true},
	} {
		if errs := checkPackage(tc.pkg, tc.deps); (len(errs) > 0) != tc.bad {
			t.Errorf("%s with %v: got %v, want violation %v", tc.pkg, tc.deps, errs, tc.bad)
		}
	}
	// runtime reaches lang/check through codegen but does not import it.
	if errs := checkPackage("runtime", []string{module + "/lang/check"}, module+"/lang/check"); len(errs) == 0 {
		t.Errorf("runtime importing lang/check: got no violation")
	}
}

func allowedDep(may []string, dep string) bool {
	for _, m := range may {
		if matches(m, dep) || matches(path.Clean(m), dep) {
			return true
		}
	}
	return false
}
