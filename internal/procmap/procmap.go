package procmap

import (
	"cmp"
	"context"
	"errors"
	"slices"
)

// ErrNotSupported is wrapped by the error Scan returns on systems without
// a /proc of Linux's layout.
var ErrNotSupported = errors.New("not supported")

// Owner is one open file descriptor that refers to a socket.
type Owner struct {
	// PID is the process (thread group) whose fd table holds the socket.
	PID int
	// Name is the program name net-tools netstat prints after "PID/": the
	// first argument of /proc/PID/cmdline as the first 511 bytes of that
	// file hold it, with everything up to its last '/' removed when it
	// starts with '/'. It is empty when cmdline is empty or starts with a
	// NUL (processes that cleared their arguments). The bytes are raw: they
	// may hold spaces, control characters and invalid UTF-8, and they are
	// not cut to the width of netstat's column (the package documentation
	// has both rules).
	Name string
	// FD is the descriptor's number in that process.
	FD int
}

// Stats counts what a Scan met. A process is one directory /proc/PID; its
// threads are not scanned separately (see doc.go).
type Stats struct {
	// Processes is how many process directories were scanned, including
	// the denied and vanished ones. Scan stops early unless AllOwners is
	// set, so this may be fewer than the system has.
	Processes int
	// Denied is how many processes' fd directories could not be opened or
	// listed for lack of permission (EACCES, EPERM): their sockets have no
	// known owner. net-tools prints a note when this is not zero.
	Denied int
	// Vanished is how many processes exited (or whose fd table or
	// cmdline disappeared) between the listing of /proc and the reading of
	// their files. Their sockets, if any were seen, are not reported.
	Vanished int
	// Sockets is how many descriptors referring to any socket, wanted or
	// not, were read. net-tools chooses between its two notes by whether
	// it found any socket at all (see the package documentation).
	Sockets int
}

// Scanner maps socket inodes to the processes holding them open. It keeps
// no state between scans, so each Scan sees the system as it is then.
// A Scanner may be used by several goroutines at once.
type Scanner struct {
	root string

	// AllOwners makes Scan read every process and return every owner of
	// each wanted socket. Without it Scan stops as soon as each wanted
	// socket has an owner and returns, for each socket, only the
	// descriptors of its lowest-PID owner: the owner net-tools prints.
	// Set it before the first Scan; filters on PIDs or program names need
	// it, since a socket shared after fork belongs to all its holders.
	AllOwners bool

	// PIDs, when not empty, limits the scan to these processes (--pid):
	// only their fd tables are read, however many processes exist.
	PIDs []int

	// workers is how many goroutines read /proc; 0 means the default.
	// Tests and benchmarks set it.
	workers int
	// hook, when set by tests, runs before a process's fd directory is
	// opened (stage hookOpen) and before its cmdline is (hookName). A
	// non-nil error is treated as if the system call had returned it, and
	// the hook may also change a fixture tree to stage a race.
	hook func(stage hookStage, pid int) error
}

type hookStage int

const (
	hookOpen hookStage = iota
	hookName
)

// New returns a Scanner reading the proc file system mounted at procRoot,
// "" meaning "/proc". The directory is not opened until Scan.
func New(procRoot string) *Scanner {
	if procRoot == "" {
		procRoot = "/proc"
	}
	return &Scanner{root: procRoot}
}

// Scan finds the owners of the wanted socket inodes by reading the fd
// links of the processes under the Scanner's root, in ascending PID order,
// several processes at a time.
//
// The result maps each wanted inode that some process holds to its owners,
// ordered by PID and then FD; so owners[0] is always the one net-tools
// netstat prints. Inodes nobody holds (sockets of other PID namespaces, of
// the kernel, or already closed) are absent. Without AllOwners, only the
// lowest-PID owner's descriptors are listed and the scan ends as soon as
// every wanted inode is found; with an empty wanted set it then reads
// nothing at all and returns zero Stats.
//
// wanted is only read (by several goroutines at once) and must not change
// during the call. Processes that cannot be read are skipped and counted
// in Stats, never an error. Scan fails only when the root cannot be
// listed, on errors that make the answer unreliable (such as running out
// of file descriptors or memory), or when ctx ends; the map is then nil.
func (s *Scanner) Scan(ctx context.Context, wanted map[uint64]struct{}) (map[uint64][]Owner, Stats, error) {
	if err := ctx.Err(); err != nil {
		return nil, Stats{}, err
	}
	return s.scan(ctx, wanted)
}

// found is one owner of one wanted inode, as a worker records it.
type found struct {
	inode uint64
	owner Owner
}

// assemble groups what the workers found by inode and orders each group by
// PID and FD. Unless all is set it keeps only the lowest PID's owners:
// workers may also have read higher PIDs that were in flight when the last
// wanted inode turned up, and the result must not depend on timing. All
// the groups share one backing array, so the result costs two allocations
// (and the map's), not one per inode.
func assemble(parts [][]found, all bool) map[uint64][]Owner {
	var fs []found
	if len(parts) == 1 {
		fs = parts[0]
	} else {
		fs = slices.Concat(parts...)
	}
	slices.SortFunc(fs, func(a, b found) int {
		return cmp.Or(cmp.Compare(a.inode, b.inode),
			cmp.Compare(a.owner.PID, b.owner.PID), cmp.Compare(a.owner.FD, b.owner.FD))
	})
	owners := make([]Owner, len(fs))
	for i := range fs {
		owners[i] = fs[i].owner
	}
	groups := 0
	for i := range fs {
		if i == 0 || fs[i].inode != fs[i-1].inode {
			groups++
		}
	}
	res := make(map[uint64][]Owner, groups)
	for i := 0; i < len(fs); {
		j := i + 1
		for j < len(fs) && fs[j].inode == fs[i].inode && (all || fs[j].owner.PID == fs[i].owner.PID) {
			j++
		}
		res[fs[i].inode] = owners[i:j:j]
		for j < len(fs) && fs[j].inode == fs[i].inode {
			j++ // higher PIDs, dropped without all
		}
		i = j
	}
	return res
}
