package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// onThreadIn runs f on a locked OS thread in the network namespace at
// nsPath, so that every process f starts lives there. The thread is never
// unlocked: the runtime ends it when f returns instead of reusing it in
// the wrong namespace.
func onThreadIn(nsPath string, f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		fd, err := unix.Open(nsPath, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			errc <- fmt.Errorf("open %s: %w", nsPath, err)
			return
		}
		err = unix.Setns(fd, unix.CLONE_NEWNET)
		unix.Close(fd)
		if err != nil {
			errc <- fmt.Errorf("setns %s: %w", nsPath, err)
			return
		}
		errc <- f()
	}()
	return <-errc
}

// run is one run of a command.
type run struct {
	wall time.Duration
	rss  int64 // VmHWM at exit, bytes
	rows int
}

// traced runs argv with standard output counted by rows, under ptrace so
// that its peak RSS can be read when it is about to exit, while its memory
// is still there. It must run on a locked thread (the tracer).
func traced(argv []string, rows *rowCounter) (run, error) {
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return run{}, err
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return run{}, err
	}
	er, ew, err := os.Pipe()
	if err != nil {
		return run{}, err
	}
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return run{}, err
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
		return run{}, fmt.Errorf("start %s: %w", argv[0], err)
	}
	var stderr bytes.Buffer
	copied := make(chan struct{}, 2)
	go func() { io.Copy(rows, pr); pr.Close(); copied <- struct{}{} }()
	go func() {
		io.Copy(&stderr, io.LimitReader(er, 4096))
		io.Copy(io.Discard, er)
		er.Close()
		copied <- struct{}{}
	}()
	var r run
	var ws unix.WaitStatus
	first := true
	for {
		if _, err := unix.Wait4(pid, &ws, 0, nil); err != nil {
			return run{}, fmt.Errorf("wait4: %w", err)
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
				return run{}, fmt.Errorf("ptrace: %w", err)
			}
		case sig == unix.SIGTRAP && ws.TrapCause() == unix.PTRACE_EVENT_EXIT:
			sig = 0
			r.rss = vmHWM(pid)
		}
		if err := unix.PtraceCont(pid, int(sig)); err != nil {
			return run{}, fmt.Errorf("ptrace cont: %w", err)
		}
	}
	r.wall = time.Since(start)
	<-copied
	<-copied
	r.rows = rows.rows()
	if !ws.Exited() || ws.ExitStatus() != 0 {
		line, _, _ := strings.Cut(stderr.String(), "\n")
		return r, fmt.Errorf("%s: status %v: %s", strings.Join(argv, " "), ws, line)
	}
	return r, nil
}

// vmHWM reads a process's peak resident set size in bytes.
func vmHWM(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for l := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			if f := strings.Fields(v); len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n * 1024
			}
		}
	}
	return 0
}

// rowCounter counts the occurrences of needle in what is written to it,
// across write boundaries, without keeping the output: at a million
// sockets a JSON document is hundreds of megabytes on one line.
type rowCounter struct {
	needle []byte
	// minus is subtracted from the count: header lines counted by "\n".
	minus int
	n     int
	tail  []byte // the last len(needle)-1 bytes seen
	buf   []byte
}

func newRowCounter(needle string, minus int) *rowCounter {
	c := &rowCounter{needle: []byte(needle), minus: minus}
	if len(needle) > 1 {
		// A newline before the output makes the first line count like
		// the others when the needle is "\nPREFIX".
		c.tail = []byte("\n")
	}
	return c
}

func (c *rowCounter) Write(p []byte) (int, error) {
	c.buf = append(append(c.buf[:0], c.tail...), p...)
	c.n += bytes.Count(c.buf, c.needle)
	// Keep fewer bytes than the needle, so no match is counted twice.
	k := min(len(c.needle)-1, len(c.buf))
	c.tail = append(c.tail[:0], c.buf[len(c.buf)-k:]...)
	return len(p), nil
}

func (c *rowCounter) rows() int { return c.n - c.minus }
