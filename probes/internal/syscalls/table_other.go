//go:build !amd64

package syscalls

// Number reports no syscall numbers on architectures without a table: the
// callers then attach syscall tracepoints one by one.
func Number(string) (int, bool) { return 0, false }
