package main

// This file is gtrace's interactive prompt: `gtrace` with no program reads
// programs line by line, runs each one like `gtrace -e` until it exits or
// Ctrl-C, and prompts again. readline is used here only, behind lineReader.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/chzyer/readline"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/check"
	"github.com/gtrace/gtrace/lang/probekind"
	"github.com/gtrace/gtrace/probes"
)

const (
	replPrompt     = "gtrace> "
	replContPrompt = "   ...> "
	replName       = "<repl>"
	historyFile    = ".gtrace_history"
)

const replHelp = `Type a program and press Enter; it runs like gtrace -e until it exits or
Ctrl-C, then its maps are printed and the prompt comes back. A program may
span several lines: the prompt becomes "   ...>" until it is complete.

    help, ?          this help
    list [PATTERN]   list probes, like gtrace -l PATTERN
    quit, exit       leave (or Ctrl-D on an empty line)

Tab completes probe providers, tracepoint names, uprobe and usdt binaries
(paths), their functions and USDT probes, builtins and functions.
Ctrl-C at the prompt clears the line.
`

// lineReader reads one line of input after showing prompt. It returns
// io.EOF at the end of the input and errInterrupt when the user pressed
// Ctrl-C.
type lineReader interface {
	ReadLine(prompt string) (string, error)
}

// errInterrupt is returned by a lineReader when the line was abandoned
// with Ctrl-C.
var errInterrupt = errors.New("interrupted")

// wantREPL reports whether the command line asks for the interactive
// prompt: no program, no script, and stdin a terminal (or GTRACE_REPL=1,
// which lets scripts drive the prompt through a pipe).
func wantREPL(o *options, stdin io.Reader) bool {
	if len(o.programs) > 0 || o.file != "" {
		return false
	}
	return os.Getenv("GTRACE_REPL") == "1" || isTerminal(stdin)
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && readline.IsTerminal(int(f.Fd()))
}

// startREPL runs the interactive prompt on stdin and returns the exit code.
func startREPL(o *options, stdin io.Reader, stdout, stderr io.Writer) int {
	s := &session{o: o, stdout: stdout, stderr: stderr}
	s.run = func(src string) int { return compileAndRun(o, replName, src, stdout, stderr) }
	if !isTerminal(stdin) {
		s.in = &plainReader{sc: bufio.NewScanner(stdin), out: stdout}
		return s.loop()
	}
	c := &completer{pending: s.pendingText, names: newProbeNames(probes.New(&probes.Options{Stderr: io.Discard}))}
	tr, err := newTerminalReader(c)
	if err != nil {
		fmt.Fprintf(stderr, "ERROR: %v\n", err)
		return 1
	}
	defer tr.Close()
	s.in = tr
	return s.loop()
}

// session is one run of the prompt.
type session struct {
	o              *options
	in             lineReader
	run            func(src string) int // compiles and runs one program
	stdout, stderr io.Writer
	pending        string // the lines of an incomplete program
}

func (s *session) pendingText() string { return s.pending }

// loop reads and runs programs until the end of the input or "quit".
func (s *session) loop() int {
	// Ctrl-C while a program runs stops that program (execute listens for
	// it too); the prompt itself must survive it.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	defer signal.Stop(sigs)
	for {
		prompt := replPrompt
		if s.pending != "" {
			prompt = replContPrompt
		}
		line, err := s.in.ReadLine(prompt)
		switch {
		case errors.Is(err, errInterrupt):
			s.pending = ""
			continue
		case errors.Is(err, io.EOF):
			return 0
		case err != nil:
			fmt.Fprintf(s.stderr, "ERROR: %v\n", err)
			return 1
		}
		if s.pending == "" {
			if quit, ok := s.meta(line); ok {
				if quit {
					return 0
				}
				continue
			}
		}
		src := line
		if s.pending != "" {
			src = s.pending + "\n" + line
		}
		if strings.TrimSpace(src) == "" {
			continue
		}
		if incomplete(src) {
			s.pending = src
			continue
		}
		s.pending = ""
		s.run(src)
		drain(sigs)
	}
}

// meta runs a meta command; ok is false when line is not one.
func (s *session) meta(line string) (quit, ok bool) {
	f := strings.Fields(line)
	if len(f) == 0 {
		return false, false
	}
	switch f[0] {
	case "help", "?":
		if len(f) == 1 {
			io.WriteString(s.stdout, replHelp)
			return false, true
		}
	case "quit", "exit":
		return len(f) == 1, len(f) == 1
	case "list":
		lo := *s.o
		lo.params = f[1:]
		list(&lo, s.stdout, s.stderr)
		return false, true
	}
	return false, false
}

func drain(c <-chan os.Signal) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}

// incomplete reports whether src needs more lines: a brace, parenthesis,
// bracket, comment or predicate is still open, or the parser ran out of
// input.
func incomplete(src string) bool {
	depth, open := nesting(src)
	if depth > 0 || open || depth == 0 && inPredicate(src) {
		return true
	}
	if depth < 0 {
		return false
	}
	_, err := lang.Parse(replName, src)
	return err != nil && lang.Incomplete(err)
}

// nesting returns how many brackets of src are open (negative when more
// close than open), skipping strings and comments, and whether src ends
// inside a block comment.
func nesting(src string) (depth int, inComment bool) {
	for i := 0; i < len(src); i++ {
		switch c := src[i]; {
		case c == '"':
			i = skipString(src, i)
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return depth, true
			}
			i += 2 + end + 1
		case c == '{' || c == '(' || c == '[':
			depth++
		case c == '}' || c == ')' || c == ']':
			depth--
		}
	}
	return depth, false
}

// skipString returns the index of the closing quote of the string at
// src[i], or of the end of its line when it is not closed.
func skipString(src string, i int) int {
	for i++; i < len(src); i++ {
		switch src[i] {
		case '\\':
			i++
		case '"', '\n':
			return i
		}
	}
	return i
}

// builtins are the variables completion offers inside a block.
var builtins = []string{
	"pid", "tid", "uid", "gid", "comm", "nsecs", "elapsed", "cpu", "curtask", "rand",
	"probe", "func", "args", "retval", "arg0", "arg1", "arg2", "arg3", "arg4", "arg5",
	"arg6", "arg7", "arg8", "arg9", "kstack", "ustack", "cgroup", "username", "cpid",
}

// providers are the probe kinds completion offers outside blocks: those
// gtrace runs, with ":" after those that take parts.
func providers() []string {
	var out []string
	for _, k := range probekind.Kinds {
		switch {
		case !k.Supported():
		case k.Parts.Max == 0:
			out = append(out, k.Name)
		default:
			out = append(out, k.Name+":")
		}
	}
	return out
}

// probeNames lists a provider's probes once and remembers them.
type probeNames struct {
	mu    sync.Mutex
	reg   *probes.Registry
	cache map[string][]string
}

func newProbeNames(reg *probes.Registry) *probeNames {
	return &probeNames{reg: reg, cache: map[string][]string{}}
}

// list returns the full names of provider's probes ("tracepoint:sched:...").
func (p *probeNames) list(provider string) []string {
	return p.listPattern(provider + ":*")
}

// listPattern returns the full names a listing pattern matches
// ("uprobe:/bin/bash:*").
func (p *probeNames) listPattern(pattern string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if names, ok := p.cache[pattern]; ok {
		return names
	}
	names, _ := p.reg.List(pattern)
	p.cache[pattern] = names
	return names
}

// lister lists probe names for completion; probeNames is one, tests fake
// it.
type lister interface {
	list(provider string) []string
	listPattern(pattern string) []string
}

// completer is readline's AutoCompleter for gtrace programs.
type completer struct {
	pending func() string // the earlier lines of the program being typed
	names   *probeNames
}

// Do returns the suffixes that complete the word before pos, and the
// word's length, as readline wants.
func (c *completer) Do(line []rune, pos int) ([][]rune, int) {
	before := string(line[:pos])
	if p := c.pending(); p != "" {
		before = p + "\n" + before
	}
	word, cands := complete(before, c.names)
	out := make([][]rune, len(cands))
	for i, s := range cands {
		out[i] = []rune(s[len(word):])
	}
	return out, len([]rune(word))
}

// complete returns the word at the end of text and the words that may
// replace it: probe providers and probe names outside blocks (for uprobe,
// uretprobe and usdt: the binary's path, then its functions or USDT
// probes), builtins and functions inside blocks and predicates.
func complete(text string, l lister) (word string, cands []string) {
	start := len(text)
	for start > 0 && isIdentByte(text[start-1]) {
		start--
	}
	word = text[start:]
	depth, inComment := nesting(text[:start])
	switch {
	case inComment:
		return word, nil
	case depth > 0 || inPredicate(text[:start]):
		var all []string
		all = append(all, builtins...)
		for _, f := range check.FuncNames() {
			// A builtin that may also be called ("pid()") is offered
			// once, as the identifier.
			if !slices.Contains(builtins, f) {
				all = append(all, f+"(")
			}
		}
		sort.Strings(all)
		return word, withPrefix(all, word)
	}
	for start > 0 && (isProbeByte(text[start-1]) || text[start-1] == '/') {
		start--
	}
	word = text[start:]
	if prov, rest, ok := strings.Cut(word, ":"); ok {
		kind, known := probekind.Lookup(prov)
		switch {
		case known && kind.Has(probekind.User):
			return word, userCompletions(prov, rest, kind.Name, l)
		case !known || !kind.Complete:
			return word, nil
		}
		return word, probeCompletions(prov, rest, l.list(kind.Name))
	}
	return word, withPrefix(providers(), word)
}

// userCompletions completes the part after "prov:" of a uprobe, uretprobe
// or usdt name: first the binary's path (directories end in "/", ELF files
// in ":"), then, once the path is followed by ':', the binary's functions
// or USDT probes, one field at a time.
func userCompletions(prov, rest, kind string, l lister) []string {
	bin, tail, ok := strings.Cut(rest, ":")
	if !ok {
		return pathCompletions(prov, rest)
	}
	names := l.listPattern(kind + ":" + bin + ":*")
	// The listing names the binary as it resolved ("libc" is
	// /usr/lib/.../libc.so.6): complete as the user spelled it.
	spelled := make([]string, 0, len(names))
	for _, n := range names {
		if _, _, fn, err := splitProbeName(n); err == nil {
			spelled = append(spelled, kind+":"+bin+":"+fn)
		}
	}
	return probeCompletions(prov, bin+":"+tail, spelled)
}

// splitProbeName splits "uprobe:/path:fn" (or "usdt:/path:prov:name") into
// its provider, binary and rest.
func splitProbeName(n string) (prov, path, rest string, err error) {
	prov, r, _ := strings.Cut(n, ":")
	path, rest, ok := strings.Cut(r, ":")
	if !ok {
		return "", "", "", fmt.Errorf("bad probe name %q", n)
	}
	return prov, path, rest, nil
}

// pathCompletions completes a binary's path: the entries of its directory
// that start with its last element, directories with "/" and ELF files
// with ":" appended. A name without '/' is not completed.
func pathCompletions(prov, partial string) []string {
	i := strings.LastIndexByte(partial, '/')
	if i < 0 {
		return nil
	}
	dir, base := partial[:i+1], partial[i+1:]
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, base) || (base == "" && strings.HasPrefix(name, ".")) {
			continue
		}
		p := dir + name
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			out = append(out, prov+":"+p+"/")
		} else if err == nil && st.Mode().IsRegular() && isELFFile(p) {
			out = append(out, prov+":"+p+":")
		}
	}
	sort.Strings(out)
	return out
}

// isELFFile reports whether path starts with the ELF magic.
func isELFFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var magic [4]byte
	_, err = io.ReadFull(f, magic[:])
	return err == nil && string(magic[:]) == "\x7fELF"
}

// probeCompletions completes rest, the part after "prov:", from the full
// probe names: one ':'-separated field at a time, so that
// "tracepoint:sch" offers "tracepoint:sched:" and not every sched probe.
func probeCompletions(prov, rest string, names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		_, tail, ok := strings.Cut(n, ":")
		if !ok || !strings.HasPrefix(tail, rest) {
			continue
		}
		if i := strings.IndexByte(tail[len(rest):], ':'); i >= 0 && i+len(rest)+1 < len(tail) {
			tail = tail[:len(rest)+i+1]
		}
		if c := prov + ":" + tail; !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

// inPredicate reports whether text, outside any block, ends inside a
// /predicate/ of the probe after the last block. The predicate opens with
// the first '/' that starts a word: the '/' of a path in a uprobe name is
// inside one.
func inPredicate(text string) bool {
	if i := strings.LastIndexByte(text, '}'); i >= 0 {
		text = text[i+1:]
	}
	for i := 0; i < len(text); i++ {
		if text[i] == '/' && (i == 0 || strings.IndexByte(" \t\n,", text[i-1]) >= 0) {
			return strings.Count(text[i:], "/")%2 == 1
		}
	}
	return false
}

func withPrefix(words []string, prefix string) []string {
	var out []string
	for _, w := range words {
		if strings.HasPrefix(w, prefix) {
			out = append(out, w)
		}
	}
	return out
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// isProbeByte reports whether c may appear in a probe name being typed.
func isProbeByte(c byte) bool {
	return isIdentByte(c) || c == ':' || c == '-' || c == '.'
}

// plainReader reads lines from a pipe or file, showing the prompts.
type plainReader struct {
	sc  *bufio.Scanner
	out io.Writer
}

func (p *plainReader) ReadLine(prompt string) (string, error) {
	io.WriteString(p.out, prompt)
	if !p.sc.Scan() {
		if err := p.sc.Err(); err != nil {
			return "", err
		}
		io.WriteString(p.out, "\n")
		return "", io.EOF
	}
	return p.sc.Text(), nil
}

// terminalReader reads lines from the terminal with readline: editing,
// history in ~/.gtrace_history and Tab completion.
type terminalReader struct {
	rl *readline.Instance
}

func newTerminalReader(c readline.AutoCompleter) (*terminalReader, error) {
	cfg := &readline.Config{
		Prompt:            replPrompt,
		AutoComplete:      c,
		HistorySearchFold: true,
	}
	if home, err := os.UserHomeDir(); err == nil {
		cfg.HistoryFile = filepath.Join(home, historyFile)
	}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		return nil, err
	}
	return &terminalReader{rl: rl}, nil
}

func (t *terminalReader) ReadLine(prompt string) (string, error) {
	t.rl.SetPrompt(prompt)
	line, err := t.rl.Readline()
	if errors.Is(err, readline.ErrInterrupt) {
		return "", errInterrupt
	}
	return line, err
}

func (t *terminalReader) Close() error { return t.rl.Close() }
