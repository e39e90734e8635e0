package main

import (
	"bufio"
	"bytes"
	"fmt"
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
// nsPath (or a new, empty one when nsPath is ""), so that every process f
// starts lives there. The thread is never unlocked: the runtime ends it
// when f returns instead of reusing it in the wrong namespace.
func onThreadIn(nsPath string, f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if nsPath == "" {
			if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
				errc <- fmt.Errorf("unshare(CLONE_NEWNET): %w", err)
				return
			}
		} else {
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
		}
		errc <- f()
	}()
	return <-errc
}

// runOnce starts argv with standard output to /dev/null and waits for
// it, returning its wall time and CPU time (user + system).
//
// ru_maxrss is no use here: Go starts children with vfork, and exec
// records the hiwater RSS of the mm it leaves, which is this program's, in
// the child's maxrss. Peak RSS comes from the check run (checkRun).
func runOnce(argv []string) (wall, cpu time.Duration, err error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	if err != nil {
		return wall, 0, fmt.Errorf("%s: %w: %s", strings.Join(argv, " "), err, firstLine(stderr.String()))
	}
	return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}

// checkRun runs argv once under ptrace, capturing its standard output,
// and reads its peak RSS (VmHWM) when it is about to exit, while its
// memory is still there. It must run on a locked thread (the tracer).
func checkRun(argv []string, out *bytes.Buffer) (wall time.Duration, rss int64, err error) {
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return 0, 0, err
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return 0, 0, err
	}
	var stderr bytes.Buffer
	er, ew, err := os.Pipe()
	if err != nil {
		return 0, 0, err
	}
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return 0, 0, err
	}
	defer devnull.Close()
	start := time.Now()
	pid, err := syscall.ForkExec(path, argv, &syscall.ProcAttr{
		Env:   os.Environ(),
		Files: []uintptr{devnull.Fd(), pw.Fd(), ew.Fd()},
		Sys:   &syscall.SysProcAttr{Ptrace: true},
	})
	pw.Close()
	ew.Close()
	if err != nil {
		pr.Close()
		er.Close()
		return 0, 0, fmt.Errorf("start %s: %w", argv[0], err)
	}
	copied := make(chan struct{}, 2)
	go func() { out.ReadFrom(pr); pr.Close(); copied <- struct{}{} }()
	go func() { stderr.ReadFrom(er); er.Close(); copied <- struct{}{} }()
	var ws unix.WaitStatus
	first := true
	for {
		if _, err := unix.Wait4(pid, &ws, 0, nil); err != nil {
			return 0, 0, fmt.Errorf("wait4: %w", err)
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
			// The stop after exec: ask for a stop at exit too.
			first = false
			sig = 0
			if err := unix.PtraceSetOptions(pid, unix.PTRACE_O_TRACEEXIT); err != nil {
				return 0, 0, fmt.Errorf("ptrace: %w", err)
			}
		case sig == unix.SIGTRAP && ws.TrapCause() == unix.PTRACE_EVENT_EXIT:
			sig = 0
			rss = vmHWM(pid)
		}
		if err := unix.PtraceCont(pid, int(sig)); err != nil {
			return 0, 0, fmt.Errorf("ptrace cont: %w", err)
		}
	}
	wall = time.Since(start)
	<-copied
	<-copied
	if !ws.Exited() || ws.ExitStatus() != 0 {
		return wall, rss, fmt.Errorf("%s: status %v: %s", strings.Join(argv, " "), ws, firstLine(stderr.String()))
	}
	return wall, rss, nil
}

// vmHWM reads a process's peak resident set size.
func vmHWM(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			f := strings.Fields(v)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n * 1024
			}
		}
	}
	return 0
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// counted is what a check run saw.
type counted struct {
	rows, owned int
	bytes       int
}

// count reads a command's output the way its kind prints rows.
func count(kind outputKind, out []byte) counted {
	c := counted{bytes: len(out)}
	if kind == jsonRows {
		c.rows = bytes.Count(out, []byte(`"protocol":"tcp"`))
		return c
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	first := true
	for sc.Scan() {
		line := sc.Text()
		switch kind {
		case netstatRows:
			if !strings.HasPrefix(line, "tcp") {
				continue
			}
			c.rows++
			if f := strings.Fields(line); len(f) > 6 && f[6] != "-" {
				c.owned++
			}
		case ssRows:
			if first {
				first = false
				continue // the header
			}
			c.rows++
			if strings.Contains(line, "users:(") {
				c.owned++
			}
		case floorRows:
			k, v, _ := strings.Cut(line, " ")
			n, _ := strconv.Atoi(v)
			switch k {
			case "sockets":
				c.rows = n
			case "owned":
				c.owned = n
			}
		}
	}
	return c
}

// sample is one timed run.
type sample struct {
	wall, cpu time.Duration
}

// result is one command's runs in one configuration.
type result struct {
	cmd     *command
	check   counted
	checked time.Duration // the check run's time
	rss     int64         // peak RSS in the check run
	samples []sample
	err     error
}

// measure runs every command once to check its output, then the timed
// runs round-robin, so that drift in the machine's state spreads over all
// commands alike.
func measure(cmds []*command, runs, slowRuns int, slow time.Duration, progress func(string)) []*result {
	results := make([]*result, len(cmds))
	want := make([]int, len(cmds))
	for i, c := range cmds {
		r := &result{cmd: c}
		results[i] = r
		var out bytes.Buffer
		d, rss, err := checkRun(c.argv, &out)
		r.checked, r.rss = d, rss
		if err != nil {
			r.err = err
			progress(fmt.Sprintf("  %-32s check failed: %v", c.name, err))
			continue
		}
		r.check = count(c.kind, out.Bytes())
		want[i] = runs
		if d > slow && slowRuns < runs {
			want[i] = slowRuns
		}
		progress(fmt.Sprintf("  %-32s check %8.1f ms, %d rows", c.name, ms(d), r.check.rows))
	}
	for round := 0; round < runs; round++ {
		for i, c := range cmds {
			r := results[i]
			if r.err != nil || round >= want[i] {
				continue
			}
			wall, cpu, err := runOnce(c.argv)
			if err != nil {
				r.err = err
				continue
			}
			r.samples = append(r.samples, sample{wall, cpu})
		}
		progress(fmt.Sprintf("  round %d/%d done", round+1, runs))
	}
	return results
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

// env describes the machine for the report.
func env() []string {
	var lines []string
	var u unix.Utsname
	if unix.Uname(&u) == nil {
		lines = append(lines, "kernel: "+unix.ByteSliceToString(u.Release[:]))
	}
	lines = append(lines, fmt.Sprintf("CPUs: %d", runtime.NumCPU()))
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				lines = append(lines, "CPU: "+strings.TrimSpace(v))
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		l, _, _ := strings.Cut(string(b), "\n")
		lines = append(lines, "memory: "+strings.Join(strings.Fields(l)[1:], " "))
	}
	lines = append(lines, "Go: "+runtime.Version())
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		lines = append(lines, "load average at the start: "+strings.Join(strings.Fields(string(b))[:3], " "))
	}
	for _, v := range [][]string{{"ss", "-V"}, {netToolsNetstat(), "-V"}} {
		out, _ := exec.Command(v[0], v[1:]...).Output()
		lines = append(lines, firstLine(strings.TrimSpace(string(out))))
	}
	return lines
}

func netToolsNetstat() string {
	for _, p := range []string{"/usr/bin/netstat", "/bin/netstat", "/usr/sbin/netstat"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "netstat"
}
