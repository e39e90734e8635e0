package cli

import (
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/netstat-go/netstat/internal/nstest"
	"golang.org/x/sys/unix"
)

func netToolsPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/netstat", "/bin/netstat"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("net-tools netstat is not installed")
	return ""
}

// ifaceWorld is a namespace with veth pairs up and down, an alias label, a
// 15-byte name, odd flags and multicast joins (IPv4 twice, IPv6 once).
func ifaceWorld(t *testing.T) *nstest.Netns {
	ns := nstest.New(t)
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("iproute2 is not installed")
	}
	for _, c := range [][]string{
		{"link", "add", "veth0", "type", "veth", "peer", "name", "veth1"},
		{"link", "add", "averylongifnam1", "type", "veth", "peer", "name", "p2"},
		{"link", "add", "eth10", "type", "veth", "peer", "name", "eth9"},
		{"link", "add", "x10", "type", "veth", "peer", "name", "x2"},
		{"link", "set", "veth0", "up"},
		{"link", "set", "veth1", "up"},
		{"link", "set", "averylongifnam1", "up"},
		{"link", "set", "x10", "up", "promisc", "on", "allmulticast", "on", "arp", "off", "dynamic", "on", "trailers", "off"},
		{"link", "set", "eth9", "multicast", "off", "mtu", "9000"},
		{"link", "set", "lo", "multicast", "on"},
		{"addr", "add", "192.0.2.1/24", "dev", "veth0"},
		{"addr", "add", "192.0.2.9/24", "dev", "veth0", "label", "veth0:1"},
		{"addr", "add", "2001:db8::1/64", "dev", "veth0", "nodad"},
		{"addr", "add", "198.51.100.1/24", "brd", "+", "dev", "averylongifnam1"},
	} {
		if out, err := ns.Command("ip", c...); err != nil {
			t.Fatalf("ip %s: %v: %s", strings.Join(c, " "), err, out)
		}
	}
	var fds []int
	ns.Do(func() {
		join := func(family, level, opt int, val []byte) {
			fd, err := syscall.Socket(family, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
			if err != nil {
				t.Fatal(err)
			}
			fds = append(fds, fd)
			if err := unix.SetsockoptString(fd, level, opt, string(val)); err != nil {
				t.Fatal(err)
			}
		}
		v4 := append(net.ParseIP("239.1.2.3").To4(), net.ParseIP("192.0.2.1").To4()...)
		join(syscall.AF_INET, syscall.IPPROTO_IP, syscall.IP_ADD_MEMBERSHIP, v4)
		join(syscall.AF_INET, syscall.IPPROTO_IP, syscall.IP_ADD_MEMBERSHIP, v4)
		ifi, err := net.InterfaceByName("veth0")
		if err != nil {
			t.Fatal(err)
		}
		mreq6 := &unix.IPv6Mreq{Interface: uint32(ifi.Index)}
		copy(mreq6.Multiaddr[:], net.ParseIP("ff15::1234"))
		fd, err := syscall.Socket(syscall.AF_INET6, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		fds = append(fds, fd)
		if err := unix.SetsockoptIPv6Mreq(fd, unix.IPPROTO_IPV6, unix.IPV6_JOIN_GROUP, mreq6); err != nil {
			t.Fatal(err)
		}
	})
	t.Cleanup(func() {
		ns.Do(func() {
			for _, fd := range fds {
				syscall.Close(fd)
			}
		})
	})
	return ns
}

// ourMode runs this program (the test binary standing in for it) in the
// namespace. A child process, not a call on the namespace's thread: name
// lookups run on other threads, which would be in the host's namespace.
func ourMode(t *testing.T, ns *nstest.Netns, args []string) (string, string, int) {
	out, errOut, status := ns.Run([]string{"NETSTAT_TEST_MAIN=1", "GORACE=atexit_sleep_ms=0"}, os.Args[0], args...)
	return string(out), string(errOut), status
}

// maskCounters blanks the counter columns of -i rows, which move on up
// interfaces (IPv6 router solicitations, MLD reports) between two runs.
func maskCounters(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if len(l) > 82 && !strings.HasPrefix(l, "Iface") && !strings.Contains(l, "no statistics") {
			lines[i] = l[:21] + strings.Repeat("#", 61) + l[82:]
		}
	}
	return strings.Join(lines, "\n")
}

func TestInterfacesAndGroupsSameAsNetTools(t *testing.T) {
	ns := ifaceWorld(t)
	tool := netToolsPath(t)
	for _, args := range [][]string{
		{"-i"}, {"-ia"}, {"-in"}, {"-iW"}, {"--interfaces", "--all"},
		{"-gn"}, {"-g"}, {"-g", "-4"}, {"-g", "-6"}, {"-gn4"}, {"--groups", "--numeric"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			wantOut, wantErr, wantStatus := ns.Run(nil, tool, args...)
			gotOut, gotErr, gotStatus := ourMode(t, ns, args)
			if gotStatus != wantStatus {
				t.Errorf("status %d, net-tools %d (stderr %q, net-tools %q)", gotStatus, wantStatus, gotErr, wantErr)
			}
			want, got := string(wantOut), gotOut
			if strings.HasPrefix(args[0], "-i") || args[0] == "--interfaces" {
				want, got = maskCounters(want), maskCounters(got)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("differs from net-tools (-want +got):\n%s\nnet-tools:\n%s\nours:\n%s", diff, wantOut, gotOut)
			}
		})
	}
}
