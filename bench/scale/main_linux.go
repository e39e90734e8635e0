package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/netstat-go/netstat/bench/internal/host"
	"github.com/netstat-go/netstat/bench/internal/sockload"
	"github.com/netstat-go/netstat/bench/internal/trace"
)

// command is one command line run on a load, and how to count its rows.
type command struct {
	name   string
	argv   []string
	needle string // what marks a row in its output
	minus  int    // lines the needle also matches that are not rows
}

// load is one loadgen run, holding its sockets until stopped.
type load struct {
	*sockload.Load
	kind         string // "UNIX" or "TCP"
	sockets      int    // sockets asked for
	want         int    // rows each command should print
	procs        int
	opened       time.Duration
	kernelMemory int64 // MemAvailable before minus after opening, bytes
}

// result is one command's runs on one load.
type result struct {
	cmd  *command
	runs []run
	err  error
}

func main() {
	unixSizes := flag.String("unix", "10000,100000,1000000", "comma-separated UNIX socket counts (`N`, even: N/2 pairs; empty or 0: none)")
	tcpSizes := flag.String("tcp", "10000,100000", "comma-separated loopback TCP socket counts (`N`, even; listeners come on top; empty or 0: none)")
	runs := flag.Int("runs", 3, "runs of each command (`n`)")
	runsLarge := flag.Int("runs-large", 1, "runs of each command at a million sockets or more")
	netstat := flag.String("netstat", "", "our netstat `binary` (default: go build ./cmd/netstat)")
	label := flag.String("label", "", "what the netstat binary is, for the report (default: git describe of the tree)")
	outPath := flag.String("o", "", "also write the report to `file`")
	flag.Parse()
	if os.Geteuid() != 0 {
		fatal(errors.New("needs root (network namespaces)"))
	}
	unixNs, err := parseSizes(*unixSizes)
	if err != nil {
		fatal(err)
	}
	tcpNs, err := parseSizes(*tcpSizes)
	if err != nil {
		fatal(err)
	}
	dir, err := os.MkdirTemp("", "netstat-scale-")
	if err != nil {
		fatal(err)
	}
	defer os.RemoveAll(dir)
	loadgen := filepath.Join(dir, "loadgen")
	if err := host.GoBuild("./bench/loadgen", loadgen); err != nil {
		fatal(err)
	}
	if *netstat == "" {
		*netstat = filepath.Join(dir, "netstat")
		if err := host.GoBuild("./cmd/netstat", *netstat); err != nil {
			fatal(err)
		}
	}
	if *label == "" {
		*label = host.GitDescribe()
	}
	progress := func(format string, a ...any) { fmt.Fprintf(os.Stderr, "scale: "+format+"\n", a...) }

	started := time.Now().UTC()
	var b strings.Builder
	fmt.Fprintf(&b, "Run `go run ./bench/scale %s` on %s UTC; netstat at %s.\n\n",
		strings.Join(os.Args[1:], " "), started.Format("2006-01-02 15:04"), *label)
	for _, l := range host.Machine() {
		fmt.Fprintf(&b, "- %s\n", l)
	}
	fmt.Fprintln(&b)
	b.WriteString("Rows: what the command printed, checked against the sockets opened (✓).\n" +
		"Wall: fastest and median run (other work on the machine only ever adds time). " +
		"Peak RSS: the largest VmHWM at exit over the runs.\n\n")

	for _, kind := range []string{"UNIX", "TCP"} {
		sizes := unixNs
		if kind == "TCP" {
			sizes = tcpNs
		}
		for _, n := range sizes {
			progress("%s %d: opening", kind, n)
			ld, err := startLoad(loadgen, kind, n)
			if err != nil {
				fatal(err)
			}
			progress("%s %d: %d processes, open in %v", kind, n, ld.procs, ld.opened.Round(time.Millisecond))
			k := *runs
			if n >= 1000000 {
				k = *runsLarge
			}
			results := measure(ld, commands(*netstat, kind), k, progress)
			ld.Stop()
			writeSection(&b, ld, results)
		}
	}
	fmt.Print(b.String())
	if *outPath != "" {
		if err := os.WriteFile(*outPath, []byte(b.String()), 0o644); err != nil {
			fatal(err)
		}
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "scale:", err)
	os.Exit(1)
}

func parseSizes(s string) ([]int, error) {
	var ns []int
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 || n%2 != 0 {
			return nil, fmt.Errorf("bad size %q: want an even socket count", f)
		}
		if n > 0 {
			ns = append(ns, n)
		}
	}
	return ns, nil
}

// commands are what runs on a load of kind.
func commands(netstat, kind string) []*command {
	flag, proto, prefix := "-xan", "unix", "\nunix "
	if kind == "TCP" {
		flag, proto, prefix = "-tan", "tcp", "\ntcp"
	}
	jsonRow := `"protocol":"` + proto + `"`
	return []*command{
		{name: "netstat " + flag, argv: []string{netstat, flag}, needle: prefix},
		{name: "netstat " + flag + " --json", argv: []string{netstat, flag, "--json"}, needle: jsonRow},
		{name: "net-tools netstat " + flag, argv: []string{host.NetTools(), flag}, needle: prefix},
		// ss prints one header line, then one line per socket.
		{name: "ss " + flag, argv: []string{"ss", flag}, needle: "\n", minus: 1},
	}
}

// startLoad starts loadgen with n sockets of kind and waits until they are
// open.
func startLoad(bin, kind string, n int) (*load, error) {
	conns, pairs := 0, 0
	if kind == "TCP" {
		conns = n / 2
	} else {
		pairs = n / 2
	}
	before := host.KB("/proc/meminfo", "MemAvailable")
	l, err := sockload.Start(bin, "-conns", strconv.Itoa(conns), "-unix", strconv.Itoa(pairs), "-marker", "0")
	if err != nil {
		return nil, err
	}
	ld := &load{Load: l, kind: kind, sockets: n, procs: l.Report["procs"], opened: l.Opened,
		kernelMemory: before - host.KB("/proc/meminfo", "MemAvailable")}
	if kind == "TCP" {
		ld.want = l.Report["tcp"]
	} else {
		ld.want = l.Report["unix"]
	}
	return ld, nil
}

// measure runs every command k times, round-robin, from a thread in the
// load's namespace.
func measure(ld *load, cmds []*command, k int, progress func(string, ...any)) []*result {
	results := make([]*result, len(cmds))
	for i, c := range cmds {
		results[i] = &result{cmd: c}
	}
	err := trace.InNetns(ld.NetnsPath(), func() error {
		for round := range k {
			for _, r := range results {
				if r.err != nil {
					continue
				}
				one, err := traced(r.cmd.argv, newRowCounter(r.cmd.needle, r.cmd.minus))
				if err != nil {
					r.err = err
					progress("  %-28s %v", r.cmd.name, err)
					continue
				}
				r.runs = append(r.runs, one)
				progress("  %-28s run %d: %8.1f ms, %7.1f MiB, %d rows", r.cmd.name, round+1, ms(one.wall), mib(one.rss), one.rows)
			}
		}
		return nil
	})
	if err != nil {
		fatal(err)
	}
	return results
}

func writeSection(w io.Writer, ld *load, results []*result) {
	fmt.Fprintf(w, "### %s sockets: %d\n\n", ld.kind, ld.sockets)
	what := fmt.Sprintf("%d socket pairs", ld.sockets/2)
	if ld.kind == "TCP" {
		what = fmt.Sprintf("%d loopback connections, %d listeners", ld.sockets/2, ld.want-ld.sockets)
	}
	kernel := fmt.Sprintf("MemAvailable fell by %.0f MiB", mib(ld.kernelMemory))
	if ld.kernelMemory <= 0 {
		kernel = "MemAvailable did not fall (other work on the machine moved it more)"
	}
	procs := fmt.Sprintf("%d processes", ld.procs)
	if ld.procs == 1 {
		procs = "one process"
	}
	fmt.Fprintf(w, "%s over %s, opened in %.1f s; %s.\n\n", what, procs, ld.opened.Seconds(), kernel)
	fmt.Fprintf(w, "| command | rows | wall, min / median | runs | peak RSS |\n|---|---:|---:|---:|---:|\n")
	for _, r := range results {
		if len(r.runs) == 0 {
			fmt.Fprintf(w, "| `%s` | failed: %v | | | |\n", r.cmd.name, r.err)
			continue
		}
		walls := make([]time.Duration, len(r.runs))
		var rss int64
		rows := r.runs[0].rows
		same := true
		for i, x := range r.runs {
			walls[i] = x.wall
			rss = max(rss, x.rss)
			same = same && x.rows == ld.want
		}
		check := "✓"
		if !same {
			check = fmt.Sprintf("✗ (want %d)", ld.want)
		}
		slices.Sort(walls)
		fmt.Fprintf(w, "| `%s` | %d %s | %.0f / %.0f ms | %d | %.1f MiB |\n", r.cmd.name, rows, check, ms(walls[0]), ms(walls[len(walls)/2]), len(walls), mib(rss))
		if r.err != nil {
			fmt.Fprintf(w, "\n`%s` failed in a later run: %v\n\n", r.cmd.name, r.err)
		}
	}
	fmt.Fprintln(w)
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }
func mib(b int64) float64        { return float64(b) / (1 << 20) }
