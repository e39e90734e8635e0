package netns

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
)

// ErrNotSupported is wrapped by every error on systems without network
// namespaces.
var ErrNotSupported = errors.New("network namespaces: not supported on this system")

// ErrNotNetwork is wrapped by Open's error when the path names something
// other than a network namespace: a regular file (for example a name under
// /var/run/netns whose namespace is no longer mounted there), a directory,
// or the namespace file of another kind of namespace (/proc/PID/ns/mnt).
var ErrNotNetwork = errors.New("not a network namespace")

// DefaultDirs are the directories where named namespaces live: iproute2's
// `ip netns add NAME` bind-mounts the namespace at /var/run/netns/NAME. On
// most systems /var/run is a link to /run; a directory reached twice is read
// once.
var DefaultDirs = []string{"/var/run/netns", "/run/netns"}

// DefaultProc is where procfs is mounted.
const DefaultProc = "/proc"

// Namespace describes one network namespace.
type Namespace struct {
	// Dev and Inode identify the namespace: they are the device and inode
	// numbers of its nsfs file (stat -L /proc/PID/ns/net), the same for
	// every path that leads to it. Inode is the number in "net:[4026531840]".
	Dev   uint64
	Inode uint64
	// Name is the first of Names, or "" when the namespace has no name.
	Name string
	// Names are the entries of the netns directories (Finder.Dirs) that
	// lead to this namespace, sorted.
	Names []string
	// Path opens the namespace: DIR/Name when it has a name, else
	// PROC/PID/ns/net of its lowest PID (which is only as lasting as that
	// process), else the path it was opened by.
	Path string
	// PIDs are the processes in the namespace, sorted. Only All fills it;
	// it is empty for a namespace that only a name keeps alive.
	PIDs []int
}

// String returns the namespace's name, or "net:[INODE]" as the kernel's
// /proc/PID/ns/net link reads when it has none.
func (n Namespace) String() string {
	if n.Name != "" {
		return n.Name
	}
	return "net:[" + strconv.FormatUint(n.Inode, 10) + "]"
}

// Same reports whether n and o are the same namespace (by device and inode).
func (n Namespace) Same(o Namespace) bool { return n.Dev == o.Dev && n.Inode == o.Inode }

// Finder looks for namespaces in a procfs tree and in directories of named
// namespaces. Its zero value uses DefaultProc and DefaultDirs; the
// package-level functions use a zero Finder.
//
// The locations are paths rather than an fs.FS because namespaces are
// entered through real file descriptors and identified by real device and
// inode numbers.
type Finder struct {
	// Proc is where procfs is mounted; "" means DefaultProc. Handles
	// opened by this Finder also find there the namespace that Do returns
	// its thread to.
	Proc string
	// Dirs hold named namespaces, one file per name. Nil means
	// DefaultDirs; an empty, non-nil slice means no names at all.
	Dirs []string

	// stat replaces the stat(2) of /proc/PID/ns/net in tests.
	stat func(path string) (dev, ino uint64, err error)
}

func (f Finder) proc() string {
	if f.Proc == "" {
		return DefaultProc
	}
	return f.Proc
}

func (f Finder) dirs() []string {
	if f.Dirs == nil {
		return DefaultDirs
	}
	return f.Dirs
}

// Scan is what All found.
type Scan struct {
	// Namespaces are the distinct namespaces: the host's first, then by
	// inode. The host's is PID 1's; when PID 1's cannot be read, this
	// process's takes its place.
	Namespaces []Namespace
	// Unreadable counts the processes whose namespace could not be read:
	// reading /proc/PID/ns/net needs ptrace access, so in practice other
	// users' processes when not root, and, inside a container, processes
	// that even its root may not trace (its PID 1 can be one). Processes
	// that exited during the scan are not counted.
	Unreadable int
}

// Open opens the namespace named by spec, which is one of:
//
//   - a path to a namespace file, when spec contains a slash:
//     /proc/PID/ns/net, /var/run/netns/NAME, a bind mount anywhere;
//   - a name under one of the Dirs (no slash): "blue" is
//     /var/run/netns/blue;
//   - a PID, when spec is decimal and no name matches it: "1234" is
//     /proc/1234/ns/net. A name made of digits therefore wins over the PID;
//     write /proc/1234/ns/net to mean the process.
//
// An unknown name or PID gives an error for which errors.Is(err,
// fs.ErrNotExist) holds, a file that is not a network namespace one that
// wraps ErrNotNetwork, and a denied access one that matches
// os.ErrPermission (the namespace of another user's process cannot be opened
// without privilege). The Handle must be closed.
func (f Finder) Open(spec string) (*Handle, error) { return f.open(spec) }

// OpenNamespace opens a namespace that All or Current described, trying its
// Path, its names and its PIDs in turn and accepting only a file that is
// still the same namespace (a PID may have been reused meanwhile). When none
// is, the error matches fs.ErrNotExist.
func (f Finder) OpenNamespace(n Namespace) (*Handle, error) { return f.openNamespace(n) }

// Current describes the network namespace of the calling thread. Unless the
// goroutine is locked to its thread (runtime.LockOSThread) that is the
// namespace of whichever thread it ran on, which is the process's namespace
// except inside Handle.Do. PIDs is left empty.
func (f Finder) Current() (Namespace, error) { return f.current() }

// All lists every distinct network namespace that a process in Proc is in
// or that a name in Dirs leads to, each once (by device and inode), with its
// names and processes. Namespaces that only a thread, an open descriptor or a
// mount outside Dirs keeps alive are not found.
func (f Finder) All() (Scan, error) { return f.all() }

// Open is Finder.Open with the default locations.
func Open(spec string) (*Handle, error) { return Finder{}.Open(spec) }

// OpenNamespace is Finder.OpenNamespace with the default locations.
func OpenNamespace(n Namespace) (*Handle, error) { return Finder{}.OpenNamespace(n) }

// Current is Finder.Current with the default locations.
func Current() (Namespace, error) { return Finder{}.Current() }

// All is Finder.All with the default locations.
func All() (Scan, error) { return Finder{}.All() }

// Handle is an open network namespace. Its methods other than Do must not
// be called concurrently with each other or with Do; Do may run
// concurrently with itself.
type Handle struct {
	fd   int // -1 once closed
	ns   Namespace
	proc string
}

// Namespace describes the namespace the handle holds.
func (h *Handle) Namespace() Namespace { return h.ns }

// Do runs fn on a new goroutine whose OS thread has entered the namespace,
// waits for it, and returns fn's error. Only that thread moves; it moves
// back when fn ends (see the package documentation for what fn may rely on).
//
// If fn panics, Do restores the thread and then panics in the caller's
// goroutine with a *PanicError holding the value and fn's stack. If fn calls
// runtime.Goexit (t.FailNow does), Do restores the thread and calls
// runtime.Goexit in the caller's goroutine as well.
func (h *Handle) Do(fn func() error) error { return h.do(fn) }

// Close releases the handle. Closing twice is harmless.
func (h *Handle) Close() error { return h.close() }

// PanicError is the value Do panics with when fn panicked.
type PanicError struct {
	Value any    // what fn panicked with
	Stack []byte // fn's goroutine's stack at the panic
}

// Error returns the panic value and the stack of fn.
func (p *PanicError) Error() string {
	return fmt.Sprintf("panic in a network namespace: %v\n\n%s", p.Value, p.Stack)
}

// Unwrap returns the panic value when it is an error.
func (p *PanicError) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}

// notFound is an error that matches fs.ErrNotExist with its own wording.
type notFound string

func (e notFound) Error() string { return string(e) }

// Is makes errors.Is(err, fs.ErrNotExist) hold.
func (e notFound) Is(target error) bool { return target == fs.ErrNotExist }
