package netns

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// named is one entry of a netns directory.
type named struct{ name, path string }

func (f Finder) all() (Scan, error) {
	names, err := f.readNames()
	if err != nil {
		return Scan{}, err
	}
	proc := f.proc()
	d, err := os.Open(proc)
	if err != nil {
		return Scan{}, fmt.Errorf("netns: %w", err)
	}
	entries, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return Scan{}, fmt.Errorf("netns: %w", err)
	}

	nsfs, nsfsErr := statKey(filepath.Join(proc, "self", "ns", "net"))
	var scan Scan
	byKey := make(map[nsKey]*Namespace)
	host, hostKnown := nsKey{}, false
	for _, e := range entries {
		pid, ok := parsePID(e)
		if !ok {
			continue
		}
		key, err := f.pidKey(f.pidPath(pid), nsfs.dev, nsfsErr == nil)
		switch {
		case errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ESRCH):
			continue // exited (a zombie has no namespaces either)
		case err != nil:
			scan.Unreadable++
			continue
		}
		n := byKey[key]
		if n == nil {
			n = &Namespace{Dev: key.dev, Inode: key.ino}
			byKey[key] = n
		}
		n.PIDs = append(n.PIDs, pid)
		if pid == 1 {
			host, hostKnown = key, true
		}
	}
	if !hostKnown && nsfsErr == nil {
		host, hostKnown = nsfs, true
	}
	for key, nms := range names {
		n := byKey[key]
		if n == nil {
			n = &Namespace{Dev: key.dev, Inode: key.ino}
			byKey[key] = n
		}
		n.setNames(nms)
	}

	scan.Namespaces = make([]Namespace, 0, len(byKey))
	for _, n := range byKey {
		slices.Sort(n.PIDs)
		if n.Path == "" && len(n.PIDs) > 0 {
			n.Path = f.pidPath(n.PIDs[0])
		}
		scan.Namespaces = append(scan.Namespaces, *n)
	}
	slices.SortFunc(scan.Namespaces, func(a, b Namespace) int {
		ah, bh := hostKnown && a.key() == host, hostKnown && b.key() == host
		switch {
		case ah && !bh:
			return -1
		case bh && !ah:
			return 1
		case a.Inode != b.Inode:
			return cmp.Compare(a.Inode, b.Inode)
		}
		return cmp.Compare(a.Dev, b.Dev)
	})
	return scan, nil
}

// pidKey identifies the namespace of a process from its ns/net link.
// readlink(2) of it ("net:[INODE]") costs about half the stat(2) that would
// follow it; the device is nsfs's, one for every namespace, so it is taken
// once (dev) from this process's link. Anything else, such as a test tree
// made of ordinary symbolic links, is stat'ed.
func (f Finder) pidKey(path string, dev uint64, devKnown bool) (nsKey, error) {
	if f.stat != nil {
		dev, ino, err := f.stat(path)
		return nsKey{dev, ino}, err
	}
	if devKnown {
		var buf [64]byte
		n, err := unix.Readlink(path, buf[:])
		if err != nil {
			return nsKey{}, err
		}
		if ino, ok := parseNetLink(buf[:n]); ok {
			return nsKey{dev, ino}, nil
		}
	}
	return statKey(path)
}

// parseNetLink reads the target of a /proc/PID/ns/net link: "net:[INODE]".
func parseNetLink(b []byte) (uint64, bool) {
	s, ok := strings.CutPrefix(string(b), "net:[")
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, "]")
	if !ok || s == "" || s[0] == '+' {
		return 0, false
	}
	ino, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, false
	}
	return ino, true
}

// readNames reads the netns directories: which names lead to which
// namespace, each name's list sorted. Missing or unreadable directories have
// no names; entries that are not network namespaces (a name whose mount is
// gone leaves an empty file) are skipped.
func (f Finder) readNames() (map[nsKey][]named, error) {
	out := make(map[nsKey][]named)
	seenDirs := make(map[nsKey]bool)
	for _, dir := range f.dirs() {
		key, err := statKey(dir)
		if err != nil {
			if ignoreDirError(err) {
				continue
			}
			return nil, pathError("stat", dir, err)
		}
		if seenDirs[key] {
			continue // /var/run is usually /run
		}
		seenDirs[key] = true
		entries, err := os.ReadDir(dir)
		if err != nil {
			if ignoreDirError(err) {
				continue
			}
			return nil, fmt.Errorf("netns: %w", err)
		}
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			key, ok := netFileKey(p)
			if !ok || slices.ContainsFunc(out[key], func(n named) bool { return n.name == e.Name() }) {
				continue
			}
			out[key] = append(out[key], named{e.Name(), p})
		}
	}
	for _, nms := range out {
		slices.SortFunc(nms, func(a, b named) int { return cmp.Compare(a.name, b.name) })
	}
	return out, nil
}

func ignoreDirError(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) || errors.Is(err, unix.ENOTDIR)
}

// netFileKey reports whether path is a network namespace and its identity,
// without needing read permission on it (iproute2 creates names with mode
// 0): its kind is checked only where it can be opened.
func netFileKey(path string) (nsKey, bool) {
	var sfs unix.Statfs_t
	if err := unix.Statfs(path, &sfs); err != nil || uint32(sfs.Type) != unix.NSFS_MAGIC {
		return nsKey{}, false
	}
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		key, err := statKey(path)
		return key, err == nil
	}
	defer unix.Close(fd)
	key, err := checkFD(fd, path)
	return key, err == nil
}
