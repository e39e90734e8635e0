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
// not in a unix_diag record and are derived here from the whole dump, which
// is why this path collects before it emits:
//
//   - RefCnt. A socket in the kernel's table holds two references (its file
//     and the table); each socket whose peer it is adds one. So RefCnt is 2
//     plus the number of sockets naming it as peer.
//   - Connections waiting in a listener's backlog ("embryos"). unix_diag
//     skips sockets without an inode, but a listener's UNIX_DIAG_ICONS names
//     the client of each; the embryo has the listener's type and path, and
//     three references (table, its own, its client's peer pointer). It in
//     turn holds its client, adding one to the client's count.
func (b *linuxBackend) diagUnix(c *sockdiag.Conn, q *Query, fn func(*Socket) error) error {
	show := uint32(sockdiag.ShowName | sockdiag.ShowPeer | sockdiag.ShowIcons | sockdiag.ShowUID)
	if q.Memory {
		show |= sockdiag.ShowMemInfo
	}
	req := sockdiag.UnixRequest(1, uint32(AllStates), show)
	var all []Socket
	refs := make(map[uint64]uint32)
	var m sockdiag.UnixMsg
	err := c.Dump(req, func(payload []byte) error {
		if err := sockdiag.DecodeUnix(payload, &m); err != nil {
			return err
		}
		s := Socket{
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
			refs[s.Peer]++
		}
		all = append(all, s)
		for i := 0; i < m.NIcons(); i++ {
			client := uint64(m.Icon(i))
			refs[client]++
			all = append(all, Socket{
				Protocol: Unix, Family: Local, State: SynSent, Type: s.Type,
				Path: s.Path, Peer: client, RefCount: 3, Embryo: true,
			})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := range all {
		s := &all[i]
		if !s.Embryo {
			s.RefCount = 2 + refs[s.Inode]
		}
		if !q.wants(s) {
			continue
		}
		if err := fn(s); err != nil {
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
	return procfs.ParseUnix(f, f.Name(), func(r *procfs.UnixRow) error {
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
	})
}
