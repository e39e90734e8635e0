package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/netstat-go/netstat/bench/internal/host"
	"github.com/netstat-go/netstat/bench/internal/sockload"
	"github.com/netstat-go/netstat/bench/internal/trace"
)

type outputKind int

const (
	netstatRows outputKind = iota // rows start with "tcp"; -p column is field 7
	ssRows                        // one header line; -p adds users:(...)
	floorRows                     // "sockets N", "owned M"
	jsonRows                      // one {"protocol":"tcp",...} object per socket
)

// command is one timed command line.
type command struct {
	name string
	argv []string
	kind outputKind
	// want is what the rows should count to, -1 when not checked.
	want, wantOwned int
	// group names the target the command belongs to, for ratios.
	id string
}

// load is what loadgen reports once ready.
type load struct {
	*sockload.Load
	procs, tcp, listeners        int
	markerPort, markerSockets    int
	startup                      time.Duration
	askedConns, askedProcs, udpN int
}

type config struct{ conns, procs int }

func main() {
	configs := flag.String("configs", "1000:1,10000:1,100000:1,1000:1000,10000:1000", "comma-separated `N:P` pairs: N TCP connections over P processes (P is raised to the minimum the descriptor limit allows)")
	runs := flag.Int("runs", 7, "timed runs of each command (`n`)")
	runsLarge := flag.Int("runs-large", 5, "timed runs when N >= 100000")
	slowRuns := flag.Int("slow-runs", 3, "timed runs of a command whose check run took longer than -slow")
	slow := flag.Duration("slow", 3*time.Second, "check-run time beyond which a command gets -slow-runs")
	startupRuns := flag.Int("startup-runs", 50, "timed runs of each start-up command (0: skip start-up)")
	udp := flag.Int("udp", 0, "UDP sockets loadgen also opens")
	unixPairs := flag.Int("unix", 0, "UNIX socket pairs loadgen also opens")
	netstat := flag.String("netstat", "", "our netstat `binary` (default: go build ./cmd/netstat)")
	skip := flag.String("skip", "", "comma-separated command names to leave out (e.g. \"ss -tanp\")")
	outPath := flag.String("o", "", "write the report to `file` instead of standard output")
	flag.Parse()
	if os.Geteuid() != 0 {
		fatal(errors.New("needs root (network namespaces)"))
	}
	cfgs, err := parseConfigs(*configs)
	if err != nil {
		fatal(err)
	}
	dir, err := os.MkdirTemp("", "netstat-bench-")
	if err != nil {
		fatal(err)
	}
	defer os.RemoveAll(dir)
	bins, err := build(dir, *netstat)
	if err != nil {
		fatal(err)
	}
	skipped := map[string]bool{}
	for s := range strings.SplitSeq(*skip, ",") {
		if s = strings.TrimSpace(s); s != "" {
			skipped[s] = true
		}
	}
	progress := func(s string) { fmt.Fprintln(os.Stderr, s) }

	rep := &report{
		started: time.Now().UTC(),
		env:     host.Machine(),
		args:    os.Args[1:],
		commit:  host.GitDescribe(),
	}
	for _, c := range cfgs {
		progress(fmt.Sprintf("N=%d P=%d: starting loadgen", c.conns, c.procs))
		ld, err := startLoad(bins.loadgen, c, *udp, *unixPairs)
		if err != nil {
			fatal(err)
		}
		progress(fmt.Sprintf("N=%d: %d processes, %d TCP sockets, open in %v", c.conns, ld.procs, ld.tcp, ld.startup.Round(time.Millisecond)))
		cmds := socketCommands(bins, ld, skipped)
		n := *runs
		if c.conns >= 100000 {
			n = *runsLarge
		}
		var results []*result
		err = trace.InNetns(ld.NetnsPath(), func() error {
			results = measure(cmds, n, *slowRuns, *slow, progress)
			return nil
		})
		ld.Stop()
		if err != nil {
			fatal(err)
		}
		rep.sections = append(rep.sections, section{cfg: c, load: ld, results: results})
	}
	if *startupRuns > 0 {
		progress("start-up, in an empty namespace")
		cmds := startupCommands(bins, skipped)
		err := trace.InNetns("", func() error {
			rep.startup = measure(cmds, *startupRuns, *startupRuns, time.Hour, progress)
			return nil
		})
		if err != nil {
			fatal(err)
		}
	}
	rep.finished = time.Now().UTC()
	out := io.Writer(os.Stdout)
	if *outPath != "" {
		f, err := os.Create(*outPath)
		if err != nil {
			fatal(err)
		}
		defer f.Close()
		out = f
	}
	bw := bufio.NewWriter(out)
	rep.write(bw)
	if err := bw.Flush(); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "run:", err)
	os.Exit(1)
}

func parseConfigs(s string) ([]config, error) {
	var cfgs []config
	for f := range strings.SplitSeq(s, ",") {
		n, p, ok := strings.Cut(strings.TrimSpace(f), ":")
		if !ok {
			p = "1"
		}
		conns, err1 := strconv.Atoi(n)
		procs, err2 := strconv.Atoi(p)
		if err1 != nil || err2 != nil || conns < 0 || procs < 1 {
			return nil, fmt.Errorf("bad configuration %q: want N:P", f)
		}
		cfgs = append(cfgs, config{conns, procs})
	}
	return cfgs, nil
}

type binaries struct {
	netstat, floor, empty, loadgen, netTools, ss, true string
}

// build compiles the programs under test into dir.
func build(dir, netstat string) (*binaries, error) {
	b := &binaries{
		floor:    filepath.Join(dir, "floor"),
		empty:    filepath.Join(dir, "empty"),
		loadgen:  filepath.Join(dir, "loadgen"),
		netstat:  netstat,
		netTools: host.NetTools(),
	}
	pkgs := [][2]string{{"./bench/floor", b.floor}, {"./bench/empty", b.empty}, {"./bench/loadgen", b.loadgen}}
	if netstat == "" {
		b.netstat = filepath.Join(dir, "netstat")
		pkgs = append(pkgs, [2]string{"./cmd/netstat", b.netstat})
	}
	for _, p := range pkgs {
		if err := host.GoBuild(p[0], p[1]); err != nil {
			return nil, err
		}
	}
	var err error
	if b.ss, err = exec.LookPath("ss"); err != nil {
		return nil, err
	}
	if b.true, err = exec.LookPath("true"); err != nil {
		return nil, err
	}
	return b, nil
}

// startLoad starts loadgen and waits for its "ready".
func startLoad(bin string, c config, udp, unixPairs int) (*load, error) {
	l, err := sockload.Start(bin, "-conns", strconv.Itoa(c.conns), "-procs", strconv.Itoa(c.procs),
		"-udp", strconv.Itoa(udp), "-unix", strconv.Itoa(unixPairs))
	if err != nil {
		return nil, err
	}
	r := l.Report
	return &load{Load: l, procs: r["procs"], tcp: r["tcp"], listeners: r["listeners"],
		markerPort: r["marker_port"], markerSockets: r["marker_sockets"], startup: l.Opened,
		askedConns: c.conns, askedProcs: c.procs, udpN: udp}, nil
}

// socketCommands are the commands timed on a load.
func socketCommands(b *binaries, ld *load, skip map[string]bool) []*command {
	filter := fmt.Sprintf("sport = :%d", ld.markerPort)
	all := []*command{
		{name: "netstat -tan", id: "tan", argv: []string{b.netstat, "-tan"}, kind: netstatRows, want: ld.tcp, wantOwned: -1},
		{name: "netstat -tanp", id: "tanp", argv: []string{b.netstat, "-tanp"}, kind: netstatRows, want: ld.tcp, wantOwned: ld.tcp},
		{name: "netstat -tan --json", id: "json", argv: []string{b.netstat, "-tan", "--json"}, kind: jsonRows, want: ld.tcp, wantOwned: -1},
		{name: "netstat -tan FILTER", id: "filter", argv: []string{b.netstat, "-tan", filter}, kind: netstatRows, want: ld.markerSockets, wantOwned: -1},
		{name: "net-tools netstat -tan", id: "nt-tan", argv: []string{b.netTools, "-tan"}, kind: netstatRows, want: ld.tcp, wantOwned: -1},
		{name: "net-tools netstat -tanp", id: "nt-tanp", argv: []string{b.netTools, "-tanp"}, kind: netstatRows, want: ld.tcp, wantOwned: ld.tcp},
		{name: "ss -tan", id: "ss-tan", argv: []string{b.ss, "-tan"}, kind: ssRows, want: ld.tcp, wantOwned: -1},
		{name: "ss -tanp", id: "ss-tanp", argv: []string{b.ss, "-tanp"}, kind: ssRows, want: ld.tcp, wantOwned: ld.tcp},
		{name: "ss -tan FILTER", id: "ss-filter", argv: []string{b.ss, "-tan", filter}, kind: ssRows, want: ld.markerSockets, wantOwned: -1},
		{name: "floor (dump)", id: "floor", argv: []string{b.floor}, kind: floorRows, want: ld.tcp, wantOwned: -1},
		{name: "floor -procs (dump + /proc)", id: "floor-procs", argv: []string{b.floor, "-procs"}, kind: floorRows, want: ld.tcp, wantOwned: ld.tcp},
		{name: "floor -sport (filtered dump)", id: "floor-filter", argv: []string{b.floor, "-sport", strconv.Itoa(ld.markerPort)}, kind: floorRows, want: ld.markerSockets, wantOwned: -1},
	}
	return keep(all, skip)
}

// startupCommands are timed in an empty namespace.
func startupCommands(b *binaries, skip map[string]bool) []*command {
	all := []*command{
		{name: "true", id: "true", argv: []string{b.true}, want: -1, wantOwned: -1},
		{name: "empty Go program", id: "empty", argv: []string{b.empty}, want: -1, wantOwned: -1},
		{name: "netstat -tln", id: "tln", argv: []string{b.netstat, "-tln"}, kind: netstatRows, want: 0, wantOwned: -1},
		{name: "floor (dump)", id: "floor", argv: []string{b.floor}, kind: floorRows, want: 0, wantOwned: -1},
		{name: "ss -tln", id: "ss-tln", argv: []string{b.ss, "-tln"}, kind: ssRows, want: 0, wantOwned: -1},
		{name: "net-tools netstat -tln", id: "nt-tln", argv: []string{b.netTools, "-tln"}, kind: netstatRows, want: 0, wantOwned: -1},
	}
	return keep(all, skip)
}

func keep(cmds []*command, skip map[string]bool) []*command {
	var out []*command
	for _, c := range cmds {
		if !skip[c.name] {
			out = append(out, c)
		}
	}
	return out
}
