package resolve

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ptrServer is a minimal DNS server on loopback that answers PTR queries
// from a table and NXDOMAIN otherwise, and records the names asked.
type ptrServer struct {
	conn    net.PacketConn
	answers map[string][]string // by query name, without the final dot
	mu      sync.Mutex
	asked   []string
}

func startPTRServer(t *testing.T, answers map[string][]string) *ptrServer {
	t.Helper()
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &ptrServer{conn: conn, answers: answers}
	done := make(chan struct{})
	t.Cleanup(func() { conn.Close(); <-done })
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, from, err := conn.ReadFrom(buf)
			if err != nil {
				return
			}
			if resp := s.answer(buf[:n]); resp != nil {
				conn.WriteTo(resp, from)
			}
		}
	}()
	return s
}

// answer builds the response to query q, or nil to drop a malformed one.
func (s *ptrServer) answer(q []byte) []byte {
	if len(q) < 12 {
		return nil
	}
	i := 12
	var labels []string
	for i < len(q) && q[i] != 0 {
		n := int(q[i])
		if n > 63 || i+1+n > len(q) {
			return nil
		}
		labels = append(labels, string(q[i+1:i+1+n]))
		i += 1 + n
	}
	if i+5 > len(q) {
		return nil
	}
	qtype := binary.BigEndian.Uint16(q[i+1:])
	question := q[12 : i+5]
	name := strings.ToLower(strings.Join(labels, "."))
	s.mu.Lock()
	s.asked = append(s.asked, name)
	s.mu.Unlock()

	var names []string
	if qtype == 12 {
		names = s.answers[name]
	}
	resp := binary.BigEndian.AppendUint16(nil, binary.BigEndian.Uint16(q))
	flags := uint16(0x8180) // response, recursion desired and available
	if names == nil {
		flags |= 3 // NXDOMAIN
	}
	resp = binary.BigEndian.AppendUint16(resp, flags)
	resp = binary.BigEndian.AppendUint16(resp, 1)
	resp = binary.BigEndian.AppendUint16(resp, uint16(len(names)))
	resp = append(resp, 0, 0, 0, 0)
	resp = append(resp, question...)
	for _, n := range names {
		var rdata []byte
		for l := range strings.SplitSeq(strings.TrimSuffix(n, "."), ".") {
			rdata = append(rdata, byte(len(l)))
			rdata = append(rdata, l...)
		}
		rdata = append(rdata, 0)
		resp = append(resp, 0xc0, 12) // the question's name
		resp = binary.BigEndian.AppendUint16(resp, 12)
		resp = binary.BigEndian.AppendUint16(resp, 1)
		resp = binary.BigEndian.AppendUint32(resp, 60)
		resp = binary.BigEndian.AppendUint16(resp, uint16(len(rdata)))
		resp = append(resp, rdata...)
	}
	return resp
}

// TestGoResolver runs the default kind of LookupAddr, Go's resolver, against
// a loopback server: names lose their root dot, the first PTR wins, an
// invalid name is no name, and an IPv4-mapped address is asked about as
// IPv4 (in-addr.arpa), as glibc does.
func TestGoResolver(t *testing.T) {
	srv := startPTRServer(t, map[string][]string{
		"10.100.51.198.in-addr.arpa": {"ten.example."},
		"11.100.51.198.in-addr.arpa": {"a-first.example.", "b-second.example."},
		"12.100.51.198.in-addr.arpa": {"bad name!.example."},
		"13.100.51.198.in-addr.arpa": {"UPPER.Example."},
		"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa": {"six.example."},
	})
	addr := srv.conn.LocalAddr().String()
	goResolver := &net.Resolver{
		PreferGo: true,
		// Every query goes to the test's server, never to the system's
		// name servers.
		Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "udp", addr)
		},
	}
	r := New(Config{Hosts: "testdata/hosts", LookupAddr: goResolver.LookupAddr})
	tests := []struct {
		addr string
		want string
		ok   bool
	}{
		{"198.51.100.10", "ten.example", true},
		{"198.51.100.11", "a-first.example", true},
		{"198.51.100.12", "", false},
		{"198.51.100.13", "UPPER.Example", true},
		{"198.51.100.14", "", false},
		{"::ffff:198.51.100.10", "ten.example", true},
		{"2001:db8::1", "doc6", true}, // hosts file
		{"2001:db8::100", "", false},
	}
	for _, tt := range tests {
		name, ok := r.Host(context.Background(), netip.MustParseAddr(tt.addr))
		if name != tt.want || ok != tt.ok {
			t.Errorf("Host(%s) = %q, %v; want %q, %v", tt.addr, name, ok, tt.want, tt.ok)
		}
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	want := []string{
		"10.100.51.198.in-addr.arpa",
		"11.100.51.198.in-addr.arpa",
		"12.100.51.198.in-addr.arpa",
		"13.100.51.198.in-addr.arpa",
		"14.100.51.198.in-addr.arpa",
		"10.100.51.198.in-addr.arpa", // the mapped address, asked anew
		"0.0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
	}
	if diff := cmp.Diff(want, srv.asked); diff != "" {
		t.Errorf("queries (-want +got):\n%s", diff)
	}
}

// TestLookupAddrPartialError checks that names returned with an error are
// used, as Go's resolver returns the valid names of a partly malformed
// answer with an error.
func TestLookupAddrPartialError(t *testing.T) {
	cfg := fixtures(t)
	cfg.LookupAddr = func(context.Context, string) ([]string, error) {
		return []string{"good.example."}, errors.New("DNS response contained records which contain invalid names")
	}
	r := New(cfg)
	if name, ok := r.Host(context.Background(), netip.MustParseAddr("198.51.100.1")); name != "good.example" || !ok {
		t.Errorf("Host = %q, %v; want good.example", name, ok)
	}
}
