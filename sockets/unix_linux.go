package sockets

import (
	"fmt"
	"strings"

	"github.com/netstat-go/netstat/internal/linux/procfs"
	"github.com/netstat-go/netstat/internal/linux/sockdiag"
)

func (b *linuxBackend) walkUnix(q *Query, fn func(*Socket) error) error {
	c, err := b.diag()
	if err != nil {
		return err
	}
	if c != nil {
		err := b.diagUnix(c, q, fn)
		if err == nil {
			return nil
		}
		if !notServed(err) || b.cfg.Source == Netlink {
			return fmt.Errorf("sock_diag unix dump: %w", err)
		}
	}
	return b.procUnix(q, fn)
}

// diagUnix lists UNIX sockets from unix_diag. Two things net-tools shows are
// not in a unix_diag record and are derived here:
//
//   - RefCnt. A socket in the kernel's table holds two references (its file
//     and the table); each socket whose peer it is adds one. So RefCnt is 2
//     plus the number of sockets naming it as peer.
//   - Connections waiting in a listener's backlog ("embryos"). unix_diag
//     skips sockets without an inode, but a listener's UNIX_DIAG_ICONS names
//     the client of each; the embryo has the listener's type and path, and
//     three references (table, its own, its client's peer pointer). It in
//     turn holds its client, adding one to the client's count.
//
// Counting who names a socket needs the whole dump, but most sockets do
// not need the count: stream and seqpacket peers name each other, so a
// connection-oriented socket whose peer is listed has exactly that one
// referrer. Those rows stream as they come; only datagram sockets (any
// number of clients may name a server) and connection-oriented ones
// without a listed peer (the client of an embryo, whose peer has no
// inode yet, or a socket whose peer has closed) wait for the end of the
// dump. Memory then grows with those, not with every socket.
func (b *linuxBackend) diagUnix(c *sockdiag.Conn, q *Query, fn func(*Socket) error) error {
	show := uint32(sockdiag.ShowName | sockdiag.ShowPeer | sockdiag.ShowIcons | sockdiag.ShowUID)
	if q.Memory {
		show |= sockdiag.ShowMemInfo
	}
	req := sockdiag.UnixRequest(1, uint32(AllStates), show)
	var held []Socket
	// refs counts, for held sockets only, who names them: datagram
	// peers and the clients named in listeners' icons.
	refs := make(map[uint64]uint32)
	var m sockdiag.UnixMsg
	s := &b.sock
	emit := func(s *Socket) error {
		if !q.wants(s) {
			return nil
		}
		return fn(s)
	}
	err := c.Dump(req, func(payload []byte) error {
		if err := sockdiag.DecodeUnix(payload, &m); err != nil {
			return err
		}
		*s = Socket{
			Protocol: Unix,
			Family:   Local,
			State:    State(m.State),
			Type:     UnixType(m.Type),
			Inode:    uint64(m.Inode),
			Path:     unixPath(m.Name),
		}
		if m.HasUID {
			s.UID = m.UID
		}
		if m.MemInfo != nil {
			var mi sockdiag.MemInfo
			sockdiag.DecodeMemInfo(m.MemInfo, &mi)
			s.Internals = b.newInternals()
			s.Internals.Memory = MemInfo(mi)
		}
		if m.HasPeer && m.Peer != 0 {
			s.Peer = uint64(m.Peer)
		}
		// Embryos are emitted after their listener, whose fields they
		// copy; the listener is emitted or held first.
		typ, path, icons := s.Type, s.Path, m.NIcons()
		if s.Type == Datagram || s.Peer == 0 {
			if s.Type == Datagram && s.Peer != 0 {
				refs[s.Peer]++
			}
			held = append(held, *s)
		} else {
			s.RefCount = 3
			if err := emit(s); err != nil {
				return err
			}
		}
		for i := 0; i < icons; i++ {
			client := uint64(m.Icon(i))
			refs[client]++
			*s = Socket{
				Protocol: Unix, Family: Local, State: SynSent, Type: typ,
				Path: path, Peer: client, RefCount: 3, Embryo: true,
			}
			if err := emit(s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := range held {
		h := &held[i]
		h.RefCount = 2 + refs[h.Inode]
		if err := emit(h); err != nil {
			return err
		}
	}
	return nil
}

// unixPath renders a unix_diag name as /proc/net/unix does: an abstract
// name's NUL bytes become '@'.
func unixPath(name []byte) string {
	if len(name) == 0 || name[0] != 0 {
		return string(name)
	}
	return strings.ReplaceAll(string(name), "\x00", "@")
}

func (b *linuxBackend) procUnix(q *Query, fn func(*Socket) error) error {
	f, err := b.open("unix")
	if f == nil {
		return err
	}
	defer f.Close()
	s := &b.sock
	seen := make(map[uint64]struct{})
	return procfs.ParseUnix(f, f.Name(), func(r *procfs.UnixRow) error {
		// Read a page at a time, the file can repeat a socket while
		// others come and go (see Socket.repeated); inodes tell.
		if r.Inode != 0 {
			if _, dup := seen[r.Inode]; dup {
				return nil
			}
			seen[r.Inode] = struct{}{}
		}
		*s = Socket{
			Protocol: Unix,
			Family:   Local,
			Type:     UnixType(r.Type),
			Inode:    r.Inode,
			RefCount: r.RefCount,
			Path:     string(r.Path),
		}
		switch r.State {
		case 1:
			s.State = Close
			if r.Flags&procfs.UnixAcceptCon != 0 {
				s.State = Listen
			}
		case 2:
			s.State = SynSent
			s.Embryo = r.Inode == 0
		case 3:
			s.State = Established
		case 4:
			s.State = Closing
		}
		if !q.wants(s) {
			return nil
		}
		return fn(s)
	}, b.skip()...)
}
