// Package nstest runs test code inside a private network namespace, so that
// tests can open known sockets and compare tools on a state nothing else
// touches, and never send traffic beyond it.
package nstest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// Netns is an OS thread living in its own network namespace. Functions
// passed to Do run on that thread, so sockets they open and processes they
// start belong to the namespace.
type Netns struct {
	t    testing.TB
	ch   chan func()
	dead chan struct{} // closed when the thread's goroutine has ended
	// privateMounts is set once the thread has its own mount namespace.
	privateMounts bool
}

// New creates a namespace with its loopback up, or skips the test when not
// root. The thread ends with the test.
func New(t testing.TB) *Netns {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a network namespace")
	}
	ns := &Netns{t: t, ch: make(chan func()), dead: make(chan struct{})}
	errc := make(chan error)
	go func() {
		// A t.Fatal inside Do ends this goroutine (runtime.Goexit); dead
		// lets later calls fail instead of waiting forever.
		defer close(ns.dead)
		// Never unlocked: when this goroutine returns, the runtime ends
		// the thread instead of reusing it in the wrong namespace.
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			errc <- err
			return
		}
		errc <- nil
		for f := range ns.ch {
			f()
		}
	}()
	if err := <-errc; err != nil {
		t.Fatalf("unshare(CLONE_NEWNET): %v", err)
	}
	t.Cleanup(func() { close(ns.ch) })
	if out, err := ns.Command("ip", "link", "set", "lo", "up"); err != nil {
		t.Fatalf("ip link set lo up: %v: %s", err, out)
	}
	return ns
}

// WithHosts gives the namespace's thread (and what it starts) a private
// mount namespace in which /etc/hosts is the given text, so that tests of
// host names do not depend on the machine's file.
func (ns *Netns) WithHosts(t testing.TB, hosts string) { ns.WithFile(t, "/etc/hosts", hosts) }

// WithFile shows text at path (an existing file) to the namespace's thread
// and what it starts, through a bind mount in a private mount namespace
// made on first use.
func (ns *Netns) WithFile(t testing.TB, path, text string) {
	t.Helper()
	src := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(src, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	var err error
	ns.Do(func() {
		if !ns.privateMounts {
			if err = unix.Unshare(unix.CLONE_NEWNS); err != nil {
				return
			}
			// Private first, so the bind mounts never reach the host.
			if err = unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
				return
			}
			ns.privateMounts = true
		}
		err = unix.Mount(src, path, "", unix.MS_BIND, "")
	})
	if err != nil {
		t.Fatalf("private %s: %v", path, err)
	}
}

// NoDNS points the namespace's resolver at a closed port on loopback, so
// that reverse lookups fail at once instead of waiting for a time-out.
func (ns *Netns) NoDNS(t testing.TB) {
	ns.WithFile(t, "/etc/resolv.conf", "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
}

// Do runs f on the namespace's thread and waits for it.
func (ns *Netns) Do(f func()) {
	done := make(chan struct{})
	select {
	case ns.ch <- func() { defer close(done); f() }:
	case <-ns.dead:
		ns.t.Fatal("the network namespace's thread has ended (an earlier failure inside Do)")
	}
	<-done
	select {
	case <-ns.dead:
		ns.t.FailNow()
	default:
	}
}

// Command runs a program in the namespace and returns its standard output
// (and standard error, on failure, inside the error's text).
func (ns *Netns) Command(name string, args ...string) ([]byte, error) {
	var out []byte
	var err error
	ns.Do(func() {
		cmd := exec.Command(name, args...)
		out, err = cmd.Output()
		if ee, ok := err.(*exec.ExitError); ok {
			err = &exitError{ee, ee.Stderr}
		}
	})
	return out, err
}

// Run is Command with an environment added, returning standard output,
// standard error and the exit status.
func (ns *Netns) Run(env []string, name string, args ...string) (stdout, stderr []byte, status int) {
	ns.Do(func() {
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), env...)
		var so, se bytesBuffer
		cmd.Stdout, cmd.Stderr = &so, &se
		err := cmd.Run()
		stdout, stderr = so.b, se.b
		status = 0
		if ee, ok := err.(*exec.ExitError); ok {
			status = ee.ExitCode()
		} else if err != nil {
			status = -1
			stderr = append(stderr, err.Error()...)
		}
	})
	return stdout, stderr, status
}

type bytesBuffer struct{ b []byte }

func (w *bytesBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

type exitError struct {
	*exec.ExitError
	stderr []byte
}

func (e *exitError) Error() string { return e.ExitError.Error() + ": " + string(e.stderr) }
