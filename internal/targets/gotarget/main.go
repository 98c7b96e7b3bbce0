// Command gotarget is the Go program the uprobe tests trace (built by
// targets.Go). It starts G goroutines (argv[2], default 10) that make N
// calls in all (argv[1], default 1000) of add, greet and pair, each from
// the bottom of a recursion deep enough to make the Go runtime grow (copy)
// the goroutine's stack, checks every result, and exits 0 when all were
// right (then it prints "gotarget: ok"). Call i (0..N-1) is add(i, 1000), greet(names[i%3], i) and
// pair(i, names[i%3]).
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
)

var names = []string{"alpha", "beta", "gamma-delta"}

// add is the simplest Go function: two int arguments in RAX and RBX, the
// result in RAX.
//
//go:noinline
func add(a, b int) int {
	return a + b
}

// greet takes a string (pointer in RAX, length in RBX) and an int (RCX),
// and returns two named results.
//
//go:noinline
func greet(s string, n int) (size int, even bool) {
	if n < 0 {
		return 0, false // a second RET
	}
	return len(s) + n, n%2 == 0
}

// point is a struct passed by value, one register per field.
type point struct {
	X, Y int32
	Tag  string
}

// pair builds a point and returns it with an error; its results use five
// registers.
//
//go:noinline
func pair(i int, tag string) (point, error) {
	if tag == "" {
		return point{}, fmt.Errorf("no tag")
	}
	return point{X: int32(i), Y: int32(-i), Tag: tag}, nil
}

// descend recurses depth times with a large frame, so that the calls at
// its bottom run on a stack the runtime has grown, then calls f.
//
//go:noinline
func descend(depth int, f func()) int {
	var pad [512]byte
	pad[depth%len(pad)] = byte(depth)
	if depth == 0 {
		f()
		return int(pad[0])
	}
	return descend(depth-1, f) + int(pad[depth%len(pad)])
}

func main() {
	n, g := arg(1, 1000), arg(2, 10)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for w := 0; w < g; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += g {
				descend(16+i%16, func() { errs <- call(i) })
			}
		}()
	}
	wg.Wait()
	close(errs)
	bad := 0
	for err := range errs {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			bad++
		}
	}
	if bad > 0 {
		os.Exit(1)
	}
	fmt.Println("gotarget: ok")
}

// call makes call i and checks its results.
func call(i int) error {
	s := names[i%3]
	if got := add(i, 1000); got != i+1000 {
		return fmt.Errorf("add(%d, 1000) = %d", i, got)
	}
	if size, even := greet(s, i); size != len(s)+i || even != (i%2 == 0) {
		return fmt.Errorf("greet(%q, %d) = %d, %v", s, i, size, even)
	}
	if p, err := pair(i, s); err != nil || p.X != int32(i) || p.Tag != s {
		return fmt.Errorf("pair(%d, %q) = %v, %v", i, s, p, err)
	}
	return nil
}

func arg(i, def int) int {
	if len(os.Args) <= i {
		return def
	}
	n, err := strconv.Atoi(os.Args[i])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	return n
}
