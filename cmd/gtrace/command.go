package main

// This file turns a -c command line into an argv. Like bpftrace, gtrace runs
// the command itself (so cpid is the traced program's pid, not a shell's),
// splitting words with shell-like quoting; a command that needs a shell
// (pipes, redirections, variables, globs, ...) runs under /bin/sh -c.

import (
	"os/exec"
	"strings"
)

// commandArgv returns the argv to run for a -c command line.
func commandArgv(line string) []string {
	words, ok := splitWords(line)
	if !ok || len(words) == 0 {
		return []string{"/bin/sh", "-c", line}
	}
	if p, err := exec.LookPath(words[0]); err == nil {
		words[0] = p
	}
	return words
}

// splitWords splits line into words with single quotes, double quotes and
// backslashes as a POSIX shell does. It reports false when the line uses
// anything else a shell would interpret.
func splitWords(line string) ([]string, bool) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return nil, false
			}
			cur.WriteString(line[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '"':
			j := i + 1
			for ; j < len(line) && line[j] != '"'; j++ {
				if strings.IndexByte("$`\\", line[j]) >= 0 {
					return nil, false
				}
				cur.WriteByte(line[j])
			}
			if j == len(line) {
				return nil, false
			}
			i = j
			inWord = true
		case c == '\\' && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
			inWord = true
		case strings.IndexByte("|&;<>()$`*?[]#~{}!", c) >= 0:
			return nil, false
		case c == '=' && len(words) == 0:
			return nil, false // an assignment before the command
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, true
}
