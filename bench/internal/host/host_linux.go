package host

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Machine describes the host for a report: kernel, CPUs, memory, Go, the
// load average at the start (other work on the machine shows in the
// times), and the versions of ss and net-tools netstat.
func Machine() []string {
	var lines []string
	var u unix.Utsname
	if unix.Uname(&u) == nil {
		lines = append(lines, "kernel: "+unix.ByteSliceToString(u.Release[:]))
	}
	lines = append(lines, fmt.Sprintf("CPUs: %d", runtime.NumCPU()))
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for l := range strings.SplitSeq(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				lines = append(lines, "CPU: "+strings.TrimSpace(v))
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		l, _, _ := strings.Cut(string(b), "\n")
		if f := strings.Fields(l); len(f) > 1 {
			lines = append(lines, "memory: "+strings.Join(f[1:], " "))
		}
	}
	lines = append(lines, "Go: "+runtime.Version())
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			lines = append(lines, "load average at the start: "+strings.Join(f[:3], " "))
		}
	}
	for _, v := range [][]string{{"ss", "-V"}, {NetTools(), "-V"}} {
		out, _ := exec.Command(v[0], v[1:]...).Output()
		l, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
		lines = append(lines, l)
	}
	return lines
}

// NetTools is the path of net-tools netstat.
func NetTools() string {
	for _, p := range []string{"/usr/bin/netstat", "/bin/netstat", "/usr/sbin/netstat"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "netstat"
}

// GitDescribe names the working tree's commit ("unknown" outside git).
func GitDescribe() string {
	out, err := exec.Command("git", "describe", "--always", "--dirty").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

// GoBuild builds pkg into out as README.md's install command builds
// netstat: static (CGO_ENABLED=0), without the dynamic loader's start-up.
func GoBuild(pkg, out string) error {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %w (run from the module root)", pkg, err)
	}
	return nil
}

// KB reads a "Key: N kB" line of a /proc file (VmHWM in /proc/PID/status,
// MemAvailable in /proc/meminfo) in bytes; 0 when it cannot.
func KB(path, key string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for l := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, key+":"); ok {
			if f := strings.Fields(v); len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n * 1024
			}
		}
	}
	return 0
}
