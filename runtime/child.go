// This file implements the -c child (started held at its execve, released
// after attach) and the -p process watch.

package runtime

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	goruntime "runtime"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Child is a command started held: its process has exec'd the command (so
// its pid is the "cpid" builtin and its binary is mapped) but stands stopped
// before the program's first instruction until Release. No other program
// ever runs in its pid: the child is traced (PTRACE_TRACEME) and stops at
// execve, as a debugger starts a program; Release detaches it. If gtrace
// dies first, the kernel kills it (PTRACE_O_EXITKILL), so the command
// never runs untraced. A set-user-ID program runs without its privileges
// under -c, as under a debugger. Wait for it with Done.
type Child struct {
	cmd     *exec.Cmd
	release chan bool // true: run the command; false: kill it
	done    chan struct{}
	err     error // Wait's result, valid after done is closed

	mu       sync.Mutex
	released bool
}

// StartChild starts argv held. argv[0] is looked up in PATH. The caller must
// Release or Kill it. stdin, stdout and stderr may be nil (the null device).
func StartChild(argv []string, stdin io.Reader, stdout, stderr io.Writer, env []string) (*Child, error) {
	if len(argv) == 0 {
		return nil, errors.New("start child: empty command")
	}
	if _, err := exec.LookPath(argv[0]); err != nil {
		return nil, fmt.Errorf("start child: %w", err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Ptrace: true}
	c := &Child{cmd: cmd, release: make(chan bool, 1), done: make(chan struct{})}
	started := make(chan error, 1)
	go c.trace(started)
	if err := <-started; err != nil {
		return nil, fmt.Errorf("start child %q: %w", argv[0], err)
	}
	return c, nil
}

// trace starts the child, waits for its stop at execve, then for Release or
// Kill, and finally for its exit. ptrace requests are only accepted from
// the thread that forked the tracee, hence one locked OS thread.
func (c *Child) trace(started chan<- error) {
	defer close(c.done)
	goruntime.LockOSThread()
	if err := c.startStopped(); err != nil {
		goruntime.UnlockOSThread()
		started <- err
		return
	}
	started <- nil
	pid := c.cmd.Process.Pid
	if run := <-c.release; run {
		if err := unix.PtraceDetach(pid); err != nil {
			unix.Kill(pid, unix.SIGKILL)
		}
	} else {
		unix.Kill(pid, unix.SIGKILL)
	}
	goruntime.UnlockOSThread()
	c.err = c.cmd.Wait()
}

// startStopped starts the command and waits until it stops at execve.
func (c *Child) startStopped() error {
	if err := c.cmd.Start(); err != nil {
		return err
	}
	pid := c.cmd.Process.Pid
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(pid, &ws, 0, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			c.cmd.Process.Kill()
			return fmt.Errorf("wait for exec: %w", err)
		}
		break
	}
	if !ws.Stopped() {
		c.cmd.Wait()
		return fmt.Errorf("the command ended before it ran (%v)", describeWait(ws))
	}
	if err := unix.PtraceSetOptions(pid, unix.PTRACE_O_EXITKILL); err != nil {
		unix.Kill(pid, unix.SIGKILL)
		c.cmd.Wait()
		return fmt.Errorf("ptrace: %w", err)
	}
	return nil
}

func describeWait(ws unix.WaitStatus) string {
	if ws.Signaled() {
		return "signal " + ws.Signal().String()
	}
	return fmt.Sprintf("exit status %d", ws.ExitStatus())
}

// Pid returns the child's process id (the "cpid" builtin).
func (c *Child) Pid() int { return c.cmd.Process.Pid }

// Release lets the child run its command. Calling it again does nothing.
func (c *Child) Release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.released {
		c.released = true
		c.release <- true
	}
}

// Done is closed when the child has exited.
func (c *Child) Done() <-chan struct{} { return c.done }

// Kill stops the child if it still runs (SIGTERM, then SIGKILL after a
// grace period) and waits for it. It is safe to call after it has exited.
func (c *Child) Kill() {
	select {
	case <-c.done:
		return
	default:
	}
	c.mu.Lock()
	held := !c.released
	c.released = true
	c.mu.Unlock()
	if held {
		// Never let a held child run its command after a failed start.
		c.release <- false
		<-c.done
		return
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(500 * time.Millisecond):
		c.cmd.Process.Signal(syscall.SIGKILL)
		<-c.done
	}
}

// watchPID returns a channel closed when process pid exits, and a stop
// function that ends the watch. It fails if the process does not exist.
func watchPID(pid int) (<-chan struct{}, func(), error) {
	fd, err := unix.PidfdOpen(pid, 0)
	if errors.Is(err, unix.ESRCH) {
		return nil, nil, fmt.Errorf("process %d does not exist", pid)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("watch process %d: %w", pid, err)
	}
	done, stop := make(chan struct{}), make(chan struct{})
	go func() {
		defer unix.Close(fd)
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		for {
			select {
			case <-stop:
				return
			default:
			}
			n, err := unix.Poll(fds, 100)
			if n > 0 || (err != nil && !errors.Is(err, unix.EINTR)) {
				close(done)
				return
			}
		}
	}()
	stopped := false
	return done, func() {
		if !stopped {
			stopped = true
			close(stop)
		}
	}, nil
}
