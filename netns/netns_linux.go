package netns

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// nsKey identifies a namespace: nsfs device and inode.
type nsKey struct{ dev, ino uint64 }

func (n Namespace) key() nsKey { return nsKey{n.Dev, n.Inode} }

func (f Finder) open(spec string) (*Handle, error) {
	if strings.Contains(spec, "/") {
		return f.openNamed(spec)
	}
	if spec == "" || spec == "." || spec == ".." {
		return nil, fmt.Errorf("netns: %q is neither a name, a path nor a PID", spec)
	}
	for _, dir := range f.dirs() {
		h, err := f.openNamed(filepath.Join(dir, spec))
		if !errors.Is(err, fs.ErrNotExist) {
			return h, err
		}
	}
	if pid, ok := parsePID(spec); ok {
		h, err := f.openNamed(f.pidPath(pid))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, notFound(fmt.Sprintf("netns: no process %d", pid))
		}
		return h, err
	}
	return nil, notFound(fmt.Sprintf("netns: no network namespace named %q in %s",
		spec, strings.Join(f.dirs(), " or ")))
}

// openNamed opens path and names the namespace from the netns directories.
func (f Finder) openNamed(path string) (*Handle, error) {
	h, err := f.openFile(path)
	if err != nil {
		return nil, err
	}
	names, _ := f.readNames() // names are a courtesy here, not a reason to fail
	h.ns.setNames(names[h.ns.key()])
	return h, nil
}

func (f Finder) openNamespace(n Namespace) (*Handle, error) {
	var paths []string
	if n.Path != "" {
		paths = append(paths, n.Path)
	}
	for _, name := range n.Names {
		for _, dir := range f.dirs() {
			paths = append(paths, filepath.Join(dir, name))
		}
	}
	for _, pid := range n.PIDs {
		paths = append(paths, f.pidPath(pid))
	}
	var firstErr error
	for _, p := range paths {
		h, err := f.openFile(p)
		if err != nil {
			if firstErr == nil && !errors.Is(err, fs.ErrNotExist) {
				firstErr = err
			}
			continue
		}
		if h.ns.Same(n) {
			h.ns = n
			return h, nil
		}
		h.Close()
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return nil, notFound(fmt.Sprintf("netns: %s no longer exists (no path leads to it)", n))
}

// openFile opens a namespace file and checks that it is a network namespace.
func (f Finder) openFile(path string) (*Handle, error) {
	// Look before opening: opening a FIFO or a device could block or act.
	var sfs unix.Statfs_t
	if err := unix.Statfs(path, &sfs); err != nil {
		return nil, pathError("statfs", path, err)
	}
	if uint32(sfs.Type) != unix.NSFS_MAGIC {
		return nil, fmt.Errorf("netns: %s: %w", path, ErrNotNetwork)
	}
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, pathError("open", path, err)
	}
	key, err := checkFD(fd, path)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	return &Handle{fd: fd, proc: f.proc(), ns: Namespace{Dev: key.dev, Inode: key.ino, Path: path}}, nil
}

// checkFD makes sure fd is a network namespace (the file may have changed
// since it was looked at) and returns its identity.
func checkFD(fd int, path string) (nsKey, error) {
	var sfs unix.Statfs_t
	if err := unix.Fstatfs(fd, &sfs); err != nil {
		return nsKey{}, pathError("fstatfs", path, err)
	}
	if uint32(sfs.Type) != unix.NSFS_MAGIC {
		return nsKey{}, fmt.Errorf("netns: %s: %w", path, ErrNotNetwork)
	}
	// NS_GET_NSTYPE exists since Linux 4.11; older kernels answer ENOTTY and
	// are trusted, as setns(fd, CLONE_NEWNET) still refuses other kinds.
	if t, err := unix.IoctlRetInt(fd, unix.NS_GET_NSTYPE); err == nil && t != unix.CLONE_NEWNET {
		return nsKey{}, fmt.Errorf("netns: %s is %s namespace: %w", path, kindName(t), ErrNotNetwork)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nsKey{}, pathError("fstat", path, err)
	}
	return nsKey{uint64(st.Dev), st.Ino}, nil
}

func kindName(t int) string {
	switch t {
	case unix.CLONE_NEWNS:
		return "a mount"
	case unix.CLONE_NEWUTS:
		return "a UTS"
	case unix.CLONE_NEWIPC:
		return "an IPC"
	case unix.CLONE_NEWUSER:
		return "a user"
	case unix.CLONE_NEWPID:
		return "a PID"
	case unix.CLONE_NEWCGROUP:
		return "a cgroup"
	case unix.CLONE_NEWTIME:
		return "a time"
	}
	return "another kind of"
}

func (f Finder) current() (Namespace, error) {
	// Both system calls must see the same thread.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	path := f.threadPath()
	key, err := statKey(path)
	if err != nil {
		return Namespace{}, pathError("stat", path, err)
	}
	n := Namespace{Dev: key.dev, Inode: key.ino, Path: path}
	names, _ := f.readNames()
	n.setNames(names[key])
	return n, nil
}

// threadPath is the calling thread's namespace file. It names the thread by
// number rather than /proc/thread-self, which needs Linux 3.17.
func (f Finder) threadPath() string {
	return fmt.Sprintf("%s/%d/task/%d/ns/net", f.proc(), unix.Getpid(), unix.Gettid())
}

func (f Finder) pidPath(pid int) string {
	return f.proc() + "/" + strconv.Itoa(pid) + "/ns/net"
}

// setNames attaches the names of a namespace (sorted) and makes the first
// one's file its Path.
func (n *Namespace) setNames(names []named) {
	if len(names) == 0 {
		return
	}
	n.Names = make([]string, len(names))
	for i, nm := range names {
		n.Names[i] = nm.name
	}
	n.Name, n.Path = names[0].name, names[0].path
}

func (h *Handle) close() error {
	if h == nil || h.fd < 0 {
		return nil
	}
	err := unix.Close(h.fd)
	h.fd = -1
	if err != nil {
		return fmt.Errorf("netns: close %s: %w", h.ns.Path, err)
	}
	return nil
}

func statKey(path string) (nsKey, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return nsKey{}, err
	}
	return nsKey{uint64(st.Dev), st.Ino}, nil
}

// parsePID accepts what procfs names a process directory: a positive decimal
// number without leading zeros.
func parsePID(s string) (int, bool) {
	if s == "" || len(s) > 10 || s[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	pid, err := strconv.Atoi(s)
	if err != nil || pid > 1<<31-1 {
		return 0, false
	}
	return pid, true
}

func pathError(op, path string, err error) error {
	return fmt.Errorf("netns: %w", &os.PathError{Op: op, Path: path, Err: err})
}
