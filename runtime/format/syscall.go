package format

import "strconv"

// SyscallName names system call n of this architecture ("read" for 0 on
// x86-64), as bpftrace 0.26's syscall_name() does; a number with no name
// prints as the number.
func SyscallName(n int64) string {
	if s, ok := syscallNames[n]; ok {
		return s
	}
	return strconv.FormatInt(n, 10)
}
