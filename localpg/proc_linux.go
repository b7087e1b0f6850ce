package localpg

import (
	"os/exec"
	"runtime"
)

// proc is a child process started by startLocked.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the child has exited and been reaped
	err  error         // result of cmd.Wait; read only after done is closed
}

// startLocked starts cmd from a dedicated goroutine that is locked to its OS
// thread and stays there, blocked in cmd.Wait, until the child has exited.
//
// This matters for SysProcAttr.Pdeathsig: the kernel sends the parent-death
// signal when the *thread* that forked the child exits, not when the process
// does (https://go.dev/issue/27505). An ordinary goroutine may fork from any
// runtime thread, and the Go runtime terminates threads, e.g. when a goroutine
// that called runtime.LockOSThread returns without unlocking; the child would
// then be signalled while the service is still running. Here the forking
// thread is owned by this goroutine for the whole life of the child, so the
// signal fires only when the child has already gone or when the whole service
// process dies (which is the point). When the child has exited, the goroutine
// returns while still locked, and the runtime discards the thread.
func startLocked(cmd *exec.Cmd) (*proc, error) {
	p := &proc{cmd: cmd, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// Never unlocked: see above.
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.err = cmd.Wait()
		close(p.done)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return p, nil
}

// exited reports whether the child has exited.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}
