package sockets_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netstat-go/netstat/internal/nstest"
	"github.com/netstat-go/netstat/sockets"
)

// ssEntry is one socket of `ss -tinmH`: its tokens, key:value pairs
// split at the first colon, bare words with an empty value, and the
// skmem counters by their ss letters.
type ssEntry struct {
	tok   map[string]string
	skmem map[string]uint64
}

// parseSS reads `ss -tinmH` output into entries keyed "local peer".
func parseSS(t *testing.T, out []byte) map[string]ssEntry {
	t.Helper()
	m := make(map[string]ssEntry)
	var key string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if line[0] != ' ' && line[0] != '\t' {
			// Recv-Q Send-Q Local Peer (with -H and one state: no State column).
			if len(f) < 4 {
				t.Fatalf("ss line %q", line)
			}
			key = f[2] + " " + f[3]
			continue
		}
		e := ssEntry{tok: make(map[string]string), skmem: make(map[string]uint64)}
		for i := 0; i < len(f); i++ {
			k, v, _ := strings.Cut(f[i], ":")
			if k == "skmem" {
				for _, c := range strings.Split(strings.Trim(v, "()"), ",") {
					j := strings.IndexAny(c, "0123456789")
					n, err := strconv.ParseUint(c[j:], 10, 64)
					if j < 1 || err != nil {
						t.Fatalf("ss skmem %q", v)
					}
					e.skmem[c[:j]] = n
				}
				continue
			}
			// "send 1bps", "pacing_rate 1bps", "delivery_rate 1bps".
			if (k == "send" || k == "pacing_rate" || k == "delivery_rate") && v == "" && i+1 < len(f) {
				i++
				v = f[i]
			}
			e.tok[k] = v
		}
		m[key] = e
	}
	return m
}

// TestTCPInfoAgainstSS opens a loopback connection in a private namespace,
// sends a known number of bytes, and compares what the Lister reports
// with TCPInfo and Memory against `ss -tinm` on the same sockets.
func TestTCPInfoAgainstSS(t *testing.T) {
	ns := nstest.New(t)
	const sent = 100000
	var client, server net.Conn
	ns.Do(func() {
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		client, err = net.Dial("tcp4", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		server, err = l.Accept()
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Cleanup(func() { client.Close(); server.Close() })
	cAddr := netip.MustParseAddrPort(client.LocalAddr().String())
	sAddr := netip.MustParseAddrPort(server.LocalAddr().String())

	q := sockets.Query{Protocols: []sockets.Protocol{sockets.TCP}, IPv4: true, Connected: true, TCPInfo: true, Memory: true}
	// snap lists the two ends (copies: Socket values keep their TCPInfo).
	snap := func() (c, s sockets.Socket) {
		ns.Do(func() {
			l := sockets.NewLister(sockets.Config{Source: sockets.Netlink})
			defer l.Close()
			err := l.Walk(q, func(x *sockets.Socket) error {
				switch x.Local {
				case cAddr:
					c = *x
				case sAddr:
					s = *x
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
		if !in(&c).TCPInfo.Valid() || !in(&s).TCPInfo.Valid() || !in(&c).Memory.Valid() || !in(&s).Memory.Valid() {
			t.Fatalf("no tcp_info or skmeminfo: client %+v, server %+v", c, s)
		}
		return c, s
	}

	c0, s0 := snap()
	// Send, read everything on the other end, then wait for the kernel
	// to have processed the last ACK (a wait, not a time limit: on
	// loopback it comes at once).
	go func() { _, _ = client.Write(make([]byte, sent)) }()
	if _, err := io.ReadFull(server, make([]byte, sent)); err != nil {
		t.Fatal(err)
	}
	var c1, s1 sockets.Socket
	for i := 0; ; i++ {
		c1, s1 = snap()
		if in(&c1).TCPInfo.BytesAcked >= in(&c0).TCPInfo.BytesAcked+sent || i == 10000 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if got := in(&c1).TCPInfo.BytesAcked - in(&c0).TCPInfo.BytesAcked; got != sent {
		t.Errorf("client bytes_acked grew by %d, sent %d", got, sent)
	}
	if got := in(&s1).TCPInfo.BytesReceived - in(&s0).TCPInfo.BytesReceived; got != sent {
		t.Errorf("server bytes_received grew by %d, sent %d", got, sent)
	}
	if in(&c1).TCPInfo.BytesSent != sent || in(&c1).TCPInfo.Unacked != 0 {
		t.Errorf("client bytes_sent %d, unacked %d; want %d, 0", in(&c1).TCPInfo.BytesSent, in(&c1).TCPInfo.Unacked, sent)
	}

	out, err := ns.Command("ss", "-tinmH", "state", "established")
	if err != nil {
		t.Fatal(err)
	}
	c2, s2 := snap()
	ss := parseSS(t, out)
	for _, end := range []struct {
		name       string
		before, at sockets.Socket
		peer       netip.AddrPort
	}{{"client", c1, c2, sAddr}, {"server", s1, s2, cAddr}} {
		t.Run(end.name, func(t *testing.T) {
			e, ok := ss[end.at.Local.String()+" "+end.peer.String()]
			if !ok {
				t.Fatalf("ss does not list %v -> %v:\n%s", end.at.Local, end.peer, out)
			}
			checkAgainstSS(t, e, &end.before, &end.at)
		})
	}
}

// checkAgainstSS compares one ss entry with the Lister's reading just
// before ss ran (a) and just after (b): what cannot move on a quiet
// connection must equal, counters must lie between a and b, times only
// exist.
func checkAgainstSS(t *testing.T, e ssEntry, a, b *sockets.Socket) {
	t.Helper()
	if _, ok := e.tok[in(b).Congestion]; in(b).Congestion == "" || !ok {
		t.Errorf("congestion %q, not in ss's tokens %v", in(b).Congestion, e.tok)
	}
	ti := &in(b).TCPInfo
	exact := map[string]string{
		"wscale": fmt.Sprintf("%d,%d", ti.SndWScale, ti.RcvWScale),
		"mss":    fmt.Sprint(ti.SndMSS),
		"pmtu":   fmt.Sprint(ti.PMTU),
		"rcvmss": fmt.Sprint(ti.RcvMSS),
		"advmss": fmt.Sprint(ti.AdvMSS),
		"cwnd":   fmt.Sprint(ti.SndCwnd),
	}
	if ti.SndSsthresh < 0xffff {
		exact["ssthresh"] = fmt.Sprint(ti.SndSsthresh)
	}
	for k, want := range exact {
		if got := e.tok[k]; got != want {
			t.Errorf("%s: ss %q, ours %q", k, got, want)
		}
	}
	between := map[string][2]uint64{
		"bytes_sent":     {in(a).TCPInfo.BytesSent, in(b).TCPInfo.BytesSent},
		"bytes_acked":    {in(a).TCPInfo.BytesAcked, in(b).TCPInfo.BytesAcked},
		"bytes_received": {in(a).TCPInfo.BytesReceived, in(b).TCPInfo.BytesReceived},
		"segs_out":       {uint64(in(a).TCPInfo.SegsOut), uint64(in(b).TCPInfo.SegsOut)},
		"segs_in":        {uint64(in(a).TCPInfo.SegsIn), uint64(in(b).TCPInfo.SegsIn)},
	}
	for k, r := range between {
		s, ok := e.tok[k]
		if !ok && r[0] == 0 { // ss leaves out zero counters
			continue
		}
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil || n < r[0] || n > r[1] {
			t.Errorf("%s: ss %q, ours %d before and %d after", k, s, r[0], r[1])
		}
	}
	if _, ok := e.tok["rtt"]; !ok || ti.RTT == 0 || ti.RTO == 0 {
		t.Errorf("rtt: ss %q, ours %dµs (rto %dµs)", e.tok["rtt"], ti.RTT, ti.RTO)
	}
	if in(b).Congestion == "bbr" {
		// bbr:(bw:1bps,mrtt:0.011,pacing_gain:2.88672,cwnd_gain:2.88672)
		v := e.tok["bbr"]
		bw, mrtt := "", ""
		for _, kv := range strings.Split(strings.Trim(v, "()"), ",") {
			k, x, _ := strings.Cut(kv, ":")
			switch k {
			case "bw":
				bw = x
			case "mrtt":
				mrtt = x
			}
		}
		want := fmt.Sprint(in(b).BBR.Bw*8, "bps")
		if !in(b).BBR.Valid() || bw != want || mrtt != strconv.FormatFloat(float64(in(b).BBR.MinRTT)/1000, 'f', -1, 64) {
			t.Errorf("bbr: ss %q, ours %+v", v, in(b).BBR)
		}
	} else if in(b).BBR.Valid() {
		t.Errorf("BBR state for congestion %q", in(b).Congestion)
	}
	m := &in(b).Memory
	for k, v := range map[string]uint32{"r": m.RmemAlloc, "rb": m.RcvBuf, "t": m.WmemAlloc, "tb": m.SndBuf,
		"f": m.FwdAlloc, "w": m.WmemQueued, "o": m.OptMem, "bl": m.Backlog, "d": m.Drops} {
		if got, ok := e.skmem[k]; !ok || got != uint64(v) {
			t.Errorf("skmem %s: ss %d (present %v), ours %d", k, got, ok, v)
		}
	}
}

// TestTCPInfoOnlyWhenAsked checks that the fields stay invalid unless the
// Query asks, that UDP sockets get memory but no tcp_info, and that /proc
// has neither.
func TestTCPInfoOnlyWhenAsked(t *testing.T) {
	ns := nstest.New(t)
	ns.Do(func() {
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		u, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer u.Close()
		for _, tc := range []struct {
			name             string
			src              sockets.Source
			info, mem        bool
			wantTCP, wantUDP string // which of TCPInfo, Memory each should have
		}{
			{"netlink, nothing asked", sockets.Netlink, false, false, "", ""},
			{"netlink, tcp info", sockets.Netlink, true, false, "info", ""},
			{"netlink, memory", sockets.Netlink, false, true, "mem", "mem"},
			{"netlink, both", sockets.Netlink, true, true, "info mem", "mem"},
			{"proc, both", sockets.Proc, true, true, "", ""},
		} {
			lst := sockets.NewLister(sockets.Config{Source: tc.src})
			q := sockets.Query{Protocols: []sockets.Protocol{sockets.TCP, sockets.UDP}, IPv4: true, Listening: true, TCPInfo: tc.info, Memory: tc.mem}
			n := 0
			err := lst.Walk(q, func(s *sockets.Socket) error {
				n++
				var have []string
				if in(s).TCPInfo.Valid() {
					have = append(have, "info")
					if in(s).Congestion == "" {
						t.Errorf("%s: tcp_info without congestion algorithm", tc.name)
					}
				}
				// The kernel asks the algorithm for its state only below
				// TIME_WAIT in its numbering: not for listeners.
				if in(s).BBR.Valid() != (in(s).Congestion == "bbr" && s.State < sockets.TimeWait) {
					t.Errorf("%s: congestion %q, BBR state %+v", tc.name, in(s).Congestion, in(s).BBR)
				}
				if in(s).Memory.Valid() {
					have = append(have, "mem")
				}
				want := tc.wantTCP
				if s.Protocol == sockets.UDP {
					want = tc.wantUDP
				}
				if got := strings.Join(have, " "); got != want {
					t.Errorf("%s: %v socket has %q, want %q", tc.name, s.Protocol, got, want)
				}
				return nil
			})
			lst.Close()
			if err != nil || n != 2 {
				t.Errorf("%s: %d sockets, %v", tc.name, n, err)
			}
		}
	})
}

// TestUnixMemory checks that Query.Memory also brings UNIX sockets'
// counters (UNIX_DIAG_MEMINFO), and only when asked.
func TestUnixMemory(t *testing.T) {
	ns := nstest.New(t)
	ns.Do(func() {
		name := fmt.Sprintf("@netstat-go-test-%d", time.Now().UnixNano())
		l, err := net.Listen("unix", name)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		for _, mem := range []bool{false, true} {
			lst := sockets.NewLister(sockets.Config{Source: sockets.Netlink})
			found := false
			err := lst.Walk(sockets.Query{Protocols: []sockets.Protocol{sockets.Unix}, Listening: true, Memory: mem}, func(s *sockets.Socket) error {
				if s.Path != name {
					return nil
				}
				found = true
				if in(s).Memory.Valid() != mem || (mem && in(s).Memory.RcvBuf == 0) {
					t.Errorf("Memory %v: got %+v", mem, in(s).Memory)
				}
				return nil
			})
			lst.Close()
			if err != nil || !found {
				t.Errorf("Memory %v: found %v, %v", mem, found, err)
			}
		}
	})
}

// TestTCPInfoNoAllocPerSocket checks that asking for TCP internals costs no
// allocation per socket (the congestion name is interned, Internals come
// from a slab): a walk over many more connections allocates no more, but
// for the slab's refill.
func TestTCPInfoNoAllocPerSocket(t *testing.T) {
	ns := nstest.New(t)
	ns.Do(func() {
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		connect := func(n int) {
			for range n {
				c, err := net.Dial("tcp4", l.Addr().String())
				if err != nil {
					t.Fatal(err)
				}
				s, err := l.Accept()
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { c.Close(); s.Close() })
			}
		}
		lst := sockets.NewLister(sockets.Config{Source: sockets.Netlink})
		defer lst.Close()
		q := sockets.Query{Protocols: []sockets.Protocol{sockets.TCP}, IPv4: true, Connected: true, TCPInfo: true, Memory: true}
		n := 0
		walk := func() {
			n = 0
			if err := lst.Walk(q, func(s *sockets.Socket) error {
				if in(s).TCPInfo.Valid() && in(s).Memory.Valid() && in(s).Congestion != "" {
					n++
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		connect(5)
		few := testing.AllocsPerRun(20, walk)
		if n != 10 {
			t.Fatalf("%d sockets with tcp_info, want 10", n)
		}
		connect(40)
		many := testing.AllocsPerRun(20, walk)
		if n != 90 {
			t.Fatalf("%d sockets with tcp_info, want 90", n)
		}
		if many > few+1 {
			t.Errorf("%v allocations for 10 sockets, %v for 90", few, many)
		}
	})
}

// in is a socket's Internals, or none (all invalid) when it has none.
func in(s *sockets.Socket) *sockets.Internals {
	if s.Internals == nil {
		return &sockets.Internals{}
	}
	return s.Internals
}
