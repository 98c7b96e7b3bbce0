package main

// This file turns a -c command line into an argv. Like bpftrace, gtrace runs
// the command itself, never through a shell (so cpid is the traced
// program's pid and nothing else runs in it): the line is split into words
// at blanks, and shell syntax ($VAR, globs, pipes, redirections) is passed
// on as plain words, as bpftrace 0.17 does. Unlike bpftrace 0.17, which
// passes quote characters on as they are, single quotes, double quotes and
// backslashes group words as in a shell: a line without them splits the
// same in both. For shell syntax, run a shell: -c "sh -c '...'".

import (
	"errors"
	"os/exec"
	"strings"
)

// commandArgv returns the argv to run for a -c command line.
func commandArgv(line string) ([]string, error) {
	words, err := splitWords(line)
	if err != nil {
		return nil, err
	}
	if len(words) == 0 {
		return nil, errors.New("-c: empty command")
	}
	if p, err := exec.LookPath(words[0]); err == nil {
		words[0] = p
	}
	return words, nil
}

// splitWords splits line into words at blanks, with single quotes, double
// quotes and backslashes grouping as in a POSIX shell (inside double quotes
// a backslash escapes only " and \).
func splitWords(line string) ([]string, error) {
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
				return nil, errors.New("-c: unterminated ' quote")
			}
			cur.WriteString(line[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '"':
			j := i + 1
			for ; j < len(line) && line[j] != '"'; j++ {
				if line[j] == '\\' && j+1 < len(line) && (line[j+1] == '"' || line[j+1] == '\\') {
					j++
				}
				cur.WriteByte(line[j])
			}
			if j == len(line) {
				return nil, errors.New(`-c: unterminated " quote`)
			}
			i = j
			inWord = true
		case c == '\\' && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
