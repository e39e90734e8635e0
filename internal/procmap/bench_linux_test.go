package procmap

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Benchmarks report, beside the usual per-scan figures, ns/fd and
// allocs/fd: the cost per descriptor read, which is what grows with the
// size of the system.
//
//	go test ./internal/procmap -run '^$' -bench . -benchtime 2s

const (
	synthProcs = 1000
	synthFDs   = 50
)

// synthTree builds a /proc of synthProcs processes with synthFDs fds each:
// one in five a socket, the rest pipes, files and anonymous inodes, which
// is about what a desktop or a server shows. It returns the root, the set
// of socket inodes and the number of fds.
func synthTree(b *testing.B) (string, map[uint64]struct{}, int) {
	b.Helper()
	root := b.TempDir()
	wanted := map[uint64]struct{}{}
	ino := uint64(100000)
	for pid := 1; pid <= synthProcs; pid++ {
		dir := filepath.Join(root, strconv.Itoa(pid))
		must(b, os.MkdirAll(filepath.Join(dir, "fd"), 0o755))
		must(b, os.WriteFile(filepath.Join(dir, "cmdline"), []byte("/usr/bin/daemon-"+strconv.Itoa(pid)+"\x00--flag\x00"), 0o444))
		for fd := range synthFDs {
			var target string
			switch fd % 5 {
			case 0:
				ino++
				wanted[ino] = struct{}{}
				target = "socket:[" + strconv.FormatUint(ino, 10) + "]"
			case 1:
				target = "pipe:[" + strconv.Itoa(pid*100+fd) + "]"
			case 2:
				target = "anon_inode:[eventpoll]"
			case 3:
				target = "/var/log/daemon-" + strconv.Itoa(pid) + ".log"
			default:
				target = "/dev/null"
			}
			must(b, os.Symlink(target, filepath.Join(dir, "fd", strconv.Itoa(fd))))
		}
	}
	return root, wanted, synthProcs * synthFDs
}

// Processes and sockets added to the real /proc for the benchmark: a
// machine with a few hundred processes holding sockets, rather than
// whatever the build machine happens to run (a CI sandbox may hold none).
const (
	hostChildren    = 200
	hostChildFDs    = 16
	hostParentPairs = 500
)

// populateHost starts hostChildren `sleep` processes, each holding
// hostChildFDs sockets of its own (ends of socket pairs: no network), and
// keeps hostParentPairs socket pairs open in this process.
func populateHost(b testing.TB) {
	b.Helper()
	for range hostParentPairs {
		socketPair(b)
	}
	for range hostChildren {
		files := make([]*os.File, hostChildFDs)
		for i := range files {
			p, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				b.Fatal(err)
			}
			unix.Close(p[1])
			files[i] = os.NewFile(uintptr(p[0]), "child")
		}
		cmd := exec.Command("sleep", "600")
		cmd.ExtraFiles = files
		err := cmd.Start()
		for _, f := range files {
			f.Close()
		}
		if err != nil {
			b.Skipf("cannot start sleep: %v", err)
		}
		b.Cleanup(func() {
			cmd.Process.Kill()
			cmd.Wait()
		})
	}
}

// hostSockets walks the real /proc the slow, obvious way and returns every
// socket inode some process holds, and the number of fds it saw.
func hostSockets(b *testing.B) (map[uint64]struct{}, int) {
	b.Helper()
	wanted := map[uint64]struct{}{}
	fds := 0
	pids, err := os.ReadDir("/proc")
	if err != nil {
		b.Skip(err)
	}
	for _, p := range pids {
		if _, err := strconv.Atoi(p.Name()); err != nil {
			continue
		}
		dir := filepath.Join("/proc", p.Name(), "fd")
		ents, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		fds += len(ents)
		for _, e := range ents {
			l, err := os.Readlink(filepath.Join(dir, e.Name()))
			if err != nil {
				continue
			}
			if ino, ok := parseSocketLink([]byte(l)); ok {
				wanted[ino] = struct{}{}
			}
		}
	}
	return wanted, fds
}

// tree is a /proc to scan: its root, the sockets to look for and how many
// fds it holds.
type tree struct {
	root   string
	wanted map[uint64]struct{}
	fds    int
}

func BenchmarkScan(b *testing.B) {
	// Building the synthetic tree takes seconds on a slow disk, so only
	// when -bench selects it; b.Run calls the setup once per tree.
	setup := map[string]func(b *testing.B) tree{
		"synthetic": func(b *testing.B) tree {
			root, wanted, n := synthTree(b)
			b.Logf("synthetic: %d processes, %d fds, %d sockets", synthProcs, n, len(wanted))
			return tree{root, wanted, n}
		},
		"proc": func(b *testing.B) tree {
			populateHost(b)
			wanted, n := hostSockets(b)
			b.Logf("/proc: %d fds, %d sockets", n, len(wanted))
			return tree{"/proc", wanted, n}
		},
	}
	for _, name := range []string{"synthetic", "proc"} {
		b.Run(name, func(b *testing.B) { benchTree(b, setup[name](b)) })
	}
	// The early stop: this process's own sockets are found once the PIDs
	// up to its own are read, and its children (higher PIDs) are skipped.
	b.Run("proc-own", func(b *testing.B) {
		populateHost(b)
		_, n := hostSockets(b)
		wanted := map[uint64]struct{}{}
		for range 100 {
			_, ino := socketPair(b)
			wanted[ino[0]] = struct{}{}
		}
		for _, all := range []bool{false, true} {
			b.Run(fmt.Sprintf("all=%v", all), func(b *testing.B) {
				s := New("")
				s.AllOwners = all
				benchScan(b, n, func() (Stats, error) {
					_, st, err := s.Scan(context.Background(), wanted)
					return st, err
				})
			})
		}
	})
}

func benchTree(b *testing.B, tr tree) {
	for _, all := range []bool{false, true} {
		for _, workers := range []int{1, 2, 4, 8} {
			b.Run(fmt.Sprintf("all=%v/workers=%d", all, workers), func(b *testing.B) {
				s := New(tr.root)
				s.AllOwners = all
				s.workers = workers
				benchScan(b, tr.fds, func() (Stats, error) {
					_, st, err := s.Scan(context.Background(), tr.wanted)
					return st, err
				})
			})
		}
	}
	// The obvious implementation, for comparison: os.ReadDir, os.Readlink,
	// strconv, one process at a time.
	b.Run("naive", func(b *testing.B) {
		benchScan(b, tr.fds, func() (Stats, error) { return naiveScan(tr.root, tr.wanted) })
	})
}

func benchScan(b *testing.B, fds int, scan func() (Stats, error)) {
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	procs := 0
	for b.Loop() {
		st, err := scan()
		if err != nil {
			b.Fatal(err)
		}
		procs += st.Processes
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	n := float64(b.N) * float64(fds)
	b.ReportMetric(float64(elapsed.Nanoseconds())/n, "ns/fd")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/fd")
	b.ReportMetric(float64(procs)/float64(b.N), "procs/op")
}

func naiveScan(root string, wanted map[uint64]struct{}) (Stats, error) {
	var st Stats
	pids, err := os.ReadDir(root)
	if err != nil {
		return st, err
	}
	owners := map[uint64][]Owner{}
	for _, p := range pids {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		st.Processes++
		dir := filepath.Join(root, p.Name(), "fd")
		ents, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		var name string
		for _, e := range ents {
			l, err := os.Readlink(filepath.Join(dir, e.Name()))
			if err != nil || !strings.HasPrefix(l, "socket:[") {
				continue
			}
			ino, err := strconv.ParseUint(strings.TrimSuffix(l[len("socket:["):], "]"), 10, 64)
			if err != nil {
				continue
			}
			st.Sockets++
			if _, ok := wanted[ino]; !ok {
				continue
			}
			if name == "" {
				c, _ := os.ReadFile(filepath.Join(root, p.Name(), "cmdline"))
				name = string(programName(c))
			}
			fd, _ := strconv.Atoi(e.Name())
			owners[ino] = append(owners[ino], Owner{pid, name, fd})
		}
	}
	return st, nil
}
