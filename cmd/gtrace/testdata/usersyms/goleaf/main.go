// Command goleaf is a -c target that lives a few milliseconds: main calls
// leaf three times. usersyms_test.go builds it with and without symbols
// (-ldflags=-s -w), so the stripped one resolves through .gopclntab.
package main

import "os"

//go:noinline
func leaf(x int) int { return x*2 + os.Getpid()%2 }

func main() {
	s := 0
	for i := 0; i < 3; i++ {
		s += leaf(i)
	}
	if s > 1000 {
		os.Exit(1)
	}
}
