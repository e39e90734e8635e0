package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/netstat-go/netstat/bench/internal/trace"
)

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

// checkRun runs argv once under ptrace (see trace.Run), capturing its
// standard output. It must run on a locked thread.
func checkRun(argv []string, out *bytes.Buffer) (wall time.Duration, rss int64, err error) {
	r, err := trace.Run(argv, out)
	return r.Wall, r.RSS, err
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
