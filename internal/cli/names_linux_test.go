package cli_test

import (
	"errors"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/netstat-go/netstat/internal/nstest"
	"golang.org/x/sys/unix"
)

const long6 = "2001:db8:1234:5678:9abc:def0:1234:5678"

// testHosts gives addresses names that exercise net-tools' truncation: a
// host name longer than the column, a short IPv6 name, an IPv6 loopback name,
// and a name for a v4-mapped address (which only tcp6 rows look up).
const testHosts = `127.0.0.1 localhost
192.0.2.1 a-very-long-host-name-that-goes-on-and-on.example.com alias
2001:db8::1 six six.example
::1 ip6-localhost ip6-loopback
::ffff:127.0.0.1 mapped-one
`

// newNamedWorld opens sockets on documentation-range addresses with a
// private /etc/hosts, in TCP states the main world lacks (TIME_WAIT,
// SYN_SENT), and owned by other users.
func newNamedWorld(t *testing.T) *world {
	ns := nstest.New(t)
	ns.WithHosts(t, testHosts)
	w := &world{ns: ns}
	t.Cleanup(func() {
		w.ns.Do(func() {
			for _, c := range w.close {
				c()
			}
		})
	})
	for _, args := range [][]string{
		{"addr", "add", "192.0.2.1/32", "dev", "lo"},
		{"addr", "add", "2001:db8::1/128", "dev", "lo", "nodad"},
		{"addr", "add", long6 + "/128", "dev", "lo", "nodad"},
	} {
		if out, err := ns.Command("ip", args...); err != nil {
			t.Fatalf("ip %v: %v %s", args, err, out)
		}
	}
	w.ns.Do(func() {
		listen := func(network, addr string) net.Listener {
			l, err := net.Listen(network, addr)
			must(t, err)
			w.keep(l)
			return l
		}
		dial := func(network, laddr, raddr string) net.Conn {
			d := net.Dialer{}
			if laddr != "" {
				a, err := net.ResolveTCPAddr(network, laddr)
				must(t, err)
				d.LocalAddr = a
			}
			c, err := d.Dial(network, raddr)
			// A fresh namespace's IPv6 address can be unroutable for
			// a moment after it is added.
			for i := 0; i < 50 && errors.Is(err, syscall.ENETUNREACH); i++ {
				time.Sleep(20 * time.Millisecond)
				c, err = d.Dial(network, raddr)
			}
			must(t, err)
			w.keep(c)
			return c
		}
		listen("tcp4", "192.0.2.1:65535")
		listen("tcp4", "192.0.2.1:22")
		listen("tcp6", "[2001:db8::1]:8000")
		l6 := listen("tcp6", "["+long6+"]:12345")
		listen("tcp6", "["+long6+"]:22")
		// A v4-mapped IPv6 listener and a connection to it; the net
		// package refuses such addresses, so raw syscalls.
		mapped := &syscall.SockaddrInet6{Port: 7777, Addr: [16]byte{10: 0xff, 11: 0xff, 12: 127, 15: 1}}
		lm, err := syscall.Socket(syscall.AF_INET6, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
		must(t, err)
		w.keepFD(lm)
		must(t, syscall.Bind(lm, mapped))
		must(t, syscall.Listen(lm, 8))
		cm, err := syscall.Socket(syscall.AF_INET6, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
		must(t, err)
		w.keepFD(cm)
		must(t, syscall.Connect(cm, mapped))
		listen("tcp6", "[::1]:8000")
		dial("tcp4", "192.0.2.1:60001", "192.0.2.1:65535")
		dial("tcp6", "["+long6+"]:54321", "["+long6+"]:12345")
		_ = l6

		// TIME_WAIT: the side that closes first keeps it.
		ltw := listen("tcp4", "192.0.2.1:2000")
		c := dial("tcp4", "", "192.0.2.1:2000")
		s, err := ltw.Accept()
		must(t, err)
		c.Close()
		time.Sleep(20 * time.Millisecond)
		s.Close()

		// SYN_SENT: a listener whose backlog is full drops further SYNs.
		fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
		must(t, err)
		w.keepFD(fd)
		must(t, syscall.Bind(fd, &syscall.SockaddrInet4{Port: 9, Addr: [4]byte{127, 0, 0, 1}}))
		must(t, syscall.Listen(fd, 0))
		for i := 0; i < 3; i++ {
			cfd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC|syscall.SOCK_NONBLOCK, 0)
			must(t, err)
			w.keepFD(cfd)
			if err := syscall.Connect(cfd, &syscall.SockaddrInet4{Port: 9, Addr: [4]byte{127, 0, 0, 1}}); err != nil && err != syscall.EINPROGRESS {
				t.Fatal(err)
			}
			time.Sleep(20 * time.Millisecond)
		}

		// Sockets of other users: the kernel records the creating
		// thread's fsuid. 65534 has a passwd name; 4242 has none.
		for _, uid := range []int{65534, 4242} {
			unix.Setfsuid(uid)
			fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
			unix.Setfsuid(0)
			must(t, err)
			w.keepFD(fd)
			must(t, syscall.Bind(fd, &syscall.SockaddrInet4{Port: 4000 + uid%1000, Addr: [4]byte{192, 0, 2, 1}}))
		}
	})
	time.Sleep(100 * time.Millisecond)
	return w
}

func TestNamesSameAsNetTools(t *testing.T) {
	w := newNamedWorld(t)
	w.compareWithNetTools(t, [][]string{
		{"-tan"}, {"-ta"}, {"-taW"}, {"-tanW"}, {"-tane"}, {"-tae"}, {"-taee"},
		{"-tl"}, {"-tl", "--numeric-ports"}, {"-tl", "--numeric-hosts"}, {"-t"},
		{"-uae"}, {"-uane"}, {"-ua", "--numeric-users", "-e"}, {"-tuaW"}, {"-6ta"}, {"-4tan"},
	})
}
