package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/netstat-go/netstat/internal/cli"
	"golang.org/x/sys/unix"
)

// enteredEnv marks the re-executed process, already in the namespace.
const enteredEnv = "NETSTAT_PROF_ENTERED"

func main() {
	netns := flag.String("netns", "", "network namespace `file` to run in (e.g. /proc/PID/ns/net); empty: this one")
	n := flag.Int("n", 10, "runs of netstat")
	cpu := flag.String("cpuprofile", "", "write a CPU profile to `file`")
	mem := flag.String("memprofile", "", "write an allocation profile to `file`")
	flag.Parse()
	if *netns != "" && os.Getenv(enteredEnv) == "" {
		fatal(enter(*netns))
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		fatal(err)
	}
	if *mem != "" {
		runtime.MemProfileRate = 4096
	}
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	var total time.Duration
	for range *n {
		start := time.Now()
		if st := cli.Main(flag.Args(), devnull, os.Stderr); st != 0 {
			fmt.Fprintf(os.Stderr, "prof: netstat %v: status %d\n", flag.Args(), st)
		}
		total += time.Since(start)
	}
	fmt.Fprintf(os.Stderr, "prof: %d runs of netstat %v, %v each\n", *n, flag.Args(), (total / time.Duration(max(*n, 1))).Round(time.Microsecond))
	if *mem != "" {
		f, err := os.Create(*mem)
		if err != nil {
			fatal(err)
		}
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			fatal(err)
		}
		f.Close()
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "prof:", err)
	os.Exit(1)
}

// enter moves this thread into the namespace and re-executes the program
// from it: execve keeps the thread's namespace for the whole new image.
func enter(path string) error {
	runtime.LockOSThread()
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("setns %s: %w", path, err)
	}
	if err := os.Setenv(enteredEnv, "1"); err != nil {
		return err
	}
	err = syscall.Exec("/proc/self/exe", os.Args, os.Environ())
	return fmt.Errorf("exec /proc/self/exe: %w", err)
}
