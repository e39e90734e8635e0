package sockets

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"syscall"

	"github.com/netstat-go/netstat/internal/linux/procfs"
	"github.com/netstat-go/netstat/internal/linux/sockdiag"
)

// Kernel numbers (linux/socket.h, linux/in.h).
const (
	afInet  = 2
	afInet6 = 10

	ipprotoTCP     = 6
	ipprotoUDP     = 17
	ipprotoUDPLite = 136
	ipprotoRaw     = 255
)

type linuxBackend struct {
	cfg  Config
	conn *sockdiag.Conn
	// dial opens the sock_diag connection; tests replace it to play a
	// kernel or sandbox that refuses netlink.
	dial func() (*sockdiag.Conn, error)
	// noDiag marks netlink as unusable for the whole run (refused).
	noDiag bool
	sock   Socket
	// congs interns congestion-algorithm names, so that
	// Internals.Congestion costs no allocation per socket (a host has a
	// handful of them).
	congs []string
	// slab holds the Internals not handed out yet.
	slab []Internals
}

var _ backend = (*linuxBackend)(nil)

func newBackend(cfg Config) backend {
	if cfg.ProcNet == "" {
		cfg.ProcNet = "/proc/thread-self/net"
	}
	return &linuxBackend{cfg: cfg, dial: sockdiag.Dial}
}

func (b *linuxBackend) close() error {
	if b.conn == nil {
		return nil
	}
	err := b.conn.Close()
	b.conn = nil
	return err
}

func (b *linuxBackend) walk(q *Query, fn func(*Socket) error) error {
	for _, p := range q.Protocols {
		if p == Unix {
			if err := b.walkUnix(q, fn); err != nil {
				return err
			}
			continue
		}
		for _, fam := range []Family{IPv4, IPv6} {
			if (fam == IPv4 && !q.IPv4) || (fam == IPv6 && !q.IPv6) {
				continue
			}
			if err := b.walkInet(q, p, fam, fn); err != nil {
				return err
			}
		}
	}
	return nil
}

// diag returns the netlink connection, dialling it on first use, or nil when
// the source is /proc only or netlink was refused (and Auto may fall back).
func (b *linuxBackend) diag() (*sockdiag.Conn, error) {
	if b.cfg.Source == Proc || b.noDiag {
		return nil, nil
	}
	if b.conn != nil {
		return b.conn, nil
	}
	c, err := b.dial()
	if err != nil {
		if b.cfg.Source == Netlink {
			return nil, fmt.Errorf("netlink sock_diag: %w", err)
		}
		b.noDiag = true
		return nil, nil
	}
	b.conn = c
	return c, nil
}

// notServed reports whether a dump error means the kernel has no diag
// handler for that protocol or family (module missing), so /proc is the
// place to look.
func notServed(err error) bool {
	return errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.EPROTONOSUPPORT) ||
		errors.Is(err, syscall.EOPNOTSUPP) || errors.Is(err, syscall.EAFNOSUPPORT)
}

func inetProto(p Protocol) (uint8, string) {
	switch p {
	case TCP:
		return ipprotoTCP, "tcp"
	case UDP:
		return ipprotoUDP, "udp"
	case UDPLite:
		return ipprotoUDPLite, "udplite"
	default:
		return ipprotoRaw, "raw"
	}
}

// inetStates is the kernel state mask that can hold the sockets q wants.
func inetStates(q *Query, p Protocol) uint32 {
	m := inetStatesSel(q, p)
	if q.States != 0 {
		m &= uint32(q.States)
		if q.States.Has(SynRecv) {
			// Request sockets are NEW_SYN_RECV in the kernel's tables.
			m |= 1 << NewSynRecv
		}
	}
	return m
}

// tableStates are the states of the sockets /proc/net shows, ESTABLISHED
// to NEW_SYN_RECV. Linux 6.5 added TCP_BOUND_INACTIVE (13): asking for it
// makes the kernel walk its whole bind hash, where every connected socket
// also is, and report sockets that are only bound, which neither
// /proc/net/tcp (so net-tools) nor ss -a shows.
const tableStates uint32 = 1<<(NewSynRecv+1) - 1<<Established

func inetStatesSel(q *Query, p Protocol) uint32 {
	var m uint32
	if p == TCP {
		// A TCP server is a listener: a socket that reaches CLOSE
		// leaves the kernel's tables, so asking for CLOSE only makes
		// the kernel walk the established hash for nothing.
		if q.Listening {
			m |= 1 << Listen
		}
		if q.Connected {
			m |= tableStates &^ (1 << Listen)
		}
		return m
	}
	if q.Listening {
		m |= 1 << Close
	}
	if q.Connected {
		m |= tableStates &^ (1 << Close)
	}
	return m
}

func (b *linuxBackend) walkInet(q *Query, p Protocol, fam Family, fn func(*Socket) error) error {
	proto, file := inetProto(p)
	c, err := b.diag()
	if err != nil {
		return err
	}
	if c != nil {
		af := uint8(afInet)
		if fam == IPv6 {
			af = afInet6
		}
		var ext uint8
		if q.TCPInfo && p == TCP {
			ext |= sockdiag.ExtInfo | sockdiag.ExtCong | sockdiag.ExtCongInfo
		}
		if q.Memory {
			ext |= sockdiag.ExtSkMemInfo
		}
		req := sockdiag.InetRequest(1, af, proto, inetStates(q, p), ext)
		if len(q.Bytecode) > 0 {
			req = sockdiag.AppendAttr(req, sockdiag.ReqBytecode, q.Bytecode)
		}
		var m sockdiag.InetMsg
		s := &b.sock
		err := c.Dump(req, func(payload []byte) error {
			if err := sockdiag.DecodeInet(payload, &m); err != nil {
				return err
			}
			fromInetMsg(s, &m, p)
			if ext != 0 {
				s.Internals = b.inetExt(&m)
			}
			if !q.wants(s) {
				return nil
			}
			return fn(s)
		})
		if err == nil {
			return nil
		}
		if !notServed(err) || b.cfg.Source == Netlink {
			return fmt.Errorf("sock_diag %s dump: %w", file+famSuffix(fam), err)
		}
	}
	return b.procInet(q, p, fam, file+famSuffix(fam), fn)
}

// slabSize is how many Internals one allocation provides.
const slabSize = 128

// newInternals hands out a zero Internals. One allocation per socket
// would be the walk's only cost per socket; a slab makes it one per
// slabSize. Each element is handed out once, so a caller may keep it (and
// with it the slab).
func (b *linuxBackend) newInternals() *Internals {
	if len(b.slab) == 0 {
		b.slab = make([]Internals, slabSize)
	}
	in := &b.slab[0]
	b.slab = b.slab[1:]
	return in
}

// inetExt returns what the extension attributes the request asked for
// hold, nil when the kernel sent none (TIME_WAIT sockets).
func (b *linuxBackend) inetExt(m *sockdiag.InetMsg) *Internals {
	info, cong, bbr, mem := m.Info(), m.Cong(), m.BBRInfo(), m.SkMemInfo()
	if info == nil && len(cong) == 0 && bbr == nil && mem == nil {
		return nil
	}
	in := b.newInternals()
	if info != nil {
		var ti sockdiag.TCPInfo
		sockdiag.DecodeTCPInfo(info, &ti)
		in.TCPInfo = TCPInfo(ti)
	}
	if len(cong) > 0 {
		in.Congestion = b.intern(cong)
	}
	if bbr != nil {
		var bi sockdiag.BBRInfo
		sockdiag.DecodeBBRInfo(bbr, &bi)
		in.BBR = BBRInfo(bi)
	}
	if mem != nil {
		var mi sockdiag.MemInfo
		sockdiag.DecodeMemInfo(mem, &mi)
		in.Memory = MemInfo(mi)
	}
	return in
}

// intern returns name as a string, allocating only the first time it is
// seen (and every time once the table is full, which a sane kernel never
// makes happen).
func (b *linuxBackend) intern(name []byte) string {
	for _, c := range b.congs {
		if c == string(name) {
			return c
		}
	}
	c := string(name)
	if len(b.congs) < 32 {
		b.congs = append(b.congs, c)
	}
	return c
}

func famSuffix(f Family) string {
	if f == IPv6 {
		return "6"
	}
	return ""
}

func fromInetMsg(s *Socket, m *sockdiag.InetMsg, p Protocol) {
	*s = Socket{Protocol: p}
	if m.Family == afInet6 {
		s.Family = IPv6
		s.Local = netip.AddrPortFrom(netip.AddrFrom16(m.Src), m.SrcPort)
		s.Remote = netip.AddrPortFrom(netip.AddrFrom16(m.Dst), m.DstPort)
	} else {
		s.Family = IPv4
		s.Local = netip.AddrPortFrom(netip.AddrFrom4([4]byte(m.Src[:4])), m.SrcPort)
		s.Remote = netip.AddrPortFrom(netip.AddrFrom4([4]byte(m.Dst[:4])), m.DstPort)
	}
	s.State = State(m.State)
	s.RecvQ, s.SendQ = uint64(m.RQueue), uint64(m.WQueue)
	if p == TCP && s.State == Listen {
		// inet_diag reports a listener's backlog limit as its send queue;
		// /proc/net/tcp (and so net-tools) shows 0.
		s.SendQ = 0
	}
	s.UID, s.Inode, s.IfIndex = m.UID, uint64(m.Inode), m.IfIndex
	s.Timer, s.Expires = m.Timer, uint64(m.Expires)
	// inet_diag reports one counter in idiag_retrans: retransmissions for
	// the retransmit timer, probes_out for the keepalive and zero-window
	// timers. /proc/net/tcp has both (retrnsmt, timeout); the other is 0
	// while that timer runs.
	switch m.Timer {
	case 2, 4:
		s.Probes = m.Retrans
	default:
		s.Retransmits = m.Retrans
	}
}

func (b *linuxBackend) open(name string) (*os.File, error) {
	f, err := os.Open(filepath.Join(b.cfg.ProcNet, name))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			// No such protocol or family in this kernel: nothing to list,
			// as net-tools treats it.
			return nil, nil
		}
		return nil, err
	}
	return f, nil
}

// skip is the parse option that hands malformed lines to Config.Warn.
func (b *linuxBackend) skip() []procfs.Option {
	if b.cfg.Warn == nil {
		return nil
	}
	return []procfs.Option{procfs.SkipMalformed(func(pe *procfs.ParseError) { b.cfg.Warn(pe) })}
}

func (b *linuxBackend) procInet(q *Query, p Protocol, fam Family, name string, fn func(*Socket) error) error {
	f, err := b.open(name)
	if f == nil {
		return err
	}
	defer f.Close()
	s := &b.sock
	seen := make(map[seenKey]struct{})
	return procfs.ParseInet(f, f.Name(), func(r *procfs.InetRow) error {
		fromInetRow(s, r, p, fam)
		if !q.wants(s) || s.repeated(seen) {
			return nil
		}
		return fn(s)
	}, b.skip()...)
}

// seenKey identifies a socket within one read of a /proc/net file: by its
// inode, or when it has none (TIME_WAIT, a connection in a backlog) by its
// endpoints and state.
type seenKey struct {
	inode         uint64
	local, remote netip.AddrPort
	state         State
}

// repeated reports whether s was already seen in this read of its /proc
// file, and remembers it. The kernel prints those files a page at a time,
// finding its place again in hash chains that change in between, so a
// socket can appear twice when others come and go (net-tools repeats them
// too); sock_diag's dumps have no such repeats.
func (s *Socket) repeated(seen map[seenKey]struct{}) bool {
	k := seenKey{inode: s.Inode}
	if s.Inode == 0 {
		k = seenKey{local: s.Local, remote: s.Remote, state: s.State}
	}
	if _, dup := seen[k]; dup {
		return true
	}
	seen[k] = struct{}{}
	return false
}

// userHZ is the tick rate of /proc/net timer columns (USER_HZ).
const userHZ = 100

func fromInetRow(s *Socket, r *procfs.InetRow, p Protocol, fam Family) {
	*s = Socket{Protocol: p, Family: fam}
	if r.V6 {
		s.Local = netip.AddrPortFrom(netip.AddrFrom16(r.Local), r.LocalPort)
		s.Remote = netip.AddrPortFrom(netip.AddrFrom16(r.Remote), r.RemotePort)
	} else {
		s.Local = netip.AddrPortFrom(netip.AddrFrom4([4]byte(r.Local[:4])), r.LocalPort)
		s.Remote = netip.AddrPortFrom(netip.AddrFrom4([4]byte(r.Remote[:4])), r.RemotePort)
	}
	s.State = State(r.State)
	s.RecvQ, s.SendQ = r.RxQueue, r.TxQueue
	s.UID, s.Inode = r.UID, r.Inode
	s.Timer = r.Timer
	s.Retransmits = uint8(min(r.Retransmits, 255))
	s.Probes = uint8(min(r.Timeout, 255))
	s.Expires = r.Expires * (1000 / userHZ)
}
