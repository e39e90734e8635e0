package procmap

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// socketPair opens a connected pair of UNIX stream sockets (no network is
// involved) and returns their fds and inodes. They stay open until the
// test ends.
func socketPair(t testing.TB) (fds [2]int, inodes [2]uint64) {
	t.Helper()
	p, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, fd := range p {
		t.Cleanup(func() { unix.Close(fd) })
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			t.Fatal(err)
		}
		fds[i], inodes[i] = fd, st.Ino
	}
	return fds, inodes
}

// selfName is the name the scanner should give this test binary.
func selfName(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("/proc/self/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	name := string(programName(b))
	if filepath.IsAbs(os.Args[0]) && name != filepath.Base(os.Args[0]) {
		t.Fatalf("own name %q, want %q", name, filepath.Base(os.Args[0]))
	}
	return name
}

func needProc(t testing.TB) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skipf("no /proc: %v", err)
	}
}

// TestScanKernel reads the real /proc: sockets of this process and of a
// child that inherited one of them.
func TestScanKernel(t *testing.T) {
	needProc(t)
	fds, inodes := socketPair(t)

	// A socket that existed and was closed: nobody owns its inode.
	p, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(p[0], &st); err != nil {
		t.Fatal(err)
	}
	closed := st.Ino
	unix.Close(p[0])
	unix.Close(p[1])

	// The child inherits fds[1] as its fd 3 while this process keeps it
	// too: the socket has two owners, as after fork. The os.File gets a
	// duplicate, closed once the child runs: an os.File left to the
	// garbage collector would close its fd number later, by then perhaps
	// another test's socket.
	dup, err := unix.FcntlInt(uintptr(fds[1]), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	shared := os.NewFile(uintptr(dup), "shared")
	cmd := exec.Command("sleep", "60")
	cmd.ExtraFiles = []*os.File{shared}
	// Start returns once the child has executed sleep, so its cmdline
	// already says "sleep".
	err = cmd.Start()
	shared.Close()
	if err != nil {
		t.Skipf("cannot start sleep: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	self, child := os.Getpid(), cmd.Process.Pid
	name := selfName(t)

	owners := []Owner{{self, name, fds[1]}, {child, "sleep", 3}}
	slices.SortFunc(owners, func(a, b Owner) int { return a.PID - b.PID })
	for _, all := range []bool{false, true} {
		s := New("")
		s.AllOwners = all
		got, stats, err := s.Scan(context.Background(), set(inodes[0], inodes[1], closed, 1<<62))
		if err != nil {
			t.Fatal(err)
		}
		want := map[uint64][]Owner{
			inodes[0]: {{self, name, fds[0]}},
			inodes[1]: owners,
		}
		if !all {
			want[inodes[1]] = owners[:1] // the lowest PID, as net-tools
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("AllOwners=%v: owners (-want +got):\n%s", all, diff)
		}
		// Unowned inodes are wanted, so every process is read either way.
		if stats.Processes < 2 || stats.Sockets < 3 {
			t.Errorf("AllOwners=%v: stats %+v", all, stats)
		}
		if os.Geteuid() == 0 && stats.Denied != 0 {
			t.Errorf("AllOwners=%v: root was denied: %+v", all, stats)
		}
	}

	// PIDs limits the scan to the named processes: the child alone owns
	// the shared socket there, and this process's sockets are not seen.
	s := New("")
	s.AllOwners = true
	s.PIDs = []int{child, 1 << 30} // the second does not exist
	got, stats, err := s.Scan(context.Background(), set(inodes[0], inodes[1]))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[uint64][]Owner{inodes[1]: {{child, "sleep", 3}}}, got); diff != "" {
		t.Errorf("PIDs: owners (-want +got):\n%s", diff)
	}
	if stats.Processes != 2 || stats.Vanished != 1 {
		t.Errorf("PIDs: stats %+v, want 2 processes, 1 vanished", stats)
	}
}

// A process with more fds than one getdents batch holds (32 KiB, about
// 1 300 entries) is read whole.
func TestScanKernelManyFDs(t *testing.T) {
	needProc(t)
	const pairs = 1500
	wanted := map[uint64]struct{}{}
	want := map[uint64][]Owner{}
	name := selfName(t)
	for range pairs {
		fds, inodes := socketPair(t)
		for i := range fds {
			wanted[inodes[i]] = struct{}{}
			want[inodes[i]] = []Owner{{os.Getpid(), name, fds[i]}}
		}
	}
	for _, all := range []bool{false, true} {
		s := New("")
		s.AllOwners = all
		got, stats, err := s.Scan(context.Background(), wanted)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("AllOwners=%v: owners (-want +got):\n%s", all, diff)
		}
		if stats.Sockets < 2*pairs {
			t.Errorf("AllOwners=%v: stats %+v", all, stats)
		}
	}
}

// TestScanKernelNotRoot checks the permission path on the real kernel: run
// as root, it runs itself again as nobody.
func TestScanKernelNotRoot(t *testing.T) {
	needProc(t)
	if os.Geteuid() == 0 {
		if os.Getenv("PROCMAP_TEST_CHILD") != "" {
			t.Fatal("still root in the child")
		}
		runAsNobody(t, "^TestScanKernelNotRoot$")
		return
	}
	fds, inodes := socketPair(t)
	name := selfName(t)
	s := New("")
	s.AllOwners = true
	got, stats, err := s.Scan(context.Background(), set(inodes[0]))
	if err != nil {
		t.Fatal(err)
	}
	want := map[uint64][]Owner{inodes[0]: {{os.Getpid(), name, fds[0]}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("owners (-want +got):\n%s", diff)
	}
	// Processes of other users cannot be read; PID 1 is usually one.
	var st unix.Stat_t
	if unix.Stat("/proc/1", &st) == nil && int(st.Uid) != os.Geteuid() && stats.Denied == 0 {
		t.Errorf("PID 1 belongs to uid %d, yet nothing was denied: %+v", st.Uid, stats)
	}
	t.Logf("as uid %d: %+v", os.Geteuid(), stats)
}

// runAsNobody runs the tests matching pattern in a copy of this test
// binary as user and group 65534, and fails if they fail.
func runAsNobody(t *testing.T, pattern string) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	// The go tool's build directory is private to root: copy the binary
	// where nobody may execute it.
	dir, err := os.MkdirTemp("", "procmap")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	must(t, os.Chmod(dir, 0o755))
	bin, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(dir, filepath.Base(exe))
	must(t, os.WriteFile(copyPath, bin, 0o755))

	cmd := exec.Command(copyPath, "-test.run="+pattern, "-test.v", "-test.count=1")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PROCMAP_TEST_CHILD=1", "TMPDIR="+os.TempDir())
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534, Groups: []uint32{}}}
	out, err := cmd.CombinedOutput()
	t.Logf("as nobody:\n%s", out)
	if err != nil {
		t.Fatalf("as nobody: %v", err)
	}
	if !strings.Contains(string(out), "--- PASS: ") {
		t.Fatal("as nobody: no test ran")
	}
}
