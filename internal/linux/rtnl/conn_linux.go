package rtnl

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// bufSize is the size of the reused receive buffer. The kernel sends one
// skb of at most 32 KiB per recvmsg during a dump; MSG_TRUNC turns a
// buffer that is too small anyway into an error rather than lost data.
const bufSize = 64 << 10

// Conn is a NETLINK_ROUTE socket with a reusable receive buffer.
type Conn struct {
	fd  int
	pid uint32
	seq uint32
	buf []byte
}

// Dial opens a NETLINK_ROUTE socket in the calling thread's network
// namespace.
func Dial() (*Conn, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("rtnetlink: socket: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("rtnetlink: bind: %w", err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("rtnetlink: getsockname: %w", err)
	}
	nl, ok := sa.(*unix.SockaddrNetlink)
	if !ok {
		unix.Close(fd)
		return nil, fmt.Errorf("rtnetlink: getsockname returned %T", sa)
	}
	return &Conn{fd: fd, pid: nl.Pid, buf: make([]byte, bufSize)}, nil
}

// Close releases the socket.
func (c *Conn) Close() error { return unix.Close(c.fd) }

// Dump sends an NLM_F_DUMP request of type typ with body (the fixed
// header of the request, such as an ifinfomsg or rtmsg) and calls fn with
// the type and payload of each reply until NLMSG_DONE. The payload aliases
// the receive buffer. After an error from fn the rest of the dump is read
// and dropped, and that error is returned. If the kernel flagged the dump
// inconsistent, everything is still delivered and ErrDumpInterrupted is
// returned.
func (c *Conn) Dump(typ uint16, body []byte, fn func(typ uint16, payload []byte) error) error {
	c.seq++
	req := make([]byte, HeaderLen+len(body))
	ne.PutUint32(req[0:4], uint32(len(req)))
	ne.PutUint16(req[4:6], typ)
	ne.PutUint16(req[6:8], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	ne.PutUint32(req[8:12], c.seq)
	copy(req[HeaderLen:], body)
	for {
		err := unix.Sendto(c.fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK})
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("rtnetlink: sendto: %w", err)
		}
		break
	}
	var fnErr error
	call := func(t uint16, p []byte) error {
		if fnErr == nil {
			fnErr = fn(t, p)
		}
		return nil
	}
	intr := false
	for {
		n, from, err := unix.Recvfrom(c.fd, c.buf, unix.MSG_TRUNC)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("rtnetlink: recvfrom: %w", err)
		}
		if n > len(c.buf) {
			return fmt.Errorf("rtnetlink: reply of %d bytes does not fit the %d-byte buffer", n, len(c.buf))
		}
		if sa, ok := from.(*unix.SockaddrNetlink); !ok || sa.Pid != 0 {
			continue // not from the kernel
		}
		done, i, err := Walk(c.buf[:n], c.seq, c.pid, call)
		intr = intr || i
		if err != nil {
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
