//go:build !gtracefull

package main

import (
	"fmt"
	"io"
)

const version = "gtrace v0.1.0 (bpftrace v0.17.0 compatible)"

// run is a placeholder until the pipeline's packages land.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseArgs(args)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if o.info {
		return printInfo(stdout, stderr)
	}
	io.WriteString(stdout, usage)
	return 0
}
