package resolve

import (
	"context"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/netstat-go/netstat/internal/nstest"
)

// TestNetstatNames opens sockets in a private network namespace, runs
// net-tools netstat with the fixtures mounted over /etc, and checks that
// every local address it prints is the one this package's answers give.
// It is the check behind the rules net-tools follows and getent does not:
// the last services/protocols entry wins, and an IPv4-mapped address is
// named only by a "::ffff:" hosts line.
func TestNetstatNames(t *testing.T) {
	netstat, err := exec.LookPath("netstat")
	if err != nil {
		t.Skip("needs net-tools netstat")
	}
	ns := nstest.New(t) // skips unless root
	type sock struct {
		proto string // netstat's Proto column
		local netip.AddrPort
	}
	var want []sock
	var closers []func() error
	t.Cleanup(func() {
		for _, c := range closers {
			c()
		}
	})
	// Sockets are opened on the namespace's thread, where t.Fatal must
	// not be called: the first error ends the setup and fails the test.
	var setupErr error
	ns.Do(func() {
		fail := func(err error) bool {
			if err != nil && setupErr == nil {
				setupErr = err
			}
			return setupErr != nil
		}
		listen := func(network, addr, proto string) *net.TCPListener {
			l, err := net.Listen(network, addr)
			if fail(err) {
				return nil
			}
			closers = append(closers, l.Close)
			want = append(want, sock{proto, netip.MustParseAddrPort(l.Addr().String())})
			return l.(*net.TCPListener)
		}
		listen("tcp4", "127.0.0.1:5001", "tcp") // first, second, third
		listen("tcp6", "[::1]:5011", "tcp6")
		dual := listen("tcp", "[::]:5014", "tcp6")
		if dual == nil {
			return
		}
		for _, addr := range []string{"127.0.0.5:5014", "127.0.0.4:5014", "127.0.0.9:5014"} {
			c, err := net.Dial("tcp4", addr)
			if fail(err) {
				return
			}
			closers = append(closers, c.Close)
			want = append(want, sock{"tcp", netip.MustParseAddrPort(c.LocalAddr().String())})
			s, err := dual.Accept()
			if fail(err) {
				return
			}
			closers = append(closers, s.Close)
			// The server side has ::ffff:127.0.0.x, in a tcp6 row;
			// Go prints it unmapped.
			ap := netip.MustParseAddrPort(s.LocalAddr().String())
			ap = netip.AddrPortFrom(netip.AddrFrom16(ap.Addr().As16()), ap.Port())
			want = append(want, sock{"tcp6", ap})
		}
		for _, addr := range []string{"127.0.0.1:53", "127.0.0.1:5003"} {
			c, err := net.ListenPacket("udp4", addr)
			if fail(err) {
				return
			}
			closers = append(closers, c.Close)
			want = append(want, sock{"udp", netip.MustParseAddrPort(addr)})
		}
		for _, raw := range []struct {
			family, proto int
			name          string
			local         string
		}{{unix.AF_INET, 200, "raw", "0.0.0.0"}, {unix.AF_INET6, 136, "raw6", "::"}} {
			fd, err := unix.Socket(raw.family, unix.SOCK_RAW, raw.proto)
			if fail(err) {
				return
			}
			closers = append(closers, func() error { return unix.Close(fd) })
			want = append(want, sock{raw.name, netip.AddrPortFrom(netip.MustParseAddr(raw.local), uint16(raw.proto))})
		}
	})
	if setupErr != nil {
		t.Fatal(setupErr)
	}

	// No name server listens on 127.0.0.2 in the namespace, so netstat's
	// DNS lookups fail at once (127.0.0.1:53 is one of the test's UDP
	// sockets, which would let them time out); the Resolver is told to
	// skip DNS.
	dir := t.TempDir()
	resolv := filepath.Join(dir, "resolv.conf")
	if err := os.WriteFile(resolv, []byte("nameserver 127.0.0.2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := `for db in services protocols passwd hosts; do mount --bind "testdata/$db" "/etc/$db"; done
mount --bind "$1" /etc/resolv.conf
exec "$2" --wide --all --extend --tcp --udp --raw --inet --inet6`
	out, err := ns.Command("unshare", "--mount", "--propagation", "private", "sh", "-ec", script, "sh", resolv, netstat)
	if err != nil {
		t.Skipf("cannot run netstat in a mount namespace: %v", err)
	}
	got := map[string]bool{}
	users := map[string]bool{}
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		if len(f) < 4 || !slices.Contains([]string{"tcp", "tcp6", "udp", "raw", "raw6"}, f[0]) {
			continue
		}
		got[f[0]+" "+f[3]] = true
		if f[0] == "tcp" && f[5] == "LISTEN" {
			users[f[6]] = true
		}
	}

	r := New(Config{
		Services: "testdata/services", Protocols: "testdata/protocols",
		Passwd: "testdata/passwd", Hosts: "testdata/hosts", Budget: -1,
	})
	for _, s := range want {
		local := formatLocal(r, s.proto, s.local)
		if !got[s.proto+" "+local] {
			t.Errorf("netstat printed no %s row for %s as %q:\n%s", s.proto, s.local, local, out)
		}
	}
	if name, _ := r.User(0); !users[name] {
		t.Errorf("netstat's users %v lack our %q for uid 0", users, name)
	}
}

// formatLocal renders a local address the way netstat does without -n,
// from the Resolver's answers.
func formatLocal(r *Resolver, proto string, ap netip.AddrPort) string {
	a := ap.Addr()
	var host string
	switch name, ok := r.Host(context.Background(), a); {
	case a.IsUnspecified() && a.Is4():
		host = "0.0.0.0"
	case a.IsUnspecified():
		host = "[::]"
	case ok:
		host = name
	default:
		host = a.Unmap().String()
	}
	var port string
	var ok bool
	switch proto {
	case "tcp", "tcp6":
		port, ok = r.Port(ap.Port(), "tcp")
	case "udp", "udp6":
		port, ok = r.Port(ap.Port(), "udp")
	case "raw", "raw6":
		port, ok = r.Protocol(uint8(ap.Port()))
	}
	if !ok {
		port = strconv.Itoa(int(ap.Port()))
	}
	return host + ":" + port
}
