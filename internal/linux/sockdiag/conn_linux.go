package sockdiag

import (
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The transport is hand-written on raw system calls instead of using
// github.com/mdlayher/netlink: that library copies every received message
// into a freshly allocated []netlink.Message, and with 200 000 sockets those
// per-message allocations (and the GC work they cause) dominate the run
// time of a dump. Here each recv lands in one reusable buffer and the
// caller decodes the messages in place, so a whole dump allocates nothing.

// recvBufSize is the size of the reusable receive buffer. The kernel builds
// each dump batch in one skb of at most max(NLMSG_GOODSIZE, the largest
// buffer we have offered to recvmsg) capped at 32 KiB, and delivers exactly
// one skb per recvmsg, so 32 KiB already holds any batch. A larger buffer
// buys nothing (see BenchmarkDumpBufSize); 64 KiB leaves headroom should a
// future kernel raise the cap, and MSG_TRUNC detection turns a too-small
// buffer into an error instead of silent loss.
const recvBufSize = 64 << 10

// Conn is a NETLINK_SOCK_DIAG socket with a reusable receive buffer. It can
// run any number of sequential dumps but is not safe for concurrent use.
type Conn struct {
	fd     int
	pid    uint32 // our netlink port id, which the kernel echoes in replies
	buf    []byte
	err    error // sticky: set by Close or when the socket is unusable
	closed bool
	peer   unix.SockaddrNetlink
	// from and fromLen receive the sender address of each recvfrom; kept
	// in the Conn so that recv allocates nothing.
	from    unix.RawSockaddrNetlink
	fromLen uint32
}

// Dial opens a NETLINK_SOCK_DIAG socket. Sockets are listed from the network
// namespace of the calling thread at the time of the call.
func Dial() (*Conn, error) {
	c := &Conn{
		buf:  make([]byte, recvBufSize),
		peer: unix.SockaddrNetlink{Family: unix.AF_NETLINK}, // Pid 0: the kernel
	}
	if err := c.open(); err != nil {
		return nil, err
	}
	return c, nil
}

// open creates and binds the socket and learns its port id.
func (c *Conn) open() error {
	// SOCK_CLOEXEC so that a netstat that execs helpers (e.g. for name
	// resolution) does not leak the socket into them.
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, netlinkSockDiag)
	if err != nil {
		return fmt.Errorf("sock_diag: socket(AF_NETLINK, NETLINK_SOCK_DIAG): %w", err)
	}
	// Bind explicitly (port id 0 = let the kernel choose) so that
	// Getsockname can tell us the port id replies will carry.
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		unix.Close(fd)
		return fmt.Errorf("sock_diag: bind: %w", err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		return fmt.Errorf("sock_diag: getsockname: %w", err)
	}
	nl, ok := sa.(*unix.SockaddrNetlink)
	if !ok {
		unix.Close(fd)
		return fmt.Errorf("sock_diag: getsockname returned %T, want *unix.SockaddrNetlink", sa)
	}
	// Extended acks make the kernel explain errors in NLMSGERR_ATTR_MSG.
	// Old kernels lack the option; errors are still reported without it.
	_ = unix.SetsockoptInt(fd, unix.SOL_NETLINK, netlinkExtAck, 1)
	c.fd, c.pid = fd, nl.Pid
	return nil
}

// Close closes the socket. Dump fails after Close, and so does a second
// Close; both errors wrap os.ErrClosed.
func (c *Conn) Close() error {
	if c.closed {
		return fmt.Errorf("sock_diag: close: %w", os.ErrClosed)
	}
	c.closed = true
	c.err = fmt.Errorf("sock_diag: %w", os.ErrClosed)
	if c.fd < 0 {
		return nil // already closed by broken
	}
	fd := c.fd
	c.fd = -1
	if err := unix.Close(fd); err != nil {
		return fmt.Errorf("sock_diag: close: %w", err)
	}
	return nil
}

// Dump sends req (from InetRequest, InetRawRequest or UnixRequest) and calls
// fn with the payload of each SOCK_DIAG_BY_FAMILY reply until the kernel
// signals the end of the dump. The payload aliases the Conn's receive buffer
// and is only valid during the call; decode it with DecodeInet or
// DecodeUnix, which do not copy.
//
// If fn returns an error, Dump stops calling fn, reads and discards the
// rest of the dump (so that the Conn stays usable) and returns that error
// unchanged. A kernel error comes back as an *Error wrapping the errno: a
// protocol without a diag handler in this kernel (raw sockets without
// CONFIG_INET_RAW_DIAG, also ICMP, SCTP...) gives ENOENT, so callers fall
// back to /proc on errors.Is(err, syscall.ENOENT). If the kernel flagged the
// dump inconsistent, Dump still delivers everything and then returns
// ErrDumpInterrupted; the caller may retry.
//
// Only if the socket itself fails (recvfrom errors, replies that cannot be
// parsed or that answer another request) does the Conn become unusable;
// later Dumps then return that error and the caller should Close it and
// Dial again.
func (c *Conn) Dump(req []byte, fn func(payload []byte) error) error {
	if c.err != nil {
		return c.err
	}
	if len(req) < nlmsgHdrLen || ne.Uint32(req[0:4]) != uint32(len(req)) {
		return fmt.Errorf("sock_diag: request of %d bytes is not one netlink message", len(req))
	}
	if err := c.send(req); err != nil {
		// Nothing was queued, so the socket is still clean.
		return err
	}
	f := replyFilter{check: true, seq: ne.Uint32(req[8:12]), pid: c.pid}

	// Once fn fails we stop calling it but keep reading to NLMSG_DONE: the
	// kernel keeps the rest of the dump queued for this socket and refuses
	// a new dump on it (EBUSY) until the old one has been read. (Closing and
	// reopening the socket would be cheaper for a huge dump, but the new
	// socket would belong to the network namespace of whatever thread runs
	// the goroutine then, not necessarily the one Dial ran in.) Swallowing
	// the error inside the wrapper, rather than letting walk stop, matters:
	// NLMSG_DONE may sit later in the same batch, and stopping there would
	// leave us waiting for a reply that never comes.
	var fnErr error
	call := func(p []byte) error {
		if fnErr == nil {
			fnErr = fn(p)
		}
		return nil
	}
	intr := false
	for {
		n, err := c.recv()
		if err != nil {
			c.broken(err)
			return err
		}
		done, finished, err := walk(c.buf[:n], f, call)
		switch {
		case err == ErrDumpInterrupted:
			intr = true
		case err != nil && finished:
			// The kernel reported an error; it has nothing more to send.
			if fnErr != nil {
				return fnErr
			}
			return err
		case err != nil:
			// Unparseable or foreign replies: we cannot know what is still
			// queued, so the socket cannot be reused.
			c.broken(err)
			return err
		}
		if done {
			break
		}
	}
	if fnErr != nil {
		return fnErr
	}
	if intr {
		return ErrDumpInterrupted
	}
	return nil
}

func (c *Conn) send(req []byte) error {
	for {
		err := unix.Sendto(c.fd, req, 0, &c.peer)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("sock_diag: sendto: %w", err)
		}
		return nil
	}
}

// recv reads one batch of replies into c.buf and returns its length. It
// calls recvfrom directly rather than unix.Recvfrom, which allocates a
// Sockaddr on every call, and drops anything not sent by the kernel (port
// id 0).
func (c *Conn) recv() (int, error) {
	for {
		c.fromLen = unix.SizeofSockaddrNetlink
		// MSG_TRUNC makes recvfrom return the real length of the datagram
		// even if it did not fit, so truncation is detectable.
		r, _, errno := unix.Syscall6(unix.SYS_RECVFROM, uintptr(c.fd),
			uintptr(unsafe.Pointer(&c.buf[0])), uintptr(len(c.buf)), unix.MSG_TRUNC,
			uintptr(unsafe.Pointer(&c.from)), uintptr(unsafe.Pointer(&c.fromLen)))
		if errno == unix.EINTR {
			continue
		}
		if errno != 0 {
			return 0, fmt.Errorf("sock_diag: recvfrom: %w", errno)
		}
		n := int(r)
		if n > len(c.buf) {
			return 0, fmt.Errorf("sock_diag: reply of %d bytes does not fit the %d-byte buffer: %w", n, len(c.buf), ErrMalformed)
		}
		if c.from.Family != unix.AF_NETLINK || c.from.Pid != 0 {
			continue // not from the kernel
		}
		return n, nil
	}
}

// broken closes the socket after an error that leaves its state unknown;
// every later Dump returns err.
func (c *Conn) broken(err error) {
	unix.Close(c.fd)
	c.fd = -1
	c.err = fmt.Errorf("sock_diag: connection unusable after failed dump: %w", err)
}
