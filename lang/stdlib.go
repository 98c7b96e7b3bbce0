package lang

// This file loads the stdlib: macros written in the language, embedded in
// the binary and parsed once.

import (
	_ "embed"
	"sync"
)

//go:embed stdlib/base.bt
var stdlibSrc string

// StdlibName is the file name errors inside stdlib macros carry.
const StdlibName = "stdlib/base.bt"

var stdlibOnce = sync.OnceValue(func() *File {
	f, err := parse(StdlibName, stdlibSrc, nil)
	if err != nil {
		panic("lang: the embedded stdlib does not parse: " + err.Error())
	}
	return f
})

// stdlib returns the parsed stdlib.
func stdlib() *File { return stdlibOnce() }
