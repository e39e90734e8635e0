package netns

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"

	"golang.org/x/sys/unix"
)

// outcome is how fn ended, carried back to Do's caller.
type outcome struct {
	err    error
	panic  *PanicError
	goexit bool
}

func (h *Handle) do(fn func() error) error {
	if fn == nil {
		return errors.New("netns: Do with a nil function")
	}
	if h == nil || h.fd < 0 {
		return fmt.Errorf("netns: Do: %w", os.ErrClosed)
	}
	done := make(chan outcome, 1)
	go h.run(fn, done)
	o := <-done
	switch {
	case o.panic != nil:
		panic(o.panic)
	case o.goexit:
		runtime.Goexit()
	}
	return o.err
}

// run is the goroutine of Do: it owns its thread from entering the namespace
// until the thread is back where it was.
func (h *Handle) run(fn func() error, done chan<- outcome) {
	runtime.LockOSThread()
	home := h.threadPath()
	orig, err := unix.Open(home, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		runtime.UnlockOSThread()
		done <- outcome{err: pathError("open", home, err)}
		return
	}
	if err := unix.Setns(h.fd, unix.CLONE_NEWNET); err != nil {
		unix.Close(orig)
		runtime.UnlockOSThread()
		if errors.Is(err, unix.EPERM) {
			err = fmt.Errorf("%w (entering a network namespace needs CAP_SYS_ADMIN)", err)
		}
		done <- outcome{err: fmt.Errorf("netns: setns %s: %w", h.ns.Path, err)}
		return
	}

	var o outcome
	returned := false
	// Deferred, so that it also runs when fn panics or calls runtime.Goexit.
	defer func() {
		o.goexit = !returned && o.panic == nil
		back := unix.Setns(orig, unix.CLONE_NEWNET)
		unix.Close(orig)
		if back == nil {
			runtime.UnlockOSThread()
		}
		// Otherwise the thread stays locked and the runtime ends it with
		// this goroutine, so no other goroutine runs in the namespace.
		done <- o
	}()
	func() {
		defer func() {
			if !returned {
				// recover is nil under runtime.Goexit, and not nil for
				// panic(nil) since Go 1.21.
				if v := recover(); v != nil {
					o.panic = &PanicError{Value: v, Stack: debug.Stack()}
				}
			}
		}()
		o.err = fn()
		returned = true
	}()
}

// threadPath is Finder.threadPath for the handle's procfs.
func (h *Handle) threadPath() string { return Finder{Proc: h.proc}.threadPath() }
