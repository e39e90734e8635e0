package trace

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/netstat-go/netstat/bench/internal/host"
	"golang.org/x/sys/unix"
)

// InNetns runs f on a locked OS thread in the network namespace at nsPath
// (or in a new, empty one when nsPath is ""), so that every process f
// starts lives there. The thread is never unlocked: the runtime ends it
// when f returns instead of reusing it in the wrong namespace.
func InNetns(nsPath string, f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := enter(nsPath); err != nil {
			errc <- err
			return
		}
		errc <- f()
	}()
	return <-errc
}

func enter(nsPath string) error {
	if nsPath == "" {
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("unshare(CLONE_NEWNET): %w", err)
		}
		return nil
	}
	fd, err := unix.Open(nsPath, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", nsPath, err)
	}
	defer unix.Close(fd)
	if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("setns %s: %w", nsPath, err)
	}
	return nil
}

// Result is one traced run.
type Result struct {
	Wall time.Duration
	// RSS is the peak resident set size (VmHWM) in bytes, read when the
	// command was about to exit.
	RSS int64
}

// Run starts argv with standard output copied to stdout, under ptrace so
// that its peak RSS can be read when it is about to exit, while its memory
// is still there. ru_maxrss is no use for this: Go starts children with
// vfork, and exec records the high-water mark of the memory it leaves,
// the parent's. Run must be called on a locked thread (the tracer's). A
// status other than 0 is an error quoting the first line of standard
// error.
func Run(argv []string, stdout io.Writer) (Result, error) {
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return Result{}, err
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return Result{}, err
	}
	er, ew, err := os.Pipe()
	if err != nil {
		return Result{}, err
	}
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return Result{}, err
	}
	defer devnull.Close()
	start := time.Now()
	pid, err := syscall.ForkExec(path, argv, &syscall.ProcAttr{
		Env:   os.Environ(),
		Files: []uintptr{devnull.Fd(), pw.Fd(), ew.Fd()},
		Sys:   &syscall.SysProcAttr{Ptrace: true, Pdeathsig: syscall.SIGKILL},
	})
	pw.Close()
	ew.Close()
	if err != nil {
		pr.Close()
		er.Close()
		return Result{}, fmt.Errorf("start %s: %w", argv[0], err)
	}
	var stderr bytes.Buffer
	copied := make(chan struct{}, 2)
	go func() { io.Copy(stdout, pr); pr.Close(); copied <- struct{}{} }()
	go func() {
		io.Copy(&stderr, io.LimitReader(er, 4096))
		io.Copy(io.Discard, er)
		er.Close()
		copied <- struct{}{}
	}()
	var r Result
	var ws unix.WaitStatus
	first := true
	for {
		if _, err := unix.Wait4(pid, &ws, 0, nil); err != nil {
			return Result{}, fmt.Errorf("wait4: %w", err)
		}
		if ws.Exited() || ws.Signaled() {
			break
		}
		if !ws.Stopped() {
			continue
		}
		sig := ws.StopSignal()
		switch {
		case first && sig == unix.SIGTRAP:
			// The stop after exec: ask for a stop at exit as well.
			first = false
			sig = 0
			if err := unix.PtraceSetOptions(pid, unix.PTRACE_O_TRACEEXIT); err != nil {
				return Result{}, fmt.Errorf("ptrace: %w", err)
			}
		case sig == unix.SIGTRAP && ws.TrapCause() == unix.PTRACE_EVENT_EXIT:
			sig = 0
			r.RSS = VmHWM(pid)
		}
		if err := unix.PtraceCont(pid, int(sig)); err != nil {
			return Result{}, fmt.Errorf("ptrace cont: %w", err)
		}
	}
	r.Wall = time.Since(start)
	<-copied
	<-copied
	if !ws.Exited() || ws.ExitStatus() != 0 {
		line, _, _ := strings.Cut(stderr.String(), "\n")
		return r, fmt.Errorf("%s: status %v: %s", strings.Join(argv, " "), ws, line)
	}
	return r, nil
}

// VmHWM reads a process's peak resident set size in bytes (0 if unknown).
func VmHWM(pid int) int64 { return host.KB(fmt.Sprintf("/proc/%d/status", pid), "VmHWM") }
