package routes

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/netstat-go/netstat/internal/linux/rtnl"
	"github.com/netstat-go/netstat/internal/nstest"
	"golang.org/x/sys/unix"
)

var cmpIP = cmp.Options{
	cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
	cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
}

// setupRoutes builds the test's routing state in ns.
func setupRoutes(t *testing.T, ns *nstest.Netns) {
	t.Helper()
	cmds := [][]string{
		{"link", "add", "v0", "type", "veth", "peer", "name", "v1"},
		{"link", "set", "v0", "up"},
		{"link", "set", "v1", "up"},
		{"addr", "add", "192.0.2.1/24", "dev", "v0"},
		{"addr", "add", "198.51.100.1/24", "dev", "v1"},
		{"-6", "addr", "add", "2001:db8::1/64", "dev", "v0", "nodad"},
		{"route", "add", "default", "via", "192.0.2.254"},
		{"route", "add", "203.0.113.5", "via", "192.0.2.2"},
		{"route", "add", "203.0.113.64/26", "via", "192.0.2.3", "metric", "7", "advmss", "1400", "window", "65535", "rtt", "100ms"},
		{"route", "add", "blackhole", "10.1.0.0/16"},
		{"route", "add", "unreachable", "10.2.0.0/16"},
		{"route", "add", "prohibit", "10.3.0.0/16"},
		{"route", "add", "10.4.0.0/16", "via", "198.51.100.9", "table", "100"},
		{"-6", "route", "add", "2001:db8:1::/48", "via", "2001:db8::2"},
		{"-6", "route", "add", "blackhole", "2001:db8:2::/48"},
		{"-6", "route", "add", "unreachable", "2001:db8:3::/48"},
		{"-6", "route", "add", "2001:db8:4::/48", "via", "2001:db8::4", "metric", "9", "pref", "high"},
		{"-6", "route", "add", "2001:db8:5::/48", "via", "2001:db8::5", "table", "100"},
		{"-6", "route", "add", "default", "via", "2001:db8::fe", "metric", "5"},
		// Beyond the basics: multipath, TOS, a gateway of the other
		// family, throw, expiry, anycast and user-added local routes.
		{"route", "add", "10.5.0.0/16", "nexthop", "via", "192.0.2.5", "nexthop", "via", "198.51.100.5"},
		{"route", "add", "10.6.0.0/16", "tos", "0x10", "via", "192.0.2.6"},
		{"route", "add", "10.6.0.0/16", "via", "192.0.2.7", "metric", "3"},
		{"route", "add", "10.7.0.0/16", "via", "inet6", "2001:db8::7", "dev", "v0"},
		{"route", "add", "throw", "10.8.0.0/16"},
		{"-6", "route", "add", "2001:db8:6::/48", "nexthop", "via", "2001:db8::6", "nexthop", "via", "2001:db8::7"},
		{"-6", "route", "add", "2001:db8:7::/48", "via", "2001:db8::8", "expires", "100"},
		{"-6", "route", "add", "throw", "2001:db8:8::/48"},
		{"-6", "route", "add", "prohibit", "2001:db8:9::/48"},
		{"-6", "route", "add", "local", "2001:db8:a::1", "dev", "lo"},
		{"-6", "route", "add", "2001:db8:b::/48", "dev", "v1", "table", "200"},
	}
	if out, err := ns.Command("sysctl", "-w", "net.ipv6.conf.all.forwarding=1"); err != nil {
		t.Fatalf("sysctl: %v: %s", err, out)
	}
	for _, c := range cmds {
		if out, err := ns.Command("ip", c...); err != nil {
			t.Fatalf("ip %v: %v: %s", c, err, out)
		}
	}
}

// TestNetlinkMatchesProc compares the rtnetlink rows with the /proc rows
// for the same namespace.
func TestNetlinkMatchesProc(t *testing.T) {
	ns := nstest.New(t)
	setupRoutes(t, ns)
	for _, fam := range []Family{IPv4, IPv6} {
		var proc, nl, auto []Route
		var perr, nerr, aerr error
		ns.Do(func() {
			proc, perr = List(Config{Source: Proc, ProcNet: "/proc/thread-self/net"}, fam)
			nl, nerr = List(Config{Source: Netlink}, fam)
			auto, aerr = List(Config{ProcNet: "/proc/thread-self/net"}, fam)
		})
		if perr != nil || nerr != nil || aerr != nil {
			t.Fatalf("%v: proc %v, netlink %v, auto %v", fam, perr, nerr, aerr)
		}
		for _, r := range proc {
			t.Logf("%v %v %v %#x %q m=%d ref=%d mtu=%d win=%d irtt=%d", r.Destination, r.Source, r.Gateway, uint32(r.Flags), r.Interface, r.Metric, r.RefCount, r.MTU, r.Window, r.IRTT)
		}
		if len(proc) < 5 {
			t.Fatalf("%v: only %d rows from /proc: %v", fam, len(proc), proc)
		}
		if diff := cmp.Diff(proc, auto, cmpIP); diff != "" {
			t.Errorf("%v: Auto is not /proc (-proc +auto):\n%s", fam, diff)
		}
		if fam == IPv6 {
			// The one documented difference: the dump has no fib6_ref.
			for i := range nl {
				if nl[i].RefCount != 0 {
					t.Errorf("netlink IPv6 RefCount %d, want 0: %+v", nl[i].RefCount, nl[i])
				}
			}
			proc = append([]Route(nil), proc...)
			for i := range proc {
				proc[i].RefCount = 0
			}
		}
		if diff := cmp.Diff(proc, nl, cmpIP); diff != "" {
			t.Errorf("%v: netlink differs from /proc (-proc +netlink):\n%s", fam, diff)
		}
	}
}

func TestNetlinkEmptyNamespace(t *testing.T) {
	ns := nstest.New(t)
	for _, fam := range []Family{IPv4, IPv6} {
		var proc, nl []Route
		var perr, nerr error
		ns.Do(func() {
			proc, perr = List(Config{Source: Proc, ProcNet: "/proc/thread-self/net"}, fam)
			nl, nerr = List(Config{Source: Netlink}, fam)
		})
		if perr != nil || nerr != nil {
			t.Fatalf("%v: proc %v, netlink %v", fam, perr, nerr)
		}
		for i := range proc {
			proc[i].RefCount = 0
		}
		if diff := cmp.Diff(proc, nl, cmpIP); diff != "" {
			t.Errorf("%v: netlink differs from /proc (-proc +netlink):\n%s", fam, diff)
		}
	}
}

// TestWriteRouteSeeds captures RTM_NEWROUTE payloads from this kernel into
// the fuzz corpus; run with NETSTAT_WRITE_SEEDS=1 as root.
func TestWriteRouteSeeds(t *testing.T) {
	if os.Getenv("NETSTAT_WRITE_SEEDS") == "" {
		t.Skip("set NETSTAT_WRITE_SEEDS=1 to rewrite testdata/fuzz/FuzzDecodeRoute")
	}
	ns := nstest.New(t)
	setupRoutes(t, ns)
	dir := filepath.Join("testdata", "fuzz", "FuzzDecodeRoute")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, af := range []byte{unix.AF_INET, unix.AF_INET6} {
		var err error
		ns.Do(func() {
			var c *rtnl.Conn
			if c, err = rtnl.Dial(); err != nil {
				return
			}
			defer c.Close()
			body := make([]byte, rtmsgLen)
			body[0] = af
			err = c.Dump(rtmGetRoute, body, func(typ uint16, p []byte) error {
				if typ != rtmNewRoute {
					return nil
				}
				n++
				text := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", p)
				return os.WriteFile(filepath.Join(dir, fmt.Sprintf("kernel-%02d", n)), []byte(text), 0o644)
			})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("wrote %d seeds", n)
}

func FuzzDecodeRoute(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, rtmsgLen))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeRoute(b)
		if err != nil {
			if !errors.Is(err, errMalformed) {
				t.Fatalf("error %v does not wrap errMalformed", err)
			}
			return
		}
		r2, err := decodeRoute(b)
		if err != nil {
			t.Fatalf("second decode: %v", err)
		}
		if diff := cmp.Diff(r, r2, cmpIP); diff != "" {
			t.Fatal(diff)
		}
		names := map[int32]string{1: "lo"}
		route4(&r, names)
		rs := route6(nil, &r, names)
		for _, x := range rs {
			if !x.Destination.IsValid() || !x.Source.IsValid() {
				t.Fatalf("invalid prefix in %+v", x)
			}
		}
		assemble6([]*table6{{id: r.Table, rows: rs}}, names)
	})
}
