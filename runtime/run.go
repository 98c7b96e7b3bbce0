// This file implements Run: attach, BEGIN, event loop, END, the exit dump
// and the detach.

package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/cilium/ebpf"

	"github.com/gtrace/gtrace/runtime/format"
)

// fenceWait bounds the wait for END's records: a full ring buffer may have
// dropped the fence.
const fenceWait = 5 * time.Second

// plan splits the probes into attach jobs and the BEGIN and END programs,
// and counts the probes as bpftrace does (each target, BEGIN and END
// included).
func (s *Session) plan() (jobs []attachJob, begin, end []*ebpf.Program, n int) {
	for _, pr := range s.prog.Probes {
		p := s.coll.Programs[pr.Program]
		if s.run.add(pr.Provider, firstTarget(pr.Targets), p) {
			for _, t := range pr.Targets[min(1, len(pr.Targets)):] {
				s.run.add(pr.Provider, t, p)
			}
			n += len(pr.Targets)
			continue
		}
		switch pr.Provider {
		case "BEGIN":
			begin = append(begin, p)
			n += max(len(pr.Targets), 1)
			continue
		case "END":
			end = append(end, p)
			n += max(len(pr.Targets), 1)
			continue
		}
		if pr.Syscall != "" {
			jobs = append(jobs, syscallJob(p, pr))
			n += len(pr.Targets)
			continue
		}
		if s.multi[pr.Program] {
			jobs = append(jobs, s.multiAttachJob(p, pr))
			for _, t := range pr.Targets {
				n += s.locations(t)
			}
			continue
		}
		for i, t := range pr.Targets {
			var cookie uint64
			if i < len(pr.Cookies) {
				cookie = pr.Cookies[i]
			}
			jobs = append(jobs, attachJob{prog: p, target: t, cookie: cookie})
			n += s.locations(t)
		}
	}
	return jobs, begin, end, n
}

func firstTarget(ts []string) string {
	if len(ts) == 0 {
		return ""
	}
	return ts[0]
}

// LocationCounter is implemented by an Attacher whose probes can stand for
// several attach points (a USDT probe with several sites), which bpftrace
// counts one by one in "Attaching N probes...".
type LocationCounter interface {
	// Locations returns the number of places probe attaches to (1 when
	// unknown).
	Locations(probe string) int
}

// locations returns the number of places target attaches to.
func (s *Session) locations(target string) int {
	if lc, ok := s.opts.Attacher.(LocationCounter); ok {
		return max(lc.Locations(target), 1)
	}
	return 1
}

// Run prints "Attaching N probes...", runs BEGIN, attaches every other
// probe (in that order, as bpftrace does: an interval's first tick comes a
// full period after BEGIN), releases the -c child and prints events until
// exit(), ctx is done (the caller cancels it on SIGINT/SIGTERM) or the
// -c/-p process exits. self:signal probes run whenever their signal
// arrives. A program of only BEGIN and END probes, without -c or -p, ends
// right after BEGIN (as bpftrace 0.24 and later do: there is nothing left
// to wait for). With Options.Bench, the bench probes run in a loop after
// BEGIN, their timings print, and the session ends. It then detaches, runs END, prints every
// map and reports dropped map updates. It returns exit()'s code (0 by default). With
// DryRun it does nothing. Run may be called once.
func (s *Session) Run(ctx context.Context) (int, error) {
	if s.opts.DryRun {
		return 0, nil
	}
	s.mu.Lock()
	ran, closed := s.ran, s.closed
	s.ran = true
	s.mu.Unlock()
	if ran || closed {
		return 1, errors.New("run: the session already ran or is closed")
	}
	jobs, begin, end, n := s.plan()
	if len(jobs) > 0 && s.opts.Attacher == nil {
		return 1, fmt.Errorf("attach %s: no attacher", jobs[0].target)
	}
	pidDone, stopWatch, err := s.watch()
	if err != nil {
		return 1, err
	}
	defer stopWatch()
	// The self probes' signals are caught from before "Attaching": a
	// signal sent once that line shows is never lost.
	selfSigs, stopSelf := s.run.notifySelf()
	defer stopSelf()
	if !s.opts.Quiet {
		s.out.WriteString(format.Attached(&s.env.env, n))
		s.out.Flush()
	}
	r := &reader{s: s, synced: make(chan struct{})}
	readDone := make(chan error, 1)
	if s.rd != nil {
		go func() { readDone <- r.loop() }()
	}
	if err := s.start(begin, jobs); err != nil {
		return 1, errors.Join(err, s.drain(readDone))
	}
	code, signalled := 0, false
	switch {
	case s.opts.Bench:
		if err := s.runBenches(); err != nil {
			return 1, errors.Join(err, s.finish(r, end, readDone))
		}
	case len(jobs) > 0 || pidDone != nil || selfSigs != nil:
		code, signalled = s.wait(ctx, pidDone, selfSigs)
	}
	var errs []error
	if signalled {
		errs = append(errs, s.stop(r))
	}
	errs = append(errs, s.finish(r, end, readDone))
	if r.dropped > 0 {
		fmt.Fprintf(s.errw, "Dropped %d events queued at exit\n", r.dropped)
	}
	if r.exitCode != 0 {
		code = r.exitCode
	}
	return code, errors.Join(errs...)
}

// stop is the start of the end after a signal (ctx done): the reader drops
// the records still queued instead of handling them (so a flood of output,
// or of system() calls, cannot delay END), a running system() command is
// killed, and the probes are detached, so that no new records come.
func (s *Session) stop(r *reader) error {
	r.stopping.Store(true)
	s.stopCmds()
	s.mu.Lock()
	links := s.links
	s.links = nil
	s.mu.Unlock()
	return detachAll(links)
}

// start runs BEGIN, attaches the probes and releases the child.
func (s *Session) start(begin []*ebpf.Program, jobs []attachJob) error {
	for _, p := range begin {
		if _, err := runProbe(p, 0); err != nil {
			return fmt.Errorf("run BEGIN: %w", err)
		}
	}
	links, err := attachAll(s.opts.Attacher, jobs, s.errw)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.links = links
	s.mu.Unlock()
	if s.child != nil {
		s.child.Release()
	}
	return nil
}

// drain prints what is in the ring buffer and stops the reader.
func (s *Session) drain(readDone <-chan error) error {
	if s.rd == nil {
		return nil
	}
	if err := s.writeFence(fenceAfterEnd); err != nil {
		s.rd.Close()
	}
	select {
	case err := <-readDone:
		return err
	case <-time.After(fenceWait):
		s.rd.Close()
		return <-readDone
	}
}

// watch returns a channel closed when the -c child or the -p process ends
// (nil when there is neither).
func (s *Session) watch() (<-chan struct{}, func(), error) {
	if s.child != nil {
		return s.child.Done(), func() {}, nil
	}
	if s.opts.PID > 0 {
		return watchPID(s.opts.PID)
	}
	return nil, func() {}, nil
}

// wait waits for a reason to stop and returns exit()'s code, if that was
// the reason, and whether it was ctx (a signal).
func (s *Session) wait(ctx context.Context, pidDone <-chan struct{}, selfSigs <-chan os.Signal) (int, bool) {
	for {
		select {
		case code := <-s.stopped:
			return code, false
		case <-ctx.Done():
			return 0, true
		case <-pidDone:
			return 0, false
		case sig := <-s.opts.PrintMaps:
			if !s.run.handles(sig) {
				s.printMapsNow()
			}
		case sig := <-selfSigs:
			s.runSelf(sig)
		}
	}
}

// printMapsNow has the reader print every map once it has handled the
// records written so far; without a ring buffer it prints them itself.
func (s *Session) printMapsNow() {
	if s.rd != nil {
		if err := s.writeFence(fencePrintMaps); err == nil {
			return
		}
	}
	if err := s.printAllMaps(s.out); err != nil {
		fmt.Fprintf(s.errw, "ERROR: %v\n", err)
	}
	s.out.Flush()
}

// finish detaches the probes (as bpftrace does before END, so that no
// probe changes a map after END or while the maps print), waits until the
// reader has handled every record written so far (so END sees the effect
// of clear() and the like, and records after exit() are dropped), runs END
// between two fences, waits for the reader to reach the second, then
// prints the maps and the warnings.
func (s *Session) finish(r *reader, end []*ebpf.Program, readDone <-chan error) error {
	s.mu.Lock()
	links := s.links
	s.links = nil
	s.mu.Unlock()
	errs := []error{detachAll(links)}
	if s.rd != nil {
		err := s.writeFence(fenceSync)
		errs = append(errs, err)
		if err == nil {
			select {
			case <-r.synced:
			case err := <-readDone:
				errs = append(errs, err, errors.New("ring buffer reader stopped early"))
				readDone = nil
			case <-time.After(fenceWait):
			}
		}
		if readDone != nil {
			errs = append(errs, s.writeFence(fenceBeforeEnd))
		}
	}
	for _, p := range end {
		if _, err := runProbe(p, 0); err != nil {
			errs = append(errs, fmt.Errorf("run END: %w", err))
		}
	}
	if readDone != nil {
		errs = append(errs, s.drain(readDone))
	}
	if !s.opts.NoExitMaps {
		// bpftrace prints two newlines before the dump, in JSON mode too.
		s.out.WriteString("\n\n")
		errs = append(errs, s.printAllMaps(s.out))
	}
	errs = append(errs, s.out.Flush())
	s.reportDropped()
	return errors.Join(errs...)
}

// writeFence writes a fence record, retrying while the ring buffer is full.
func (s *Session) writeFence(nonce uint64) error {
	deadline := time.Now().Add(fenceWait)
	for {
		ret, err := runProbe(s.fence, nonce)
		if err != nil {
			return fmt.Errorf("write fence: %w", err)
		}
		if ret == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("write fence: ring buffer full")
		}
		time.Sleep(time.Millisecond)
	}
}
