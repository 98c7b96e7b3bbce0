//go:build !amd64

package format

// syscallNames is empty where gtrace carries no table for the
// architecture: syscall_name() prints the number.
var syscallNames = map[int64]string{}
