// This file implements the -c child (started held, released after attach)
// and the -p process watch.

package runtime

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// holdScript waits for a line on fd 3, closes it and execs the command: the
// child exists, with its pid, before the probes are attached, but runs only
// once Release writes the line. If gtrace dies first, read meets EOF and
// the command never runs.
const holdScript = `read -r _ <&3 || exit 127; exec 3<&- "$@"`

// Child is a command started held: its process exists (so its pid can be
// compiled in as cpid and its binary traced) but does not run the command
// until Release. Wait for it with Done.
type Child struct {
	cmd     *exec.Cmd
	release *os.File // write end of the hold pipe; nil once released
	done    chan struct{}
	err     error // Wait's result, valid after done is closed
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
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("start child: %w", err)
	}
	cmd := exec.Command("/bin/sh", append([]string{"-c", holdScript, "sh"}, argv...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	cmd.Env = append(os.Environ(), env...)
	cmd.ExtraFiles = []*os.File{r}
	err = cmd.Start()
	r.Close()
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("start child %q: %w", argv[0], err)
	}
	c := &Child{cmd: cmd, release: w, done: make(chan struct{})}
	go c.wait()
	return c, nil
}

func (c *Child) wait() {
	c.err = c.cmd.Wait()
	close(c.done)
}

// Pid returns the child's process id (the "cpid" builtin).
func (c *Child) Pid() int { return c.cmd.Process.Pid }

// Release lets the child run its command. Calling it again does nothing.
func (c *Child) Release() {
	if c.release != nil {
		c.release.Write([]byte{'\n'})
		c.release.Close()
		c.release = nil
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
	if c.release != nil {
		// Never let a held child run its command after a failed start.
		c.cmd.Process.Signal(syscall.SIGKILL)
		c.release.Close()
		c.release = nil
	} else {
		c.cmd.Process.Signal(syscall.SIGTERM)
	}
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
