package cli_test

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/netstat-go/netstat/internal/nstest"
)

// queryLog is a name server that never answers: it records the name of
// every question it receives, over UDP or TCP.
type queryLog struct {
	mu    sync.Mutex
	names []string
}

func (q *queryLog) add(name string) {
	q.mu.Lock()
	q.names = append(q.names, name)
	q.mu.Unlock()
}

// take returns the names asked since the last call and forgets them.
func (q *queryLog) take() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := q.names
	q.names = nil
	return n
}

// serveSilentDNS listens on 127.0.0.1:53 in ns (UDP and TCP), and counts
// queries without answering them. ns's /etc/resolv.conf names it, so any
// lookup a process in ns makes lands here, and /etc/hosts names only
// localhost.
func serveSilentDNS(t *testing.T, ns *nstest.Netns) *queryLog {
	t.Helper()
	q := &queryLog{}
	var pc net.PacketConn
	var l net.Listener
	var err error
	ns.Do(func() {
		if pc, err = net.ListenPacket("udp4", "127.0.0.1:53"); err != nil {
			return
		}
		l, err = net.Listen("tcp4", "127.0.0.1:53")
	})
	must(t, err)
	var wg sync.WaitGroup
	t.Cleanup(func() {
		pc.Close()
		l.Close()
		wg.Wait()
	})
	wg.Go(func() {
		buf := make([]byte, 4096)
		for {
			n, _, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			q.add(questionName(buf[:n]))
		}
	})
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			// A TCP query is a 2-byte length, then the message.
			buf := make([]byte, 4096)
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			n, _ := c.Read(buf)
			if n > 2 {
				q.add(questionName(buf[2:n]))
			} else {
				q.add("(tcp, no message)")
			}
			c.Close()
		}
	})
	// Long time-outs, so that only netstat's own deadline and budget
	// end its waits.
	ns.WithFile(t, "/etc/resolv.conf", "nameserver 127.0.0.1\noptions timeout:30 attempts:5\n")
	ns.WithHosts(t, "127.0.0.1 localhost\n::1 localhost ip6-localhost\n")
	return q
}

// questionName returns the name of a DNS message's first question, or a
// description of why it has none.
func questionName(msg []byte) string {
	if len(msg) < 12 || msg[4] == 0 && msg[5] == 0 {
		return fmt.Sprintf("(no question in %d bytes)", len(msg))
	}
	var labels []string
	for i := 12; i < len(msg); {
		n := int(msg[i])
		if n == 0 {
			return strings.Join(labels, ".")
		}
		if n > 63 || i+1+n > len(msg) {
			break
		}
		labels = append(labels, string(msg[i+1:i+1+n]))
		i += 1 + n
	}
	return "(malformed question)"
}

// reverseName is the PTR name a reverse lookup of a asks for.
func reverseName(a netip.Addr) string {
	var parts []string
	if a.Is4() {
		b := a.As4()
		for i := 3; i >= 0; i-- {
			parts = append(parts, fmt.Sprint(b[i]))
		}
		return strings.Join(parts, ".") + ".in-addr.arpa"
	}
	b := a.As16()
	for i := 15; i >= 0; i-- {
		parts = append(parts, fmt.Sprintf("%x", b[i]&15), fmt.Sprintf("%x", b[i]>>4))
	}
	return strings.Join(parts, ".") + ".ip6.arpa"
}

// TestNumericMakesNoDNSQuery runs netstat in a namespace whose only name
// server counts queries and never answers. -n (and --numeric-hosts) must
// not ask it anything. Without them, each address not in /etc/hosts is
// asked about at most once (the cache), the run still ends, with status
// 0, although the name server would let each query wait 30s five times
// (netstat's per-lookup deadline and per-run budget end the waits), and
// the rows show the addresses numerically.
func TestNumericMakesNoDNSQuery(t *testing.T) {
	ns := nstest.New(t)
	w := &world{ns: ns}
	t.Cleanup(func() {
		ns.Do(func() {
			for _, c := range w.close {
				c()
			}
		})
	})
	queries := serveSilentDNS(t, ns)
	peers := []netip.Addr{
		netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("198.51.100.1"),
		netip.MustParseAddr("203.0.113.1"), netip.MustParseAddr("2001:db8::1"),
		netip.MustParseAddr("2001:db8::2"),
	}
	for _, a := range peers {
		args := []string{"addr", "add", a.String() + "/32", "dev", "lo"}
		if a.Is6() {
			args = []string{"addr", "add", a.String() + "/128", "dev", "lo", "nodad"}
		}
		if out, err := ns.Command("ip", args...); err != nil {
			t.Fatalf("ip %v: %v %s", args, err, out)
		}
	}
	ns.Do(func() {
		dial := func(network, laddr, raddr string) {
			a, err := net.ResolveTCPAddr(network, laddr)
			must(t, err)
			d := net.Dialer{LocalAddr: a}
			c, err := d.Dial(network, raddr)
			// A fresh namespace's IPv6 address can be unroutable for a
			// moment after it is added.
			for i := 0; i < 50 && errors.Is(err, syscall.ENETUNREACH); i++ {
				time.Sleep(20 * time.Millisecond)
				c, err = d.Dial(network, raddr)
			}
			must(t, err)
			w.keep(c)
		}
		for _, addr := range []string{"192.0.2.1:80", "[2001:db8::1]:443"} {
			l, err := net.Listen("tcp", addr)
			must(t, err)
			w.keep(l)
		}
		dial("tcp4", "198.51.100.1:0", "192.0.2.1:80")
		dial("tcp4", "203.0.113.1:0", "192.0.2.1:80")
		dial("tcp6", "[2001:db8::2]:0", "[2001:db8::1]:443")
	})

	for _, args := range [][]string{
		{"-tan"}, {"-tuanwe"}, {"-tanp"}, {"-ta", "--numeric-hosts"},
		{"-rn"}, {"-rn", "-6"}, {"-gn"}, {"-in"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			stdout, stderr, status := w.ours(args...)
			if status != 0 {
				t.Fatalf("status %d\n%s%s", status, stdout, stderr)
			}
			if args[0] == "-tan" && !strings.Contains(stdout, "198.51.100.1:") {
				t.Errorf("no numeric row for 198.51.100.1 in:\n%s", stdout)
			}
			if q := queries.take(); len(q) != 0 {
				t.Errorf("%d DNS queries: %q", len(q), q)
			}
		})
	}

	t.Run("-ta with a silent name server", func(t *testing.T) {
		stdout, stderr, status := w.ours("-ta")
		if status != 0 {
			t.Fatalf("status %d\n%s%s", status, stdout, stderr)
		}
		// Every address falls back to its number.
		for _, want := range []string{"192.0.2.1:", "198.51.100.1:", "203.0.113.1:", "2001:db8::1:", "2001:db8::2:"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("no %q in:\n%s", want, stdout)
			}
		}
		var allowed []string
		for _, a := range peers {
			allowed = append(allowed, reverseName(a))
		}
		q := queries.take()
		t.Logf("%d queries: %q", len(q), q)
		if len(q) == 0 {
			t.Error("no query reached the test's name server, so the checks of -n above prove nothing")
		}
		seen := map[string]bool{}
		for _, name := range q {
			switch {
			case !slices.Contains(allowed, name):
				t.Errorf("query for %q, which is none of the table's addresses", name)
			case seen[name]:
				t.Errorf("%q asked twice: the answer (none) should be cached", name)
			}
			seen[name] = true
		}
	})
}
