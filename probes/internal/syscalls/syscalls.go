// Package syscalls maps the names of the kernel's syscall trace events
// (syscalls:sys_enter_NAME) to syscall numbers of the running architecture.
package syscalls

//go:generate go run gen.go
