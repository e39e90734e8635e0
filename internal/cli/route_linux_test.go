package cli

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/netstat-go/netstat/internal/nstest"
)

func TestRoutesSameAsNetTools(t *testing.T) {
	tool := "/usr/bin/netstat"
	if _, err := os.Stat(tool); err != nil {
		t.Skip("net-tools netstat is not installed")
	}
	ns := nstest.New(t)
	ns.NoDNS(t)
	ns.WithHosts(t, "127.0.0.1 localhost\n192.0.2.254 gw-with-a-rather-long-name.example.com\n203.0.113.77 host77\n2001:db8::fe sixgw\n")
	for _, args := range [][]string{
		{"link", "add", "veth0", "type", "veth", "peer", "name", "veth1"},
		{"link", "set", "veth0", "up"}, {"link", "set", "veth1", "up"},
		{"addr", "add", "192.0.2.1/24", "dev", "veth0"},
		{"addr", "add", "198.51.100.1/24", "dev", "veth1"},
		{"addr", "add", "2001:db8::1/64", "dev", "veth0", "nodad"},
		{"route", "add", "default", "via", "192.0.2.254"},
		{"route", "add", "203.0.113.0/24", "via", "198.51.100.254", "metric", "7", "advmss", "1400", "window", "65535", "rtt", "100"},
		{"route", "add", "203.0.113.77/32", "via", "192.0.2.99"},
		{"route", "add", "blackhole", "10.1.0.0/16"},
		{"route", "add", "unreachable", "10.2.0.0/16"},
		{"route", "add", "prohibit", "10.3.0.0/16"},
		{"-6", "route", "add", "2001:db8:1::/48", "via", "2001:db8::254", "metric", "5"},
		{"-6", "route", "add", "blackhole", "2001:db8:2::/48"},
	} {
		if out, err := ns.Command("ip", args...); err != nil {
			t.Fatalf("ip %v: %v %s", args, err, out)
		}
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"NETSTAT_TEST_MAIN=1", "GORACE=atexit_sleep_ms=0"}
	for _, args := range [][]string{
		{"-rn"}, {"-r"}, {"-rne"}, {"-ree"}, {"-rnee"}, {"-rn", "-A", "inet6"}, {"-rn6"}, {"-rC"}, {"-rCe"}, {"-rCee"}, {"-rF"}, {"-rn4"},
		{"-rnC6"}, {"-rn", "-A", "inet,inet6"}, {"-r", "-A", "unix"}, {"-r6"}, {"-re"}, {"-re6"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			// IPv6 reference counts move; retry a few times.
			var diff string
			for range 5 {
				want, _, wst := ns.Run(nil, tool, args...)
				got, gerr, gst := ns.Run(env, self, args...)
				if wst != gst {
					t.Fatalf("status %d, net-tools %d: %s", gst, wst, gerr)
				}
				if diff = cmp.Diff(string(want), string(got)); diff == "" {
					return
				}
			}
			t.Errorf("output differs from net-tools (-want +got):\n%s", diff)
		})
	}
}
