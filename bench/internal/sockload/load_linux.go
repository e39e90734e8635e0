package sockload

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Load is a running loadgen holding its sockets in its own network
// namespace.
type Load struct {
	// PID is loadgen's; its namespace is /proc/PID/ns/net.
	PID int
	// Report holds the "key value" lines loadgen printed before "ready"
	// (procs, tcp, unix, listeners, marker_port, ...).
	Report map[string]int
	// Opened is how long loadgen took to open everything.
	Opened time.Duration

	cmd   *exec.Cmd
	stdin io.Closer
}

// Start runs the loadgen binary bin with args and waits for its "ready".
func Start(bin string, args ...string) (*Load, error) {
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start loadgen: %w", err)
	}
	ld := &Load{PID: cmd.Process.Pid, Report: map[string]int{}, cmd: cmd, stdin: stdin}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), " ")
		if k == "ready" {
			ld.Opened = time.Since(start)
			return ld, nil
		}
		ld.Report[k], _ = strconv.Atoi(v)
	}
	ld.Stop()
	return nil, errors.New("loadgen ended before it was ready")
}

// NetnsPath is the path of the load's network namespace.
func (ld *Load) NetnsPath() string { return fmt.Sprintf("/proc/%d/ns/net", ld.PID) }

// Stop closes loadgen's standard input, on which it closes everything and
// exits, and waits for it.
func (ld *Load) Stop() {
	ld.stdin.Close()
	ld.cmd.Wait()
}
