package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Netlink and inet_diag constants (linux/netlink.h, linux/sock_diag.h,
// linux/inet_diag.h).
const (
	sockDiagByFamily = 20
	nlmsgHdrLen      = 16
	reqV2Len         = 56
	inetDiagBytecode = 1 // INET_DIAG_REQ_BYTECODE
	bcSEq            = 11
	diagInodeOff     = 68 // inode in struct inet_diag_msg
	// tcpStates is every TCP state netstat lists, TCP_ESTABLISHED (1) to
	// TCP_NEW_SYN_RECV (12). Not TCP_BOUND_INACTIVE (13, Linux 6.5):
	// /proc/net/tcp never shows bound, unconnected sockets, and asking for
	// them makes the kernel walk the whole bind hash as well.
	tcpStates = 0x1ffe
	// recvBufLen is more than the 32 KiB the kernel puts in one dump
	// batch once it has seen a receive that large.
	recvBufLen = 64 << 10
)

func main() {
	procs := flag.Bool("procs", false, "also scan /proc/*/fd for the dumped sockets' owners")
	sport := flag.Int("sport", -1, "ask the kernel only for sockets with this local `port`")
	flag.Parse()
	var inodes map[uint32]struct{}
	if *procs {
		inodes = make(map[uint32]struct{}, 1<<12)
	}
	n := 0
	for _, family := range []uint8{unix.AF_INET, unix.AF_INET6} {
		c, err := dump(family, *sport, inodes)
		if err != nil {
			fmt.Fprintln(os.Stderr, "floor:", err)
			os.Exit(1)
		}
		n += c
	}
	fmt.Printf("sockets %d\n", n)
	if *procs {
		fmt.Printf("owned %d\n", scan(inodes, 2))
	}
}

// dump counts TCP sockets of one family over sock_diag, recording their
// inodes when inodes is not nil, and only those with local port sport
// when sport >= 0.
func dump(family uint8, sport int, inodes map[uint32]struct{}) (int, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	if err != nil {
		return 0, fmt.Errorf("netlink socket: %w", err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return 0, fmt.Errorf("netlink bind: %w", err)
	}
	req := make([]byte, nlmsgHdrLen+reqV2Len, nlmsgHdrLen+reqV2Len+12)
	ne := binary.NativeEndian
	ne.PutUint16(req[4:], sockDiagByFamily)
	ne.PutUint16(req[6:], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	ne.PutUint32(req[8:], 1)
	p := req[nlmsgHdrLen:]
	p[0], p[1] = family, unix.IPPROTO_TCP
	ne.PutUint32(p[4:], tcpStates)
	if sport >= 0 {
		// rtattr, then {S_EQ, yes: 8, no: 12 (past the end: reject)},
		// {0, 0, port}.
		req = append(req, 12, 0, inetDiagBytecode, 0, bcSEq, 8, 12, 0, 0, 0, 0, 0)
		ne.PutUint16(req[len(req)-2:], uint16(sport))
	}
	ne.PutUint32(req[0:], uint32(len(req)))
	if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return 0, fmt.Errorf("netlink send: %w", err)
	}
	buf := make([]byte, recvBufLen)
	count := 0
	for {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err != nil {
			return count, fmt.Errorf("netlink recv: %w", err)
		}
		b := buf[:n]
		for len(b) >= nlmsgHdrLen {
			l := int(ne.Uint32(b))
			if l < nlmsgHdrLen || l > len(b) {
				return count, errors.New("netlink: truncated message")
			}
			switch ne.Uint16(b[4:]) {
			case unix.NLMSG_DONE:
				return count, nil
			case unix.NLMSG_ERROR:
				if l >= nlmsgHdrLen+4 {
					if e := int32(ne.Uint32(b[nlmsgHdrLen:])); e != 0 {
						return count, fmt.Errorf("netlink: %w", unix.Errno(-e))
					}
				}
				return count, errors.New("netlink: error message")
			}
			count++
			if inodes != nil && l >= nlmsgHdrLen+diagInodeOff+4 {
				inodes[ne.Uint32(b[nlmsgHdrLen+diagInodeOff:])] = struct{}{}
			}
			b = b[(l+3)&^3:]
		}
	}
}

// scan walks /proc/*/fd with workers goroutines and counts descriptors
// that are sockets in inodes. The map is only read, so it is shared.
func scan(inodes map[uint32]struct{}, workers int) int {
	proc, err := os.Open("/proc")
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	names, err := proc.Readdirnames(-1)
	proc.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	pids := names[:0]
	for _, n := range names {
		if n[0] >= '0' && n[0] <= '9' {
			pids = append(pids, n)
		}
	}
	var next atomic.Int64
	var owned atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dents := make([]byte, 32<<10)
			link := make([]byte, 64)
			path := make([]byte, 0, 32)
			found := 0
			for {
				i := int(next.Add(1)) - 1
				if i >= len(pids) {
					break
				}
				path = append(append(append(path[:0], "/proc/"...), pids[i]...), "/fd\x00"...)
				found += scanFDs(path, dents, link, inodes)
			}
			owned.Add(int64(found))
		}()
	}
	wg.Wait()
	return int(owned.Load())
}

// atFDCWD is AT_FDCWD (-100) as a syscall argument.
var atFDCWD = ^uintptr(99)

// scanFDs reads one fd directory (path NUL-terminated) with getdents and
// readlinkat, passing the NUL-terminated names straight from the dirent
// buffer to the kernel.
func scanFDs(path, dents, link []byte, inodes map[uint32]struct{}) int {
	dfd, _, errno := unix.Syscall6(unix.SYS_OPENAT, atFDCWD, uintptr(unsafe.Pointer(&path[0])),
		unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0, 0, 0)
	if errno != 0 {
		return 0 // vanished or not ours
	}
	defer unix.Close(int(dfd))
	found := 0
	for {
		n, err := unix.Getdents(int(dfd), dents)
		if err != nil || n <= 0 {
			return found
		}
		for off := 0; off+19 < n; {
			reclen := int(binary.NativeEndian.Uint16(dents[off+16:]))
			if reclen == 0 || off+reclen > n {
				break
			}
			name := dents[off+19 : off+reclen]
			off += reclen
			if name[0] == '.' {
				continue
			}
			l, _, errno := unix.Syscall6(unix.SYS_READLINKAT, dfd, uintptr(unsafe.Pointer(&name[0])),
				uintptr(unsafe.Pointer(&link[0])), uintptr(len(link)), 0, 0)
			if errno != 0 {
				continue
			}
			ino, ok := socketInode(link[:l])
			if !ok {
				continue
			}
			if _, ok := inodes[ino]; ok {
				found++
			}
		}
	}
}

// socketInode parses "socket:[12345]".
func socketInode(l []byte) (uint32, bool) {
	const prefix = "socket:["
	if len(l) < len(prefix)+2 || string(l[:len(prefix)]) != prefix || l[len(l)-1] != ']' {
		return 0, false
	}
	v, err := strconv.ParseUint(string(l[len(prefix):len(l)-1]), 10, 32)
	return uint32(v), err == nil
}
