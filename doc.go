// Package gtrace is the root of the gtrace module: bpftrace's language
// rebuilt in Go without LLVM. The command is cmd/gtrace; the pipeline runs
// lang (parse) → lang/check → codegen → runtime, with probes answering kernel
// facts and attaching. This package holds no code, only the module-wide test
// of the import direction (deps_test.go).
package gtrace
