package check

// TestConformance checks every program of bpftrace's own runtime tests
// (../shared/conformance/bpftrace-cases.tsv from the repository root) that
// bpftrace accepts and that uses only BEGIN, END, interval, profile,
// software and tracepoint probes: the checker must accept them too.
// Tracepoint args come from the running kernel's tracefs format files when
// they are readable, else from a generic struct.

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/types"

	"github.com/gtrace/gtrace/internal/testenv"
)

const casesFile = "../../../shared/conformance/bpftrace-cases.tsv"

// unescapeTSV undoes the TSV escaping of the cases file (as its run script does).
func unescapeTSV(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case '\\':
				b.WriteByte('\\')
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			default:
				b.WriteByte('\\')
				b.WriteByte(s[i+1])
			}
			i++
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

type confCase struct {
	name, program string
	params        []string
	unsafe        bool
}

var confProbes = map[string]bool{
	"BEGIN": true, "END": true, "interval": true, "profile": true, "software": true, "tracepoint": true,
	"rawtracepoint": os.Getenv("CONF_ALL") != "", "uprobe": os.Getenv("CONF_ALL") != "",
	"uretprobe": os.Getenv("CONF_ALL") != "", "usdt": os.Getenv("CONF_ALL") != "",
}

func loadCases(t *testing.T) []confCase {
	t.Helper()
	fh, err := os.Open(casesFile)
	if err != nil {
		testenv.Missing(t, "no conformance cases (../shared/conformance): %v", err)
	}
	defer fh.Close()
	r := csv.NewReader(fh)
	r.Comma, r.LazyQuotes, r.FieldsPerRecord = '\t', true, -1
	r.ReuseRecord = false
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := rows[0]
	var out []confCase
	for _, row := range rows[1:] {
		c := map[string]string{}
		for i, h := range head {
			if i < len(row) {
				c[h] = unescapeTSV(row[i])
			}
		}
		if cc, ok := selectCase(c); ok {
			out = append(out, cc)
		}
	}
	return out
}

func selectCase(c map[string]string) (confCase, bool) {
	if c["will_fail"] != "0" || c["program"] == "" || (strings.Contains(c["tags"], "cstruct") && os.Getenv("CONF_ALL") == "") {
		return confCase{}, false
	}
	probesTag := ""
	for _, tag := range strings.Split(c["tags"], ",") {
		if p, ok := strings.CutPrefix(tag, "probes="); ok {
			probesTag = p
		}
	}
	if probesTag == "" {
		return confCase{}, false
	}
	for _, p := range strings.Split(probesTag, "+") {
		if !confProbes[p] {
			return confCase{}, false
		}
	}
	params, unsafe := parseFlags(c["flags"])
	return confCase{name: c["source_file"] + "/" + c["name"], program: c["program"], params: params, unsafe: unsafe}, true
}

// parseFlags returns the positional parameters and --unsafe of a case.
func parseFlags(flags string) (params []string, unsafe bool) {
	toks := strings.Fields(flags)
	for i := 0; i < len(toks); i++ {
		tok := strings.Trim(toks[i], `'"`)
		switch {
		case tok == "--unsafe":
			unsafe = true
		case tok == "-f" || tok == "-o" || tok == "-c" || tok == "-p" || tok == "-B":
			i++
		case strings.HasPrefix(tok, "-"):
		default:
			params = append(params, tok)
		}
	}
	return params, unsafe
}

func TestConformance(t *testing.T) {
	t.Parallel()
	cases := loadCases(t)
	if len(cases) == 0 {
		t.Fatal("no conformance cases selected")
	}
	res := &fixtureResolver{anyArgs: tracefsArgs}
	for _, c := range cases {
		f, err := lang.Parse("<cmdline>", c.program)
		if err != nil {
			t.Logf("%s: parse error (not the checker's): %v", c.name, err)
			continue
		}
		conf := &Config{Resolver: res, Params: c.params, Unsafe: c.unsafe}
		if _, err := conf.Check(f); err != nil {
			t.Errorf("%s: bpftrace accepts this program, the checker does not:\n%s\n%s", c.name, c.program, lang.FormatError(err))
		}
	}
}

// tracefsArgs reads a tracepoint's format from the running kernel, or
// returns a generic args struct.
func tracefsArgs(probe string) *types.Type {
	name, ok := strings.CutPrefix(probe, "tracepoint:")
	if !ok {
		return nil
	}
	cat, ev, _ := strings.Cut(name, ":")
	src, err := os.ReadFile(filepath.Join("/sys/kernel/tracing/events", cat, ev, "format"))
	if err != nil {
		return &types.Type{Kind: types.Struct, Name: ev, Size: 16, Fields: []*types.Field{
			field("common_type", 0, types.Uint16),
			field("value", 8, types.Uint64),
		}}
	}
	return parseFormatFile(ev, string(src))
}

var formatFieldRE = regexp.MustCompile(`field:(.*?);\s*offset:(\d+);\s*size:(\d+);\s*signed:(\d)`)

// parseFormatFile is a minimal tracefs format parser for the test.
func parseFormatFile(name, src string) *types.Type {
	t := &types.Type{Kind: types.Struct, Name: name}
	for _, m := range formatFieldRE.FindAllStringSubmatch(src, -1) {
		off, _ := strconv.Atoi(m[2])
		size, _ := strconv.Atoi(m[3])
		decl := strings.TrimSpace(m[1])
		fname := decl[strings.LastIndexAny(decl, " *")+1:]
		var ft *types.Type
		switch {
		case strings.HasPrefix(decl, "__data_loc"):
			fname = strings.TrimSuffix(fname, "[]")
			ft = &types.Type{Kind: types.Int, Size: 4, DataLoc: true}
		case strings.Contains(fname, "["):
			n, _ := strconv.Atoi(fname[strings.Index(fname, "[")+1 : len(fname)-1])
			fname = fname[:strings.Index(fname, "[")]
			elem := types.NewInt(max(1, size/max(n, 1)), m[4] == "1" || strings.HasPrefix(decl, "char "))
			ft = &types.Type{Kind: types.Array, Elem: elem, Len: n, Size: size}
		case strings.Contains(decl, "*"):
			ft = types.NewPointer(types.Int8, false)
		default:
			ft = types.NewInt(size, m[4] == "1")
		}
		t.Fields = append(t.Fields, field(fname, off, ft))
		t.Size = max(t.Size, off+size)
	}
	return t
}

// checkerRejects selects the will_fail cases of the conformance file whose
// failure is the checker's to report, by their expected output.
var checkerRejects = regexp.MustCompile(`out of bounds|unroll (maximum|minimum)|^\.\* ERROR:\.\*$`)

// TestConformanceRejects checks that the checker rejects the programs
// bpftrace rejects at type-checking time, with a matching message.
func TestConformanceRejects(t *testing.T) {
	t.Parallel()
	fh, err := os.Open(casesFile)
	if err != nil {
		testenv.Missing(t, "no conformance cases (../shared/conformance): %v", err)
	}
	defer fh.Close()
	r := csv.NewReader(fh)
	r.Comma, r.LazyQuotes, r.FieldsPerRecord = '\t', true, -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, row := range rows[1:] {
		c := map[string]string{}
		for i, h := range rows[0] {
			if i < len(row) {
				c[h] = unescapeTSV(row[i])
			}
		}
		if c["will_fail"] != "1" || c["program"] == "" || !checkerRejects.MatchString(c["expect"]) {
			continue
		}
		n++
		f, err := lang.Parse("<cmdline>", c["program"])
		if err != nil {
			continue
		}
		_, err = (&Config{Resolver: &fixtureResolver{anyArgs: tracefsArgs}}).Check(f)
		if err == nil {
			t.Errorf("%s: bpftrace rejects this program, the checker accepts it:\n%s", c["name"], c["program"])
			continue
		}
		if re, rerr := regexp.Compile(c["expect"]); rerr == nil && !strings.Contains(c["expect"], "ERROR") && !re.MatchString(err.Error()) {
			t.Errorf("%s: got error %q, want one matching %q", c["name"], err, c["expect"])
		}
	}
	if n == 0 {
		t.Errorf("no will_fail cases selected")
	}
}
