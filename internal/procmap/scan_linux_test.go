package procmap

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// proc describes one directory of a fixture /proc tree. readlink of a
// symlink in a real directory answers exactly as readlink of a
// /proc/PID/fd link does, so the scanner runs unchanged on these trees.
type proc struct {
	dir     string            // name under the root, usually a PID
	cmdline *string           // nil: no cmdline file
	fds     map[string]string // fd name → link target; nil: no fd directory
	files   []string          // fd names that are regular files, not links
}

func cmdline(args ...string) *string {
	s := strings.Join(args, "\x00")
	if len(args) > 0 {
		s += "\x00"
	}
	return &s
}

func buildTree(t testing.TB, procs []proc) string {
	t.Helper()
	root := t.TempDir()
	for _, p := range procs {
		dir := filepath.Join(root, p.dir)
		must(t, os.MkdirAll(dir, 0o755))
		if p.cmdline != nil {
			must(t, os.WriteFile(filepath.Join(dir, "cmdline"), []byte(*p.cmdline), 0o444))
		}
		if p.fds == nil && p.files == nil {
			continue
		}
		must(t, os.Mkdir(filepath.Join(dir, "fd"), 0o755))
		for fd, target := range p.fds {
			must(t, os.Symlink(target, filepath.Join(dir, "fd", fd)))
		}
		for _, fd := range p.files {
			must(t, os.WriteFile(filepath.Join(dir, "fd", fd), nil, 0o644))
		}
	}
	return root
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func set(inodes ...uint64) map[uint64]struct{} {
	m := make(map[uint64]struct{}, len(inodes))
	for _, ino := range inodes {
		m[ino] = struct{}{}
	}
	return m
}

func TestScanFixture(t *testing.T) {
	sock := func(n int) string { return fmt.Sprintf("socket:[%d]", n) }
	// A tree shared by several cases: what a small system looks like.
	system := []proc{
		{dir: "1", cmdline: cmdline("/sbin/init", "splash"), fds: map[string]string{
			"0": "/dev/null", "1": "/dev/null", "7": sock(9001), "8": "pipe:[9002]",
		}},
		{dir: "200", cmdline: cmdline("/usr/sbin/nginx", "-g", "daemon off;"), fds: map[string]string{
			"3": sock(9002), "4": sock(9003), "5": "anon_inode:[eventpoll]", "9": sock(9002),
		}},
		{dir: "300", cmdline: cmdline("nginx: worker process"), fds: map[string]string{
			"3": sock(9002), "4": sock(9003), "6": sock(9004),
		}},
		{dir: "400", cmdline: cmdline(""), fds: map[string]string{"3": sock(9005)}},
		{dir: "500", cmdline: cmdline("relative/bin/tool"), fds: map[string]string{"10": sock(9006), "11": sock(9999)}},
	}
	sys := func(extra ...proc) []proc { return append(append([]proc(nil), system...), extra...) }

	type tc struct {
		name    string
		procs   []proc
		wanted  map[uint64]struct{}
		all     bool
		hook    func(t testing.TB, root string) func(hookStage, int) error
		want    map[uint64][]Owner
		stats   Stats
		wantErr error
	}
	cases := []tc{
		{
			name:   "first owner only",
			procs:  sys(),
			wanted: set(9001, 9002, 9003, 9005, 9006, 424242),
			want: map[uint64][]Owner{
				9001: {{1, "init", 7}},
				9002: {{200, "nginx", 3}, {200, "nginx", 9}},
				9003: {{200, "nginx", 4}},
				9005: {{400, "", 3}},
				9006: {{500, "relative/bin/tool", 10}},
			},
			// 424242 has no owner, so every process is read.
			stats: Stats{Processes: 5, Sockets: 10},
		},
		{
			name:   "all owners",
			procs:  sys(),
			wanted: set(9002, 9003, 9004),
			all:    true,
			want: map[uint64][]Owner{
				9002: {{200, "nginx", 3}, {200, "nginx", 9}, {300, "nginx: worker process", 3}},
				9003: {{200, "nginx", 4}, {300, "nginx: worker process", 4}},
				9004: {{300, "nginx: worker process", 6}},
			},
			stats: Stats{Processes: 5, Sockets: 10},
		},
		{
			name:   "a pipe with a wanted number is not a socket",
			procs:  sys(),
			wanted: set(9002),
			want:   map[uint64][]Owner{9002: {{200, "nginx", 3}, {200, "nginx", 9}}},
			// Found in 200; with one worker, 300 is never read.
			stats: Stats{Processes: 2, Sockets: 4},
		},
		{
			name:   "nothing wanted, first owners: nothing read",
			procs:  sys(),
			wanted: set(),
			want:   map[uint64][]Owner{},
		},
		{
			name:   "nothing wanted, all owners: statistics of the whole tree",
			procs:  sys(),
			wanted: nil,
			all:    true,
			want:   map[uint64][]Owner{},
			stats:  Stats{Processes: 5, Sockets: 10},
		},
		{
			name: "entries that are not processes",
			procs: []proc{
				{dir: "self", cmdline: cmdline("self"), fds: map[string]string{"3": sock(1)}},
				{dir: "0100", cmdline: cmdline("zero"), fds: map[string]string{"3": sock(1)}},
				{dir: "12ab", cmdline: cmdline("hex"), fds: map[string]string{"3": sock(1)}},
				{dir: "net", cmdline: cmdline("net")},
				{dir: "0", cmdline: cmdline("swapper"), fds: map[string]string{"3": sock(1)}},
				{dir: "4294967296", cmdline: cmdline("big"), fds: map[string]string{"3": sock(1)}},
				{dir: "7", cmdline: cmdline("/bin/real"), fds: map[string]string{"3": sock(1)}},
			},
			wanted: set(1),
			all:    true,
			want:   map[uint64][]Owner{1: {{7, "real", 3}}},
			stats:  Stats{Processes: 1, Sockets: 1},
		},
		{
			name: "fd names and links that are skipped",
			procs: []proc{{dir: "9", cmdline: cmdline("x"), fds: map[string]string{
				"0":   sock(5),                                 // fd 0 is a valid fd
				"007": sock(5),                                 // not a kernel fd name
				"fd":  sock(5),                                 // nor this
				"12":  "socket:[5]" + strings.Repeat(" ", 100), // longer than the link buffer
				"13":  "/" + strings.Repeat("x", 200),          // a long path: read truncated
				"14":  "socket:[0005]",
				"15":  "[0000]:5",
			}, files: []string{"16"}}}, // readlink of a regular file: EINVAL
			wanted: set(5),
			want:   map[uint64][]Owner{5: {{9, "x", 0}, {9, "x", 15}}},
			stats:  Stats{Processes: 1, Sockets: 2},
		},
		{
			name:   "process without fd directory",
			procs:  sys(proc{dir: "50", cmdline: cmdline("zombie")}),
			wanted: set(9006),
			want:   map[uint64][]Owner{9006: {{500, "relative/bin/tool", 10}}},
			stats:  Stats{Processes: 6, Vanished: 1, Sockets: 10},
		},
		{
			name: "process without cmdline: no owner, as net-tools",
			procs: []proc{
				{dir: "10", fds: map[string]string{"3": sock(77)}},
				{dir: "20", cmdline: cmdline("second"), fds: map[string]string{"4": sock(77)}},
			},
			wanted: set(77),
			want:   map[uint64][]Owner{77: {{20, "second", 4}}},
			stats:  Stats{Processes: 2, Vanished: 1, Sockets: 2},
		},
		{
			name:   "denied fd directory is counted and skipped",
			procs:  sys(),
			wanted: set(9002),
			all:    true,
			hook: func(testing.TB, string) func(hookStage, int) error {
				return func(stage hookStage, pid int) error {
					if stage == hookOpen && pid == 200 {
						return unix.EACCES
					}
					return nil
				}
			},
			want:  map[uint64][]Owner{9002: {{300, "nginx: worker process", 3}}},
			stats: Stats{Processes: 5, Denied: 1, Sockets: 7},
		},
		{
			name:   "process gone between listing /proc and opening its fds",
			procs:  sys(),
			wanted: set(9002),
			all:    true,
			hook: func(t testing.TB, root string) func(hookStage, int) error {
				return func(stage hookStage, pid int) error {
					if stage == hookOpen && pid == 200 {
						return os.RemoveAll(filepath.Join(root, "200"))
					}
					return nil
				}
			},
			want:  map[uint64][]Owner{9002: {{300, "nginx: worker process", 3}}},
			stats: Stats{Processes: 5, Vanished: 1, Sockets: 7},
		},
		{
			name:   "process gone between reading its fds and its cmdline",
			procs:  sys(),
			wanted: set(9002),
			all:    true,
			hook: func(t testing.TB, root string) func(hookStage, int) error {
				return func(stage hookStage, pid int) error {
					if stage == hookName && pid == 200 {
						return os.RemoveAll(filepath.Join(root, "200"))
					}
					return nil
				}
			},
			want:  map[uint64][]Owner{9002: {{300, "nginx: worker process", 3}}},
			stats: Stats{Processes: 5, Vanished: 1, Sockets: 10},
		},
		{
			name:   "process denied or gone (ESRCH) as the kernel would say",
			procs:  sys(),
			wanted: set(9002),
			all:    true,
			hook: func(testing.TB, string) func(hookStage, int) error {
				return func(stage hookStage, pid int) error {
					switch {
					case stage == hookOpen && pid == 1:
						return unix.EPERM
					case stage == hookName && pid == 300:
						return unix.ESRCH
					}
					return nil
				}
			},
			want:  map[uint64][]Owner{9002: {{200, "nginx", 3}, {200, "nginx", 9}}},
			stats: Stats{Processes: 5, Denied: 1, Vanished: 1, Sockets: 9},
		},
		{
			name:   "running out of descriptors is an error, not a skip",
			procs:  sys(),
			wanted: set(9002),
			hook: func(testing.TB, string) func(hookStage, int) error {
				return func(stage hookStage, pid int) error {
					if pid == 300 {
						return unix.EMFILE
					}
					return nil
				}
			},
			all:     true,
			wantErr: unix.EMFILE,
		},
	}
	if os.Geteuid() != 0 {
		// Only without root does mode 000 deny anything; as root the
		// hook cases above stand in for it.
		cases = append(cases, tc{
			name:   "unreadable fd directory",
			procs:  sys(),
			wanted: set(9002),
			all:    true,
			hook: func(t testing.TB, root string) func(hookStage, int) error {
				fd := filepath.Join(root, "200", "fd")
				must(t, os.Chmod(fd, 0))
				t.Cleanup(func() { os.Chmod(fd, 0o755) })
				return nil
			},
			want:  map[uint64][]Owner{9002: {{300, "nginx: worker process", 3}}},
			stats: Stats{Processes: 5, Denied: 1, Sockets: 7},
		})
	}

	for _, c := range cases {
		for _, workers := range []int{1, 4} {
			t.Run(fmt.Sprintf("%s/workers=%d", c.name, workers), func(t *testing.T) {
				root := buildTree(t, c.procs)
				s := New(root)
				s.AllOwners = c.all
				s.workers = workers
				if c.hook != nil {
					s.hook = c.hook(t, root)
				}
				got, stats, err := s.Scan(context.Background(), c.wanted)
				if c.wantErr != nil {
					if !errors.Is(err, c.wantErr) || got != nil {
						t.Fatalf("Scan = %v, %v; want nil and an error matching %v", got, err, c.wantErr)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(c.want, got); diff != "" {
					t.Errorf("owners (-want +got):\n%s", diff)
				}
				// With several workers the early stop may read a few more
				// processes; the owners must not change.
				if workers == 1 || c.all || c.stats == (Stats{}) {
					if diff := cmp.Diff(c.stats, stats); diff != "" {
						t.Errorf("stats (-want +got):\n%s", diff)
					}
				}
			})
		}
	}
}

// The lowest PID must win even when the tree lists it last and other
// workers finish first: that is what net-tools prints on a real /proc,
// which lists PIDs in ascending order.
func TestScanFirstOwnerIsLowestPID(t *testing.T) {
	var procs []proc
	for pid := 1000; pid >= 10; pid -= 10 {
		fds := map[string]string{"3": "socket:[555]"}
		for fd := 4; fd < 8; fd++ {
			fds[fmt.Sprint(fd)] = "/dev/null"
		}
		procs = append(procs, proc{dir: fmt.Sprint(pid), cmdline: cmdline(fmt.Sprint("p", pid)), fds: fds})
	}
	root := buildTree(t, procs)
	for _, workers := range []int{1, 2, 8} {
		s := New(root)
		s.workers = workers
		for range 20 {
			got, _, err := s.Scan(context.Background(), set(555))
			if err != nil {
				t.Fatal(err)
			}
			if want := []Owner{{10, "p10", 3}}; !cmp.Equal(got[555], want) {
				t.Fatalf("workers=%d: owners %v, want %v", workers, got[555], want)
			}
		}
	}
}

func TestScanErrors(t *testing.T) {
	root := buildTree(t, []proc{{dir: "1", cmdline: cmdline("x"), fds: map[string]string{"3": "socket:[1]"}}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got, _, err := New(root).Scan(ctx, set(1)); !errors.Is(err, context.Canceled) || got != nil {
		t.Errorf("canceled: Scan = %v, %v", got, err)
	}
	// Canceled while reading: the scan stops and says so.
	var procs []proc
	for pid := 1; pid <= 50; pid++ {
		procs = append(procs, proc{dir: fmt.Sprint(pid), cmdline: cmdline("x"), fds: map[string]string{"3": "socket:[1]"}})
	}
	ctx, cancel = context.WithCancel(context.Background())
	s := New(buildTree(t, procs))
	s.AllOwners = true
	s.hook = func(_ hookStage, pid int) error {
		if pid == 10 {
			cancel()
		}
		return nil
	}
	if got, stats, err := s.Scan(ctx, set(1)); !errors.Is(err, context.Canceled) || got != nil {
		t.Errorf("canceled while reading: Scan = %v, %+v, %v", got, stats, err)
	}

	missing := filepath.Join(root, "missing")
	_, _, err := New(missing).Scan(context.Background(), set(1))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing root: error %v", err)
	}
	// The default root is the real /proc.
	if got := New("").root; got != "/proc" {
		t.Errorf(`New("").root = %q`, got)
	}
}
