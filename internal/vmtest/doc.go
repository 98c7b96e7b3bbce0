// Package vmtest is gtrace's tier-2 test harness: it boots Debian's cloud
// kernels (5.10, 6.1, 6.12, 7.3) under qemu and runs end-to-end cases in
// them, for what the development machines' kernel lacks (kprobes,
// kretprobes, kprobe_multi, older kernels' missing helpers).
//
// One run, for each kernel of the matrix:
//
//   - Fetch: the newest matching package is downloaded with `apt-get
//     download` through a private apt configuration (under the cache
//     directory; the system's sources are never touched), and only vmlinuz
//     and the modules of GuestModules are extracted. Kernels are cached in
//     /var/cache/gtrace-kernels (GTRACE_KERNEL_CACHE) between runs.
//   - Build: vminit (PID 1), a static gtrace and the guest test binary
//     (`go test -c ./internal/vmtest/guest`), all with CGO_ENABLED=0.
//   - Pack: a gzipped cpio initramfs with those, busybox, the bpftrace
//     package's /usr/sbin/*.bt tools, and the modules.
//   - Boot: qemu-system-x86_64 -cpu max -smp 1 -m 1G (TCG) with a timeout;
//     vminit runs /guest.test and prints GTRACE-VM-EXIT=N, which is the
//     verdict (qemu always exits 0).
//
// The cases are testscript files in guest/testdata (see guest/doc.go for
// their commands and conditions); adding a case is adding a file. The
// command is cmd/vmrun:
//
//	go run ./internal/vmtest/cmd/vmrun                  # the whole matrix
//	go run ./internal/vmtest/cmd/vmrun -kernel 6.12     # one kernel
//	go run ./internal/vmtest/cmd/vmrun -kernel 5.10 -run kprobe_count -v
//	go run ./internal/vmtest/cmd/vmrun -kernel 7.3 -shell   # a busybox shell in the guest
//
// It needs root only for nothing but apt-get download's cache directory;
// it needs qemu-system-x86, busybox-static and (for the tool cases) bpftrace.
package vmtest
