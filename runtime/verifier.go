// This file maps a verifier rejection back to the script statement that
// produced the rejected instruction.

package runtime

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"golang.org/x/sys/unix"

	"github.com/gtrace/gtrace/codegen"
)

// RejectError reports a program the kernel's verifier rejected. Its message
// is the summary line, then the statement that emitted the rejected
// instruction and, when Verbose, the full verifier log, one item per line.
// It unwraps to the *ebpf.VerifierError.
type RejectError struct {
	Probe     string // the probe (first target) the program was compiled for
	Program   string // the program's name in the CollectionSpec
	Reason    string // the verifier's last words
	Insn      int    // index of the rejected instruction (in 8-byte slots), -1 if unknown
	Statement string // source comment of the statement that emitted it, "" if unknown
	Verbose   bool   // the message includes the full log
	Err       *ebpf.VerifierError
}

func (e *RejectError) Error() string {
	return strings.TrimSuffix(e.Format(), "\n")
}

// Unwrap returns the verifier error.
func (e *RejectError) Unwrap() error { return e.Err }

// Summary is the first line: "verifier rejected the program for PROBE: REASON".
func (e *RejectError) Summary() string {
	return fmt.Sprintf("verifier rejected the program for %s: %s", e.Probe, e.Reason)
}

// Format returns the message ending with a newline.
func (e *RejectError) Format() string {
	var b strings.Builder
	b.WriteString(e.Summary())
	b.WriteByte('\n')
	if e.Statement != "" {
		fmt.Fprintf(&b, "    in statement: %s\n", e.Statement)
	}
	if e.Verbose {
		b.WriteString("verifier log:\n")
		for _, l := range e.Err.Log {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// insnLine matches a verifier log line about instruction N: "12: (85) call ...".
var insnLine = regexp.MustCompile(`^([0-9]+): `)

// rejectError turns a collection load error into a RejectError when it is a
// verifier rejection of one of p's programs; other errors come back wrapped.
func rejectError(p *codegen.Program, err error, verbose bool) error {
	var ve *ebpf.VerifierError
	name := failingProgram(p, err)
	if !errors.As(err, &ve) {
		if ps := p.Spec.Programs[name]; ps != nil && ps.Type == ebpf.Tracing && errors.Is(err, unix.EPERM) {
			// This is how kernels that cannot run fentry/fexit refuse them.
			return fmt.Errorf("load the program for %s: the kernel refused a fentry/fexit (BPF_PROG_TYPE_TRACING) program, kfunc and kretfunc probes are not available on it: %w", probeOf(p, name), err)
		}
		if name != "" {
			return fmt.Errorf("load the program for %s: %w", probeOf(p, name), err)
		}
		return fmt.Errorf("load: %w", err)
	}
	re := &RejectError{Program: name, Probe: probeOf(p, name), Insn: -1, Reason: reason(ve), Verbose: verbose, Err: ve}
	re.Insn = failingInsn(ve.Log)
	if ps := p.Spec.Programs[name]; ps != nil && re.Insn >= 0 {
		re.Statement = statementAt(ps.Instructions, re.Insn)
	}
	return re
}

// failingProgram finds the program named by the collection loader's
// "program NAME: ..." wrapping.
func failingProgram(p *codegen.Program, err error) string {
	msg := err.Error()
	best := ""
	for name := range p.Spec.Programs {
		if strings.HasPrefix(msg, "program "+name+":") && len(name) > len(best) {
			best = name
		}
	}
	return best
}

func probeOf(p *codegen.Program, prog string) string {
	for _, pr := range p.Probes {
		if pr.Program == prog && len(pr.Targets) > 0 {
			return pr.Targets[0]
		}
		if pr.Program == prog {
			return pr.Provider
		}
	}
	if prog == "" {
		return "a probe"
	}
	return prog
}

// reason is the last meaningful line of the log: the verifier's complaint.
func reason(ve *ebpf.VerifierError) string {
	for i := len(ve.Log) - 1; i >= 0; i-- {
		l := strings.TrimSpace(ve.Log[i])
		if l == "" || strings.HasPrefix(l, "processed ") || insnLine.MatchString(l) {
			continue
		}
		return l
	}
	return ve.Cause.Error()
}

// failingInsn is the index of the last instruction the log mentions.
func failingInsn(log []string) int {
	for i := len(log) - 1; i >= 0; i-- {
		if m := insnLine.FindStringSubmatch(log[i]); m != nil {
			n, err := strconv.Atoi(m[1])
			if err == nil {
				return n
			}
		}
	}
	return -1
}

// statementAt returns the source comment of the statement holding the
// instruction at raw offset off (in 8-byte slots; a 64-bit immediate load
// takes two).
func statementAt(insns asm.Instructions, off int) string {
	src, pos := "", 0
	for _, ins := range insns {
		if pos > off {
			break
		}
		if s := ins.Source(); s != nil {
			src = s.String()
		}
		pos += int(ins.Size() / asm.InstructionSize)
	}
	return src
}
