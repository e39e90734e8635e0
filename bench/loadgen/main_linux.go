package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// nsEnv marks a process already moved into the private namespace; its
// value is the namespace left behind (as /proc/self/ns/net names it), which
// this process and its children check that they are not in.
const nsEnv = "NETSTAT_LOADGEN_NETNS"

// reserveFDs is what a child keeps free under the descriptor limit for
// stdio, the Go runtime and its listener.
const reserveFDs = 64

// srcPortBase is the first explicit source port of a child's clients and
// UDP sockets; it stays clear of the listening ports.
const srcPortBase = 10000

type config struct {
	conns, udp, unixPairs int
	procs                 int
	port                  int
	markerPort, marker    int
	useStdin              bool
}

func main() {
	var c config
	child := flag.Int("child", -1, "internal: run as child number `I`")
	flag.IntVar(&c.conns, "conns", 1000, "loopback TCP connections (`N`; 2N sockets)")
	flag.IntVar(&c.udp, "udp", 0, "bound UDP sockets (`M`)")
	flag.IntVar(&c.unixPairs, "unix", 0, "UNIX socket pairs (`K`)")
	flag.IntVar(&c.procs, "procs", 1, "processes to spread the sockets over (`P`; raised to the minimum the descriptor limit allows)")
	flag.IntVar(&c.port, "port", 2000, "first listening `port`; child I listens on port+I")
	flag.IntVar(&c.markerPort, "marker-port", 1999, "`port` of the marker listener (in child 0)")
	flag.IntVar(&c.marker, "marker", 2, "connections to the marker listener")
	flag.BoolVar(&c.useStdin, "stdin", true, "hold until standard input closes (as well as until a signal)")
	flag.Parse()
	if flag.NArg() > 0 {
		fatal(fmt.Errorf("unexpected arguments %q", flag.Args()))
	}
	if *child >= 0 {
		if err := runChild(*child, c); err != nil {
			fatal(err)
		}
		return
	}
	if os.Getenv(nsEnv) == "" {
		fatal(reexecInNewNetns())
	}
	if err := runMaster(c); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "loadgen:", err)
	os.Exit(1)
}

// reexecInNewNetns moves this thread into a new network namespace and
// executes the program again from it: execve keeps the calling thread's
// namespaces and drops the other threads, so the whole new image (same
// pid) lives in the namespace. It returns only on error.
func reexecInNewNetns() error {
	runtime.LockOSThread()
	host, err := os.Readlink("/proc/thread-self/ns/net")
	if err != nil {
		return fmt.Errorf("read own network namespace: %w", err)
	}
	if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("unshare(CLONE_NEWNET): %w (needs root)", err)
	}
	if err := os.Setenv(nsEnv, host); err != nil {
		return err
	}
	err = syscall.Exec("/proc/self/exe", os.Args, os.Environ())
	return fmt.Errorf("exec /proc/self/exe: %w", err)
}

// checkPrivateNetns refuses to run in the namespace loadgen was started
// in: the load must never land there. (Pid 1's namespace may not be
// readable in a container, so the starting one is the reference.)
func checkPrivateNetns() error {
	self, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		return fmt.Errorf("read own network namespace: %w", err)
	}
	if self == os.Getenv(nsEnv) {
		return errors.New("still in the host's network namespace; refusing to open sockets")
	}
	return nil
}

// setupNetns brings lo up and raises the accept backlog cap; both are
// per-namespace settings.
func setupNetns() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socket: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("SIOCGIFFLAGS lo: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("SIOCSIFFLAGS lo: %w", err)
	}
	if err := os.WriteFile("/proc/sys/net/core/somaxconn", []byte("65535\n"), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen: warning: cannot raise somaxconn:", err)
	}
	return nil
}

// fdLimit raises the soft descriptor limit to the hard one and returns it.
func fdLimit() (int, error) {
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil {
		return 0, fmt.Errorf("getrlimit: %w", err)
	}
	if rl.Cur < rl.Max {
		rl.Cur = rl.Max
		if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &rl); err != nil {
			return 0, fmt.Errorf("setrlimit: %w", err)
		}
	}
	return int(rl.Cur), nil
}

// share is child i's part of total spread over n children.
func share(total, n, i int) int {
	s := total / n
	if i < total%n {
		s++
	}
	return s
}

// minProcs is the fewest children whose descriptors fit under limit each.
func minProcs(c config, limit int) int {
	perChild := limit - reserveFDs
	// Rounding up each share adds at most one of each kind per child.
	perChild -= 2 + 1 + 2
	need := 2*c.conns + c.udp + 2*c.unixPairs + 1 + 2*c.marker
	p := (need + perChild - 1) / perChild
	return max(p, 1)
}

type childProc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
}

func runMaster(c config) error {
	if c.conns < 0 || c.udp < 0 || c.unixPairs < 0 || c.marker < 0 {
		return errors.New("counts must not be negative")
	}
	if err := checkPrivateNetns(); err != nil {
		return err
	}
	if err := setupNetns(); err != nil {
		return err
	}
	limit, err := fdLimit()
	if err != nil {
		return err
	}
	asked := c.procs
	minimum := minProcs(c, limit)
	c.procs = max(c.procs, minimum)
	if c.port+c.procs > 65535 || c.procs > 254*256 {
		return fmt.Errorf("%d processes do not fit from port %d", c.procs, c.port)
	}
	if c.procs > 1+(limit-reserveFDs)/2 {
		return fmt.Errorf("%d processes: the parent cannot hold two pipes to each under %d descriptors", c.procs, limit)
	}
	fmt.Fprintf(os.Stderr, "loadgen: %d processes (asked %d; the %d-descriptor limit needs at least %d)\n", c.procs, asked, limit, minimum)

	children := make([]*childProc, c.procs)
	defer stopChildren(children)
	start := time.Now()
	for i := range children {
		ch, err := startChild(c, i)
		if err != nil {
			return err
		}
		children[i] = ch
	}
	for i, ch := range children {
		line, err := ch.out.ReadString('\n')
		if strings.TrimSpace(line) != "ok" {
			return fmt.Errorf("child %d did not start: %q %v", i, line, err)
		}
	}
	fmt.Fprintf(os.Stderr, "loadgen: sockets open in %v\n", time.Since(start).Round(time.Millisecond))

	fmt.Printf("procs %d\n", c.procs)
	fmt.Printf("tcp %d\n", 2*c.conns+c.procs+1+2*c.marker)
	fmt.Printf("listeners %d\n", c.procs+1)
	fmt.Printf("marker_port %d\n", c.markerPort)
	fmt.Printf("marker_sockets %d\n", 1+c.marker)
	fmt.Printf("udp %d\n", c.udp)
	fmt.Printf("unix %d\n", 2*c.unixPairs)
	fmt.Println("ready")

	done := make(chan struct{}, 2)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, unix.SIGINT, unix.SIGTERM)
	go func() { <-sig; done <- struct{}{} }()
	if c.useStdin {
		go func() { io.Copy(io.Discard, os.Stdin); done <- struct{}{} }()
	}
	<-done
	return nil
}

func startChild(c config, i int) (*childProc, error) {
	args := []string{
		"-child", strconv.Itoa(i),
		"-conns", strconv.Itoa(share(c.conns, c.procs, i)),
		"-udp", strconv.Itoa(share(c.udp, c.procs, i)),
		"-unix", strconv.Itoa(share(c.unixPairs, c.procs, i)),
		"-port", strconv.Itoa(c.port + i),
		"-marker-port", strconv.Itoa(c.markerPort),
		"-marker", "-1",
	}
	if i == 0 {
		args[len(args)-1] = strconv.Itoa(c.marker)
	}
	cmd := exec.Command("/proc/self/exe", args...)
	cmd.Stderr = os.Stderr
	// The children also end with this process if it is killed outright.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start child %d: %w", i, err)
	}
	return &childProc{cmd: cmd, stdin: stdin, out: bufio.NewReader(stdout)}, nil
}

// stopChildren closes each child's standard input, on which it exits, and
// kills those still there after a while.
func stopChildren(children []*childProc) {
	var wg sync.WaitGroup
	for _, ch := range children {
		if ch == nil {
			continue
		}
		ch.stdin.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.AfterFunc(5*time.Second, func() { ch.cmd.Process.Kill() })
			ch.cmd.Wait()
			t.Stop()
		}()
	}
	wg.Wait()
}

// runChild opens child index's share, given in c by the parent (marker
// -1: no marker listener here), and holds it.
func runChild(index int, c config) error {
	conns, udp, pairs, port := c.conns, c.udp, c.unixPairs, c.port
	markerPort, marker := c.markerPort, c.marker

	if err := checkPrivateNetns(); err != nil {
		return err
	}
	limit, err := fdLimit()
	if err != nil {
		return err
	}
	need := 2*conns + udp + 2*pairs + 1
	if marker >= 0 {
		need += 1 + 2*marker
	}
	if need > limit-reserveFDs {
		return fmt.Errorf("child %d: %d descriptors exceed the limit %d", index, need, limit)
	}
	loop := [4]byte{127, 0, 0, 1}
	src := [4]byte{127, byte(1 + index>>8), byte(index), 1}
	if err := connectPairs(loop, port, src, srcPortBase, conns); err != nil {
		return fmt.Errorf("child %d: %w", index, err)
	}
	if marker >= 0 {
		if err := connectPairs(loop, markerPort, [4]byte{127, 255, 255, 1}, srcPortBase, marker); err != nil {
			return fmt.Errorf("child %d: marker: %w", index, err)
		}
	}
	udpAddr := [4]byte{127, byte(1 + index>>8), byte(index), 2}
	for j := range udp {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("child %d: udp socket: %w", index, err)
		}
		if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: udpAddr, Port: srcPortBase + j}); err != nil {
			return fmt.Errorf("child %d: udp bind: %w", index, err)
		}
	}
	for range pairs {
		if _, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0); err != nil {
			return fmt.Errorf("child %d: socketpair: %w", index, err)
		}
	}
	fmt.Println("ok")
	// Hold every descriptor until the parent closes our standard input.
	io.Copy(io.Discard, os.Stdin)
	return nil
}

// connectPairs listens on dst:port and makes n connections to it from
// src with explicit ports from srcPort, accepting each; both ends stay
// open (the descriptors are never closed).
func connectPairs(dst [4]byte, port int, src [4]byte, srcPort, n int) error {
	lfd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socket: %w", err)
	}
	if err := unix.SetsockoptInt(lfd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		return fmt.Errorf("SO_REUSEADDR: %w", err)
	}
	if err := unix.Bind(lfd, &unix.SockaddrInet4{Addr: dst, Port: port}); err != nil {
		return fmt.Errorf("bind %v:%d: %w", dst, port, err)
	}
	if err := unix.Listen(lfd, 65535); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	errc := make(chan error, 1)
	go func() {
		for range n {
			if _, _, err := unix.Accept4(lfd, unix.SOCK_CLOEXEC); err != nil {
				errc <- fmt.Errorf("accept: %w", err)
				return
			}
		}
		errc <- nil
	}()
	for j := range n {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("socket: %w", err)
		}
		if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: src, Port: srcPort + j}); err != nil {
			return fmt.Errorf("bind %v:%d: %w", src, srcPort+j, err)
		}
		if err := unix.Connect(fd, &unix.SockaddrInet4{Addr: dst, Port: port}); err != nil {
			return fmt.Errorf("connect to port %d: %w", port, err)
		}
	}
	return <-errc
}
