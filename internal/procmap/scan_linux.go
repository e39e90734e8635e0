//go:build linux

package procmap

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// workersPerCPU scales the pool. Nearly all of a scan is spent in the
// kernel (readlinkat, getdents, openat: 95% of the CPU profile), which
// runs on the CPU (procfs has no I/O to wait for), so the pool need not be
// much larger than GOMAXPROCS. BenchmarkScan/proc on 2 CPUs (270
// processes, 5 500 fds), over several runs: 1 worker 4.3-5.6 µs per fd,
// 2 workers 2.6-3.5, 4 workers 2.4-3.1 (the fastest and steadiest),
// 8 workers 2.7-3.7; the naive os.ReadDir/os.Readlink loop 5.9-7.2.
const workersPerCPU = 2

// Buffer sizes. A getdents buffer of 32 KiB holds about 1 300 fd entries,
// so most processes are listed in one call. A socket's link is at most
// "socket:[18446744073709551615]" (29 bytes); a longer target is read
// truncated and is then not a socket.
const (
	dentsSize = 32 << 10
	linkSize  = 64
)

// scanState is what the workers share. PIDs are handed out in ascending
// order through next, which is what makes the early stop exact: when the
// last wanted inode is found, every lower PID has already been handed out,
// and the workers finish what they hold before returning.
type scanState struct {
	root   string
	rootfd int
	wanted map[uint64]struct{}
	all    bool
	hook   func(hookStage, int) error
	done   <-chan struct{}
	pids   []int
	next   atomic.Int64
	stop   atomic.Bool

	mu        sync.Mutex
	seen      map[uint64]struct{} // wanted inodes with an owner so far (only without all)
	remaining int                 // len(wanted) - len(seen)
	err       error               // the first fatal error
}

// worker holds one goroutine's buffers, reused for every process and fd
// so that a scan allocates per owner found, not per fd read.
type worker struct {
	st      *scanState
	path    [24]byte // "PID/fd\0"
	link    [linkSize]byte
	cmdline [cmdlineMax]byte
	matches []match
	found   []found
	stats   Stats
	dents   []byte
}

// match is a wanted inode seen in the process being read.
type match struct {
	inode uint64
	fd    int
}

func (s *Scanner) scan(ctx context.Context, wanted map[uint64]struct{}) (map[uint64][]Owner, Stats, error) {
	if len(wanted) == 0 && !s.AllOwners {
		return map[uint64][]Owner{}, Stats{}, nil // everything wanted is found
	}
	rootfd, err := open(unix.AT_FDCWD, s.root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC)
	if err != nil {
		return nil, Stats{}, fmt.Errorf("procmap: %w", &os.PathError{Op: "open", Path: s.root, Err: err})
	}
	defer unix.Close(rootfd)
	var pids []int
	if len(s.PIDs) > 0 {
		// A process that does not exist is found missing like any
		// vanished one.
		pids = slices.Clone(s.PIDs)
	} else if pids, err = listPIDs(rootfd, make([]byte, dentsSize)); err != nil {
		return nil, Stats{}, fmt.Errorf("procmap: %w", &os.PathError{Op: "getdents", Path: s.root, Err: err})
	}
	// /proc lists PIDs in ascending order; a fixture tree may not.
	if !slices.IsSorted(pids) {
		slices.Sort(pids)
	}

	st := &scanState{
		root: s.root, rootfd: rootfd, wanted: wanted, all: s.AllOwners, hook: s.hook,
		done: ctx.Done(), pids: pids, remaining: len(wanted),
	}
	if !st.all {
		st.seen = make(map[uint64]struct{}, len(wanted))
	}
	n := s.workers
	if n <= 0 {
		n = workersPerCPU * runtime.GOMAXPROCS(0)
	}
	n = max(1, min(n, len(pids)))
	// Allocated one by one, so that no two workers' counters, updated
	// for every fd, share a cache line.
	workers := make([]*worker, n)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{st: st, dents: make([]byte, dentsSize)}
		workers[i] = w
		wg.Go(w.run)
	}
	wg.Wait()

	if st.err != nil {
		return nil, Stats{}, st.err
	}
	if err := ctx.Err(); err != nil {
		return nil, Stats{}, err
	}
	var stats Stats
	parts := make([][]found, len(workers))
	for i, w := range workers {
		stats.Processes += w.stats.Processes
		stats.Denied += w.stats.Denied
		stats.Vanished += w.stats.Vanished
		stats.Sockets += w.stats.Sockets
		parts[i] = w.found
	}
	return assemble(parts, st.all), stats, nil
}

func (w *worker) run() {
	st := w.st
	for !st.stop.Load() {
		select {
		case <-st.done:
			st.stop.Store(true)
			return
		default:
		}
		i := st.next.Add(1) - 1
		if i >= int64(len(st.pids)) {
			return
		}
		if err := w.process(st.pids[i]); err != nil {
			st.fail(err)
			return
		}
	}
}

func (st *scanState) fail(err error) {
	st.mu.Lock()
	if st.err == nil {
		st.err = err
	}
	st.mu.Unlock()
	st.stop.Store(true)
}

// outcome sorts the errors that reading a process can meet: a process
// that is gone or going, one we may not read, and everything else, which
// ends the scan because skipping it could silently hide owners (EMFILE,
// ENOMEM and the like).
type outcome int

const (
	fatal outcome = iota
	vanished
	denied
)

func classify(err error) outcome {
	switch {
	case errors.Is(err, unix.ENOENT), errors.Is(err, unix.ESRCH), errors.Is(err, unix.ENOTDIR):
		// ENOTDIR: the PID's directory was replaced by something else,
		// which only happens in fixture trees.
		return vanished
	case errors.Is(err, unix.EACCES), errors.Is(err, unix.EPERM):
		return denied
	}
	return fatal
}

// skip counts a process that could not be read and says whether the scan
// may go on. The path for the error is built only when it is needed, so
// that skipping (hundreds of processes for a user other than root) does
// not allocate.
func (w *worker) skip(op string, pid int, file string, err error) error {
	switch classify(err) {
	case vanished:
		w.stats.Vanished++
		return nil
	case denied:
		w.stats.Denied++
		return nil
	}
	path := filepath.Join(w.st.root, strconv.Itoa(pid), file)
	return fmt.Errorf("procmap: %w", &os.PathError{Op: op, Path: path, Err: err})
}

// process reads the fd table of one process and, if it holds a wanted
// socket, its name.
func (w *worker) process(pid int) error {
	st := w.st
	w.stats.Processes++
	p := strconv.AppendInt(w.path[:0], int64(pid), 10)
	p = append(p, "/fd\x00"...)
	if st.hook != nil {
		if err := st.hook(hookOpen, pid); err != nil {
			return w.skip("open", pid, "fd", err)
		}
	}
	dirfd, err := openBytes(st.rootfd, p, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC)
	if err != nil {
		return w.skip("open", pid, "fd", err)
	}
	defer unix.Close(dirfd)

	w.matches = w.matches[:0]
	for {
		n, err := getdents(dirfd, w.dents)
		if err != nil {
			return w.skip("getdents", pid, "fd", err)
		}
		if n == 0 {
			break
		}
		// A short batch is not the end: getdents also stops early when a
		// signal is pending (filldir64), so only 0 ends the listing.
		w.readLinks(dirfd, w.dents[:n])
	}
	if len(w.matches) == 0 {
		return nil
	}

	if st.hook != nil {
		if err := st.hook(hookName, pid); err != nil {
			return w.skip("open", pid, "cmdline", err)
		}
	}
	name, err := w.readName(dirfd)
	if err != nil {
		// net-tools shows no owner when cmdline cannot be read either.
		return w.skip("read", pid, "cmdline", err)
	}
	for _, m := range w.matches {
		w.found = append(w.found, found{m.inode, Owner{PID: pid, Name: name, FD: m.fd}})
	}
	if !st.all {
		st.mu.Lock()
		for _, m := range w.matches {
			if _, ok := st.seen[m.inode]; !ok {
				st.seen[m.inode] = struct{}{}
				st.remaining--
			}
		}
		if st.remaining == 0 {
			st.stop.Store(true)
		}
		st.mu.Unlock()
	}
	return nil
}

// readLinks reads the link of every fd in one getdents batch of a
// process's fd directory. Errors are per fd and skip only that fd: the fd
// was closed since the listing (ENOENT), or the process turned
// undumpable, for example by executing a set-user-ID program (EACCES).
// net-tools does the same and prints no note for the latter.
func (w *worker) readLinks(dirfd int, buf []byte) {
	for len(buf) >= direntNameOff {
		reclen := int(binary.NativeEndian.Uint16(buf[direntReclenOff:]))
		if reclen < direntNameOff || reclen > len(buf) {
			return // cannot happen with a real kernel; do not loop forever
		}
		rec := buf[:reclen]
		buf = buf[reclen:]
		name := rec[direntNameOff:]
		nul := indexNUL(name)
		if nul < 0 {
			continue
		}
		fd, ok := parseDecimal(name[:nul], true) // skips "." and ".."
		if !ok || fd >= 1<<31 {
			continue
		}
		// The name is NUL-terminated in place, so it is passed to the
		// kernel without a copy.
		n, err := readlinkat(dirfd, &name[0], w.link[:])
		if err != nil || n >= len(w.link) {
			continue
		}
		inode, ok := parseSocketLink(w.link[:n])
		if !ok {
			continue
		}
		w.stats.Sockets++
		if _, ok := w.st.wanted[inode]; ok {
			w.matches = append(w.matches, match{inode, int(fd)})
		}
	}
}

func indexNUL(b []byte) int {
	for i, c := range b {
		if c == 0 {
			return i
		}
	}
	return -1
}

// readName reads the start of cmdline through the fd directory already
// open: "../cmdline" resolves against the same /proc/PID directory the fd
// table was read from, which belongs to that process and not to a later
// one reusing its PID (whose cmdline the kernel would not serve through
// it; it answers ENOENT).
var cmdlinePath = []byte("../cmdline\x00")

func (w *worker) readName(dirfd int) (string, error) {
	fd, err := openBytes(dirfd, cmdlinePath, unix.O_RDONLY|unix.O_CLOEXEC)
	if err != nil {
		return "", err
	}
	defer unix.Close(fd)
	n := 0
	for n < len(w.cmdline) {
		m, err := read(fd, w.cmdline[n:])
		if err != nil {
			return "", err
		}
		if m == 0 {
			break
		}
		if indexNUL(w.cmdline[n:n+m]) >= 0 {
			n += m
			break
		}
		n += m
	}
	return string(programName(w.cmdline[:n])), nil
}

// listPIDs returns the numeric entries of /proc: one per thread group
// (threads are listed only under /proc/PID/task).
func listPIDs(rootfd int, buf []byte) ([]int, error) {
	pids := make([]int, 0, 1024)
	for {
		n, err := getdents(rootfd, buf)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return pids, nil
		}
		for b := buf[:n]; len(b) >= direntNameOff; {
			reclen := int(binary.NativeEndian.Uint16(b[direntReclenOff:]))
			if reclen < direntNameOff || reclen > len(b) {
				break
			}
			name := b[direntNameOff:reclen]
			b = b[reclen:]
			if nul := indexNUL(name); nul >= 0 {
				if pid, ok := parseDecimal(name[:nul], false); ok && pid <= 1<<31-1 {
					pids = append(pids, int(pid))
				}
			}
		}
	}
}

// Layout of struct linux_dirent64: d_ino (8 bytes), d_off (8), d_reclen
// (2), d_type (1), then the NUL-terminated name.
const (
	direntReclenOff = 16
	direntNameOff   = 19
)

// The system-call wrappers below take NUL-terminated byte slices, because
// x/sys/unix's string versions copy every path to add the NUL, and they
// retry EINTR (the Go runtime's preemption signals can interrupt a call).

func open(dirfd int, path string, flags int) (int, error) {
	for {
		fd, err := unix.Openat(dirfd, path, flags, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

func openBytes(dirfd int, path []byte, flags int) (int, error) {
	for {
		r, _, e := unix.Syscall6(unix.SYS_OPENAT, uintptr(dirfd), uintptr(unsafe.Pointer(&path[0])), uintptr(flags), 0, 0, 0)
		if e == 0 {
			return int(r), nil
		}
		if e != unix.EINTR {
			return -1, e
		}
	}
}

func readlinkat(dirfd int, name *byte, buf []byte) (int, error) {
	for {
		r, _, e := unix.Syscall6(unix.SYS_READLINKAT, uintptr(dirfd), uintptr(unsafe.Pointer(name)), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0, 0)
		if e == 0 {
			return int(r), nil
		}
		if e != unix.EINTR {
			return 0, e
		}
	}
}

func getdents(fd int, buf []byte) (int, error) {
	for {
		n, err := unix.Getdents(fd, buf)
		if err != unix.EINTR {
			return n, err
		}
	}
}

func read(fd int, buf []byte) (int, error) {
	for {
		n, err := unix.Read(fd, buf)
		if err != unix.EINTR {
			return n, err
		}
	}
}
