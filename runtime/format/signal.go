package format

import "strconv"

// signalNames are glibc's strsignal(3) descriptions of signals 1-31 on
// Linux, which bpftrace 0.26's signal_name() prints.
var signalNames = [...]string{
	1: "Hangup", 2: "Interrupt", 3: "Quit", 4: "Illegal instruction",
	5: "Trace/breakpoint trap", 6: "Aborted", 7: "Bus error",
	8: "Floating point exception", 9: "Killed", 10: "User defined signal 1",
	11: "Segmentation fault", 12: "User defined signal 2", 13: "Broken pipe",
	14: "Alarm clock", 15: "Terminated", 16: "Stack fault", 17: "Child exited",
	18: "Continued", 19: "Stopped (signal)", 20: "Stopped",
	21: "Stopped (tty input)", 22: "Stopped (tty output)",
	23: "Urgent I/O condition", 24: "CPU time limit exceeded",
	25: "File size limit exceeded", 26: "Virtual timer expired",
	27: "Profiling timer expired", 28: "Window changed", 29: "I/O possible",
	30: "Power failure", 31: "Bad system call",
}

// Real-time signals: glibc reserves 32 and 33, SIGRTMIN is 34, SIGRTMAX 64.
const (
	sigRTMin = 34
	sigRTMax = 64
)

// SignalName describes signal n as strsignal(3) does: "Interrupt" for 2,
// "Real-time signal 0" for SIGRTMIN, "Unknown signal N" for 0, 32 and 33,
// and "N/A" outside 0-64 (bpftrace 0.26).
func SignalName(n int64) string {
	switch {
	case n >= 1 && n < int64(len(signalNames)):
		return signalNames[n]
	case n >= sigRTMin && n <= sigRTMax:
		return "Real-time signal " + strconv.FormatInt(n-sigRTMin, 10)
	case n >= 0 && n < sigRTMin:
		return "Unknown signal " + strconv.FormatInt(n, 10)
	}
	return "N/A"
}
