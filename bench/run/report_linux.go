package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

type section struct {
	cfg     config
	load    *load
	results []*result
}

type report struct {
	started, finished time.Time
	env               []string
	args              []string
	commit            string
	sections          []section
	startup           []*result
}

// stats are a command's timed runs summarised.
type stats struct {
	n                int
	median, min, max time.Duration
	cpu              time.Duration // median CPU time (user + system)
	rss              int64
}

func summarise(r *result) stats {
	s := stats{rss: r.rss}
	if len(r.samples) == 0 {
		return s
	}
	ds := make([]time.Duration, len(r.samples))
	cs := make([]time.Duration, len(r.samples))
	for i, x := range r.samples {
		ds[i], cs[i] = x.wall, x.cpu
	}
	s.n = len(ds)
	s.median, s.min, s.max = median(ds)
	s.cpu, _, _ = median(cs)
	return s
}

func median(ds []time.Duration) (med, lo, hi time.Duration) {
	slices.Sort(ds)
	lo, hi = ds[0], ds[len(ds)-1]
	if len(ds)%2 == 1 {
		return ds[len(ds)/2], lo, hi
	}
	return (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2, lo, hi
}

func (rep *report) write(w io.Writer) {
	fmt.Fprintf(w, "Run %s, %s to %s UTC, commit %s.\n\n", "go run ./bench/run "+strings.Join(rep.args, " "),
		rep.started.Format("2006-01-02 15:04"), rep.finished.Format("15:04"), rep.commit)
	for _, l := range rep.env {
		fmt.Fprintf(w, "- %s\n", l)
	}
	fmt.Fprintln(w)
	for _, s := range rep.sections {
		rep.writeSection(w, s)
	}
	if len(rep.startup) > 0 {
		fmt.Fprintf(w, "### Start-up (empty network namespace)\n\n")
		writeTable(w, rep.startup)
		med := medians(rep.startup)
		if tln, ok := med["tln"]; ok {
			if empty, ok := med["empty"]; ok {
				d := ms(tln - empty)
				cpu := cpuMedians(rep.startup)
				fmt.Fprintf(w, "\nnetstat -tln minus the empty Go program: %+.2f ms wall, %+.2f ms CPU (target: at most +1 ms): %s.\n\n",
					d, ms(cpu["tln"]-cpu["empty"]), verdict(d <= 1))
			}
		}
	}
	if len(rep.sections) > 1 {
		fmt.Fprintf(w, "### Peak RSS of our netstat by size\n\n| N | P | -tan | -tanp | -tan FILTER |\n|---:|---:|---:|---:|---:|\n")
		for _, s := range rep.sections {
			rss := map[string]int64{}
			for _, r := range s.results {
				rss[r.cmd.id] = summarise(r).rss
			}
			fmt.Fprintf(w, "| %d | %d | %s | %s | %s |\n", s.cfg.conns, s.load.procs, mib(rss["tan"]), mib(rss["tanp"]), mib(rss["filter"]))
		}
		fmt.Fprintln(w)
	}
}

func (rep *report) writeSection(w io.Writer, s section) {
	ld := s.load
	fmt.Fprintf(w, "### N = %d connections, P = %d processes", s.cfg.conns, ld.procs)
	if ld.procs != s.cfg.procs {
		fmt.Fprintf(w, " (asked %d)", s.cfg.procs)
	}
	fmt.Fprintf(w, "\n\n%d TCP sockets: %d connected, %d listeners, %d more on the marker port %d; the filter is `sport = :%d` (%d sockets). Load opened in %v.\n\n",
		ld.tcp, 2*s.cfg.conns, ld.listeners, 2*(ld.markerSockets-1), ld.markerPort, ld.markerPort, ld.markerSockets, ld.startup.Round(time.Millisecond))
	writeTable(w, s.results)
	med := medians(s.results)
	type target struct {
		num, den, what string
		goal           float64
	}
	targets := []target{
		{"tan", "ss-tan", "netstat -tan / ss -tan", 0.7},
		{"tan", "floor", "netstat -tan / floor", 1.3},
		{"tanp", "floor-procs", "netstat -tanp / floor -procs", 1.5},
		{"filter", "floor-filter", "netstat -tan FILTER / floor -sport", 1.5},
		{"tanp", "ss-tanp", "netstat -tanp / ss -tanp", 0},
		{"tanp", "nt-tanp", "netstat -tanp / net-tools -tanp", 0},
		{"filter", "ss-filter", "netstat -tan FILTER / ss -tan FILTER", 0},
	}
	cpu := cpuMedians(s.results)
	fmt.Fprintf(w, "\n| ratio of medians | wall | target | met (wall) | CPU |\n|---|---:|---:|---|---:|\n")
	for _, t := range targets {
		a, ok1 := med[t.num]
		b, ok2 := med[t.den]
		if !ok1 || !ok2 || b == 0 {
			continue
		}
		v := float64(a) / float64(b)
		c := "-"
		if cpu[t.den] > 0 {
			c = fmt.Sprintf("%.2f", float64(cpu[t.num])/float64(cpu[t.den]))
		}
		if t.goal == 0 {
			fmt.Fprintf(w, "| %s | %.2f | (for information) | | %s |\n", t.what, v, c)
			continue
		}
		fmt.Fprintf(w, "| %s | %.2f | ≤ %.1f | %s | %s |\n", t.what, v, t.goal, verdict(v <= t.goal), c)
	}
	for _, r := range s.results {
		if r.cmd.id == "json" && r.err == nil && r.check.bytes > 0 {
			v := float64(r.rss) / float64(r.check.bytes)
			fmt.Fprintf(w, "| netstat -tan --json peak RSS / bytes printed | %.2f | ≤ 2 | %s | |\n", v, verdict(v <= 2))
		}
	}
	fmt.Fprintln(w)
}

func verdict(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

func medians(rs []*result) map[string]time.Duration {
	m := map[string]time.Duration{}
	for _, r := range rs {
		if s := summarise(r); s.n > 0 && r.err == nil {
			m[r.cmd.id] = s.median
		}
	}
	return m
}

func cpuMedians(rs []*result) map[string]time.Duration {
	m := map[string]time.Duration{}
	for _, r := range rs {
		if s := summarise(r); s.n > 0 && r.err == nil {
			m[r.cmd.id] = s.cpu
		}
	}
	return m
}

func writeTable(w io.Writer, rs []*result) {
	fmt.Fprintf(w, "| command | runs | median ms | min–max ms | CPU ms | peak RSS MiB | output MiB | rows seen (want) | with process (want) |\n")
	fmt.Fprintf(w, "|---|---:|---:|---:|---:|---:|---:|---|---|\n")
	for _, r := range rs {
		s := summarise(r)
		if r.err != nil {
			fmt.Fprintf(w, "| %s | failed: %s | | | | | | | |\n", r.cmd.name, strings.ReplaceAll(r.err.Error(), "|", `\|`))
			continue
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s–%s | %s | %s | %s | %s | %s |\n", r.cmd.name, s.n,
			fmtMS(s.median), fmtMS(s.min), fmtMS(s.max), fmtMS(s.cpu), mib(s.rss), mib(int64(r.check.bytes)),
			checked(r.check.rows, r.cmd.want), checked(r.check.owned, r.cmd.wantOwned))
	}
}

func checked(got, want int) string {
	switch {
	case want < 0:
		return ""
	case got == want:
		return fmt.Sprintf("%d ok", got)
	}
	return fmt.Sprintf("**%d** (%d)", got, want)
}

func fmtMS(d time.Duration) string {
	v := ms(d)
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

func mib(b int64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", float64(b)/(1<<20))
}
