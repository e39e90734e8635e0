package netns

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// named namespace made for a test, with a process in it that listens on
// loopback.
type testNetns struct {
	name string
	key  nsKey
	pid  int // the listener process; 0 for a name-only namespace
	port int // its TCP port on 127.0.0.1
}

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create and enter network namespaces")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs iproute2's ip to name namespaces")
	}
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// newNamed creates a namespace under /var/run/netns, deleted when the test
// ends; with listener, a process in it holds a TCP listener on loopback.
func newNamed(t *testing.T, listener bool) *testNetns {
	t.Helper()
	needRoot(t)
	ns := &testNetns{name: fmt.Sprintf("nstest-%d-%08x", os.Getpid(), rand.Uint32())}
	run(t, "ip", "netns", "add", ns.name)
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", ns.name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v: %s", ns.name, err, out)
		}
	})
	key, err := statKey(filepath.Join("/var/run/netns", ns.name))
	if err != nil {
		t.Fatal(err)
	}
	ns.key = key
	if !listener {
		return ns
	}
	run(t, "ip", "-n", ns.name, "link", "set", "lo", "up")
	// The process ends when its standard input closes.
	const script = `import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
print(os.getpid(), s.getsockname()[1], flush=True)
sys.stdin.read()
`
	cmd := exec.Command("ip", "netns", "exec", ns.name, "python3", "-c", script)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("listener in %s: %v", ns.name, err)
	}
	if _, err := fmt.Sscan(line, &ns.pid, &ns.port); err != nil {
		t.Fatalf("listener in %s said %q: %v", ns.name, line, err)
	}
	return ns
}

// hostKey is the namespace All puts first: PID 1's, else this process's.
func hostKey(t *testing.T) nsKey {
	t.Helper()
	if key, err := statKey("/proc/1/ns/net"); err == nil {
		return key
	}
	key, err := statKey("/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// checkThreads fails unless every thread of this process is in the
// namespace key.
func checkThreads(t *testing.T, key nsKey) {
	t.Helper()
	tids, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	for _, tid := range tids {
		got, err := statKey(filepath.Join("/proc/self/task", tid.Name(), "ns/net"))
		if errors.Is(err, fs.ErrNotExist) {
			continue // the thread ended
		}
		if err != nil {
			t.Fatal(err)
		}
		if got != key {
			t.Errorf("thread %s is in net:[%d], want net:[%d]", tid.Name(), got.ino, key.ino)
		}
	}
}

func TestOpenSpecs(t *testing.T) {
	a, b := newNamed(t, true), newNamed(t, true)
	if a.key == b.key {
		t.Fatalf("two new namespaces are both net:[%d]", a.key.ino)
	}
	for _, ns := range []*testNetns{a, b} {
		for _, spec := range []string{
			ns.name,
			"/var/run/netns/" + ns.name,
			"/run/netns/" + ns.name,
			strconv.Itoa(ns.pid),
			fmt.Sprintf("/proc/%d/ns/net", ns.pid),
		} {
			t.Run(spec, func(t *testing.T) {
				h, err := Open(spec)
				if err != nil {
					t.Fatal(err)
				}
				defer h.Close()
				want := Namespace{
					Dev: ns.key.dev, Inode: ns.key.ino, Name: ns.name, Names: []string{ns.name},
					Path: "/var/run/netns/" + ns.name,
				}
				if diff := cmp.Diff(want, h.Namespace()); diff != "" {
					t.Errorf("Open(%q).Namespace() (-want +got):\n%s", spec, diff)
				}
			})
		}
	}
}

// A name made of digits wins over the process of that number.
func TestOpenNumericName(t *testing.T) {
	a := newNamed(t, false)
	dir := t.TempDir()
	self := strconv.Itoa(os.Getpid())
	if err := os.Symlink("/var/run/netns/"+a.name, filepath.Join(dir, self)); err != nil {
		t.Fatal(err)
	}
	f := Finder{Dirs: []string{dir}}
	h, err := f.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if got := h.Namespace(); got.key() != a.key || got.Name != self {
		t.Errorf("Open(%q) = %s (%d), want the name's namespace %d", self, got, got.Inode, a.key.ino)
	}
}

func TestDo(t *testing.T) {
	a := newNamed(t, true)
	host := hostKeyOfSelf(t)
	checkThreads(t, host)
	h, err := Open(a.name)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()

	var ln net.Listener
	var inside nsKey
	var procNet string
	err = h.Do(func() error {
		var err error
		if inside, err = statKey("/proc/thread-self/ns/net"); err != nil {
			return err
		}
		b, err := os.ReadFile("/proc/thread-self/net/tcp")
		if err != nil {
			return err
		}
		procNet = string(b)
		ln, err = net.Listen("tcp", "127.0.0.1:0")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if inside != a.key {
		t.Errorf("inside Do the thread is in net:[%d], want net:[%d]", inside.ino, a.key.ino)
	}
	// The listener process's socket, seen through the thread's /proc view.
	if want := fmt.Sprintf(":%04X 00000000:0000 0A", a.port); !strings.Contains(procNet, want) {
		t.Errorf("/proc/thread-self/net/tcp inside Do lacks the namespace's listener (%q):\n%s", want, procNet)
	}
	checkThreads(t, host)
	if cur, err := Current(); err != nil || cur.key() != host {
		t.Errorf("Current() after Do = %d, %v; want %d", cur.Inode, err, host.ino)
	}

	addr := ln.Addr().String()
	if !listening(t, run(t, "ip", "netns", "exec", a.name, "ss", "-Htln"), addr) {
		t.Errorf("listener %s opened in Do is not in namespace %s", addr, a.name)
	}
	if listening(t, run(t, "ss", "-Htln"), addr) {
		t.Errorf("listener %s opened in Do is in this process's namespace", addr)
	}
}

// hostKeyOfSelf is the namespace of this process's main thread.
func hostKeyOfSelf(t *testing.T) nsKey {
	t.Helper()
	key, err := statKey("/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// listening reports whether ss -Htln output has a listener on addr.
func listening(t *testing.T, ssOut, addr string) bool {
	t.Helper()
	for line := range strings.Lines(ssOut) {
		if f := strings.Fields(line); len(f) >= 4 && f[3] == addr {
			return true
		}
	}
	return false
}

func TestDoEndings(t *testing.T) {
	a := newNamed(t, false)
	host := hostKeyOfSelf(t)
	h, err := Open(a.name)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	errBoom := errors.New("boom")

	t.Run("error", func(t *testing.T) {
		if err := h.Do(func() error { return errBoom }); err != errBoom {
			t.Errorf("Do = %v, want %v", err, errBoom)
		}
		checkThreads(t, host)
	})
	for _, v := range []any{"boom", errBoom, nil} {
		t.Run(fmt.Sprintf("panic %v", v), func(t *testing.T) {
			got := func() (r any) {
				defer func() { r = recover() }()
				h.Do(func() error { panic(v) })
				return "no panic"
			}()
			pe, ok := got.(*PanicError)
			if !ok {
				t.Fatalf("Do panicked with %T %v, want a *PanicError", got, got)
			}
			if v == nil {
				var pn *runtime.PanicNilError
				if _, ok := pe.Value.(*runtime.PanicNilError); !ok {
					t.Errorf("PanicError.Value = %T, want %T", pe.Value, pn)
				}
			} else if pe.Value != v {
				t.Errorf("PanicError.Value = %v, want %v", pe.Value, v)
			}
			if v == errBoom && !errors.Is(pe, errBoom) {
				t.Errorf("errors.Is(%v, errBoom) = false", pe)
			}
			if !strings.Contains(string(pe.Stack), "TestDoEndings") {
				t.Errorf("PanicError.Stack does not show the function that panicked:\n%s", pe.Stack)
			}
			checkThreads(t, host)
		})
	}
	t.Run("goexit", func(t *testing.T) {
		returned := false
		done := make(chan struct{})
		go func() {
			defer close(done)
			h.Do(func() error { runtime.Goexit(); return nil })
			returned = true
		}()
		<-done
		if returned {
			t.Error("Do returned after fn called runtime.Goexit")
		}
		checkThreads(t, host)
	})
}

// Do runs concurrently with itself, each call in its own thread.
func TestDoConcurrent(t *testing.T) {
	a, b := newNamed(t, false), newNamed(t, false)
	host := hostKeyOfSelf(t)
	var wg sync.WaitGroup
	for _, ns := range []*testNetns{a, b, a, b, a, b} {
		h, err := Open(ns.name)
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		wg.Go(func() {
			for range 20 {
				err := h.Do(func() error {
					got, err := statKey("/proc/thread-self/ns/net")
					if err == nil && got != ns.key {
						err = fmt.Errorf("in net:[%d], want net:[%d]", got.ino, ns.key.ino)
					}
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	checkThreads(t, host)
}

func TestDoClosed(t *testing.T) {
	a := newNamed(t, false)
	h, err := Open(a.name)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	if err := h.Do(func() error { return nil }); !errors.Is(err, os.ErrClosed) {
		t.Errorf("Do after Close = %v, want os.ErrClosed", err)
	}
}

func TestAll(t *testing.T) {
	a, b := newNamed(t, true), newNamed(t, true)
	c := newNamed(t, false) // kept alive by its name only
	scan, err := All()
	if err != nil {
		t.Fatal(err)
	}
	if len(scan.Namespaces) == 0 || scan.Namespaces[0].key() != hostKey(t) {
		t.Fatalf("All()[0] = %v, want the host's namespace net:[%d]", scan.Namespaces, hostKey(t).ino)
	}
	seen := make(map[nsKey]bool)
	for i, n := range scan.Namespaces {
		if seen[n.key()] {
			t.Errorf("net:[%d] listed twice", n.Inode)
		}
		seen[n.key()] = true
		if i > 1 && n.Inode < scan.Namespaces[i-1].Inode {
			t.Errorf("net:[%d] after net:[%d]: not sorted by inode", n.Inode, scan.Namespaces[i-1].Inode)
		}
		if !slices.IsSorted(n.PIDs) {
			t.Errorf("net:[%d] PIDs %v not sorted", n.Inode, n.PIDs)
		}
	}
	find := func(key nsKey) Namespace {
		for _, n := range scan.Namespaces {
			if n.key() == key {
				return n
			}
		}
		t.Fatalf("All() lacks net:[%d]", key.ino)
		return Namespace{}
	}
	for _, ns := range []*testNetns{a, b} {
		got := find(ns.key)
		if got.Name != ns.name || !slices.Equal(got.Names, []string{ns.name}) || !slices.Contains(got.PIDs, ns.pid) {
			t.Errorf("All() has %+v, want name %s and PID %d", got, ns.name, ns.pid)
		}
		// The namespace can be opened again from what All said.
		h, err := OpenNamespace(got)
		if err != nil {
			t.Fatal(err)
		}
		h.Close()
	}
	want := Namespace{Dev: c.key.dev, Inode: c.key.ino, Name: c.name, Names: []string{c.name}, Path: "/var/run/netns/" + c.name}
	if diff := cmp.Diff(want, find(c.key)); diff != "" {
		t.Errorf("name-only namespace (-want +got):\n%s", diff)
	}
	if host := find(hostKeyOfSelf(t)); !slices.Contains(host.PIDs, os.Getpid()) {
		t.Errorf("this process (%d) is not among its namespace's PIDs %v", os.Getpid(), host.PIDs)
	}
}

func TestOpenNamespaceGone(t *testing.T) {
	self, err := Current()
	if err != nil {
		t.Fatal(err)
	}
	gone := self
	gone.Inode++ // a namespace file elsewhere cannot be this one
	_, err = OpenNamespace(gone)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("OpenNamespace(%d) = %v, want fs.ErrNotExist", gone.Inode, err)
	}
	h, err := OpenNamespace(self)
	if err != nil {
		t.Fatalf("OpenNamespace(Current()) = %v", err)
	}
	h.Close()
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "stale")
	if err := os.WriteFile(regular, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	f := Finder{Dirs: []string{dir}}
	tests := []struct {
		spec string
		is   error // nil: any error
		text string
	}{
		{"", nil, `"" is neither`},
		{"..", nil, `".." is neither`},
		{"no-such-namespace", fs.ErrNotExist, `no network namespace named "no-such-namespace" in ` + dir},
		{"stale", ErrNotNetwork, "stale: not a network namespace"}, // a name whose mount is gone
		{regular, ErrNotNetwork, "stale: not a network namespace"},
		{dir, ErrNotNetwork, "not a network namespace"},
		{"/proc/self/ns/mnt", ErrNotNetwork, "is a mount namespace"},
		{"/no/such/file", fs.ErrNotExist, "no such file"},
		{"4194305", fs.ErrNotExist, "no process 4194305"}, // above the largest pid_max
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			h, err := f.Open(tt.spec)
			if err == nil {
				h.Close()
				t.Fatalf("Open(%q) succeeded", tt.spec)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("Open(%q) = %v, want one matching %v", tt.spec, err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("Open(%q) = %q, want it to say %q", tt.spec, err, tt.text)
			}
		})
	}
}

func TestCurrent(t *testing.T) {
	got, err := Current()
	if err != nil {
		t.Fatal(err)
	}
	if want := hostKeyOfSelf(t); got.key() != want {
		t.Errorf("Current() = net:[%d], want net:[%d]", got.Inode, want.ino)
	}
	// Path opens it.
	h, err := Open(got.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if !h.Namespace().Same(got) {
		t.Errorf("Open(%s) = %d, want %d", got.Path, h.Namespace().Inode, got.Inode)
	}
}

// allFake is a procfs tree whose processes all point at this process's
// namespace, with a stat that denies some of them.
func TestAllFakeProc(t *testing.T) {
	self := hostKeyOfSelf(t)
	root := t.TempDir()
	proc, dir := filepath.Join(root, "proc"), filepath.Join(root, "netns")
	for _, pid := range []string{"1", "20", "300", "4000"} {
		mkdirs(t, filepath.Join(proc, pid, "ns"))
		symlink(t, "/proc/self/ns/net", filepath.Join(proc, pid, "ns", "net"))
	}
	mkdirs(t, filepath.Join(proc, "55"))          // exited: no ns/net
	mkdirs(t, filepath.Join(proc, "sys", "net"))  // not a process
	mkdirs(t, filepath.Join(proc, "0123", "ns"))  // not how procfs names a PID
	mkdirs(t, filepath.Join(dir, "subdirectory")) // not a namespace
	symlink(t, "/proc/self/ns/net", filepath.Join(dir, "b"))
	symlink(t, "/proc/self/ns/net", filepath.Join(dir, "a"))
	if err := os.WriteFile(filepath.Join(dir, "stale"), nil, 0); err != nil {
		t.Fatal(err)
	}
	f := Finder{Proc: proc, Dirs: []string{dir, dir}}
	f.stat = func(path string) (uint64, uint64, error) {
		if strings.Contains(path, "/4000/") {
			return 0, 0, &os.PathError{Op: "stat", Path: path, Err: os.ErrPermission}
		}
		key, err := statKey(path)
		return key.dev, key.ino, err
	}
	got, err := f.All()
	if err != nil {
		t.Fatal(err)
	}
	want := Scan{
		Namespaces: []Namespace{{
			Dev: self.dev, Inode: self.ino, Name: "a", Names: []string{"a", "b"},
			Path: filepath.Join(dir, "a"), PIDs: []int{1, 20, 300},
		}},
		Unreadable: 1,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("All() (-want +got):\n%s", diff)
	}
}

func mkdirs(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(path, 0o755); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, path string) {
	t.Helper()
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
}

func TestParsePID(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"1", 1, true},
		{"4194304", 4194304, true},
		{"0", 0, false},
		{"0123", 0, false},
		{"", 0, false},
		{"-1", 0, false},
		{"12a", 0, false},
		{"self", 0, false},
		{"99999999999", 0, false},
		{"2147483648", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parsePID(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("parsePID(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// Entering even one's own namespace needs CAP_SYS_ADMIN.
func TestDoPrivilege(t *testing.T) {
	h, err := Open("/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	err = h.Do(func() error { return nil })
	switch {
	case os.Geteuid() == 0 && err != nil:
		t.Errorf("Do as root = %v", err)
	case os.Geteuid() != 0 && !errors.Is(err, os.ErrPermission):
		t.Errorf("Do as uid %d = %v, want os.ErrPermission", os.Geteuid(), err)
	}
	checkThreads(t, hostKeyOfSelf(t))
}

func TestParseNetLink(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"net:[4026531840]", 4026531840, true},
		{"net:[0]", 0, true},
		{"net:[]", 0, false},
		{"net:[+1]", 0, false},
		{"net:[-1]", 0, false},
		{"net:[18446744073709551616]", 0, false},
		{"mnt:[4026531841]", 0, false},
		{"net:[4026531840", 0, false},
		{"/proc/self/ns/net", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseNetLink([]byte(tt.in))
			if got != tt.want || ok != tt.ok {
				t.Errorf("parseNetLink(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}
