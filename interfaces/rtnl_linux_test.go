package interfaces

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/netstat-go/netstat/internal/linux/rtnl"
	"github.com/netstat-go/netstat/internal/nstest"
	"golang.org/x/sys/unix"
)

// listBoth lists the namespace's interfaces from both sources and returns
// their difference, retrying a few times should counters move in between.
func listBoth(t *testing.T, ns *nstest.Netns) (nl []Interface, diff string) {
	t.Helper()
	for try := 0; try < 5; try++ {
		var proc []Interface
		var nlErr, procErr error
		ns.Do(func() {
			nl, nlErr = ListFrom(Netlink)
			proc, procErr = ListFrom(Proc)
		})
		if nlErr != nil || procErr != nil {
			t.Fatalf("ListFrom(Netlink): %v; ListFrom(Proc): %v", nlErr, procErr)
		}
		if diff = cmp.Diff(proc, nl); diff == "" {
			return nl, ""
		}
	}
	return nl, diff
}

func TestNetlinkMatchesProc(t *testing.T) {
	ns := nstest.New(t)
	run := func(args ...string) {
		t.Helper()
		if out, err := ns.Command("ip", args...); err != nil {
			t.Fatalf("ip %v: %v: %s", args, err, out)
		}
	}
	// No IPv6 on the veths: no DAD or MLD packets to move counters.
	ns.Do(func() {
		_ = os.WriteFile("/proc/sys/net/ipv6/conf/default/disable_ipv6", []byte("1"), 0)
		_ = os.WriteFile("/proc/sys/net/ipv6/conf/all/disable_ipv6", []byte("1"), 0)
	})
	run("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	run("link", "add", "veth10", "type", "veth", "peer", "name", "veth2")
	run("link", "set", "veth0", "up")
	run("link", "set", "veth1", "up")
	run("addr", "add", "192.0.2.9/24", "dev", "veth0", "label", "veth0:1")
	run("addr", "add", "192.0.2.10/24", "dev", "veth0")
	run("addr", "add", "198.51.100.1/24", "dev", "veth2", "label", "veth2:x")
	run("addr", "add", "198.51.100.2/24", "dev", "veth2", "label", "veth2:x")
	run("link", "set", "veth0", "mtu", "1400")
	run("link", "set", "veth2", "mtu", "9000")
	// Some counts on lo, then no more traffic.
	ns.Do(func() {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Errorf("socket: %v", err)
			return
		}
		defer unix.Close(fd)
		to := &unix.SockaddrInet4{Port: 9, Addr: [4]byte{127, 0, 0, 1}}
		for range 3 {
			if err := unix.Sendto(fd, []byte("counted"), 0, to); err != nil {
				t.Errorf("sendto: %v", err)
			}
		}
	})

	check := func(step string, want ...string) {
		t.Helper()
		nl, diff := listBoth(t, ns)
		if diff != "" {
			t.Fatalf("%s: ListFrom(Netlink) differs from ListFrom(Proc) (-proc +netlink):\n%s", step, diff)
		}
		var names []string
		for _, i := range nl {
			names = append(names, i.Name)
		}
		if d := cmp.Diff(want, names); d != "" {
			t.Errorf("%s: names (-want +got):\n%s", step, d)
		}
		var auto []Interface
		var err error
		ns.Do(func() { auto, err = List() })
		if err != nil {
			t.Fatalf("%s: List: %v", step, err)
		}
		if len(auto) != len(nl) {
			t.Errorf("%s: List gave %d interfaces, ListFrom(Netlink) %d", step, len(auto), len(nl))
		}
	}
	all := []string{"lo", "veth0", "veth0:1", "veth1", "veth2", "veth2:x", "veth10"}
	check("initial", all...)
	nl, _ := listBoth(t, ns)
	for _, i := range nl {
		switch i.Name {
		case "veth0", "veth0:1":
			if i.MTU != 1400 || i.Flags&Up == 0 {
				t.Errorf("%s: MTU %d flags %v, want 1400 and UP", i.Name, i.MTU, i.Flags)
			}
			if (i.Stats == nil) != (i.Name == "veth0:1") {
				t.Errorf("%s: Stats %v", i.Name, i.Stats)
			}
		case "lo":
			if i.Stats == nil || i.Stats.RxPackets == 0 {
				t.Errorf("lo: no packets counted: %+v", i.Stats)
			}
		case "veth2", "veth2:x":
			if i.MTU != 9000 || i.Flags&Up != 0 {
				t.Errorf("%s: MTU %d flags %v, want 9000 and down", i.Name, i.MTU, i.Flags)
			}
		}
	}

	run("link", "set", "veth0", "down")
	run("link", "set", "veth2", "up")
	run("link", "set", "veth2", "promisc", "on")
	run("link", "set", "veth0", "mtu", "1280")
	check("flipped", all...)

	run("link", "del", "veth10")
	check("deleted", "lo", "veth0", "veth0:1", "veth1")
}

func TestAutoFallsBack(t *testing.T) {
	ns := nstest.New(t)
	nl := sources[Netlink]
	t.Cleanup(func() { sources[Netlink] = nl })
	sources[Netlink] = func() ([]Interface, error) { return nil, unix.EACCES }
	var auto, proc []Interface
	var autoErr, procErr error
	ns.Do(func() {
		auto, autoErr = List()
		proc, procErr = ListFrom(Proc)
	})
	if autoErr != nil || procErr != nil {
		t.Fatalf("List: %v; ListFrom(Proc): %v", autoErr, procErr)
	}
	if d := cmp.Diff(proc, auto); d != "" || len(auto) == 0 {
		t.Errorf("List with netlink refused (-proc +auto):\n%s", d)
	}
}

func TestListFromUnknown(t *testing.T) {
	if _, err := ListFrom(Source(99)); !errors.Is(err, ErrNotSupported) {
		t.Errorf("ListFrom(99): %v, want ErrNotSupported", err)
	}
}

// link builds an RTM_NEWLINK payload.
func link(index int32, flags uint32, attrs ...[]byte) []byte {
	p := make([]byte, ifinfomsgLen)
	ne.PutUint32(p[4:], uint32(index))
	ne.PutUint32(p[8:], flags)
	for _, a := range attrs {
		p = append(p, a...)
	}
	return p
}

func attr(typ uint16, v []byte) []byte {
	a := make([]byte, rtattrHdrLen, align4(rtattrHdrLen+len(v)))
	ne.PutUint16(a[0:], uint16(rtattrHdrLen+len(v)))
	ne.PutUint16(a[2:], typ)
	a = append(a, v...)
	return a[:cap(a)]
}

func TestDecodeLinkStats(t *testing.T) {
	// Field i of rtnl_link_stats64 holds 1<<i, so each sum shows which
	// fields went into it. 25 fields: rx_nohandler and rx_otherhost_dropped
	// must not count.
	v := make([]byte, 25*8)
	for i := range 25 {
		ne.PutUint64(v[8*i:], 1<<i)
	}
	p := link(7, 0x11043, attr(unix.IFLA_IFNAME, []byte("eth0\x00")),
		attr(unix.IFLA_MTU, binary.NativeEndian.AppendUint32(nil, 1500)),
		attr(unix.IFLA_STATS64, v))
	l, err := decodeLink(p)
	if err != nil {
		t.Fatal(err)
	}
	want := rtLink{Index: 7, Flags: 0x11043, Name: "eth0", MTU: 1500, Stats: &Stats{
		RxPackets: 1 << 0, TxPackets: 1 << 1, RxBytes: 1 << 2, TxBytes: 1 << 3,
		RxErrors: 1 << 4, TxErrors: 1 << 5,
		RxDropped:   1<<6 | 1<<15, // rx_dropped + rx_missed_errors
		TxDropped:   1 << 7,
		RxMulticast: 1 << 8, Collisions: 1 << 9,
		RxFrame:      1<<10 | 1<<11 | 1<<12 | 1<<13, // length, over, crc, frame
		RxFIFO:       1 << 14,
		TxCarrier:    1<<16 | 1<<17 | 1<<19 | 1<<20, // aborted, carrier, heartbeat, window
		TxFIFO:       1 << 18,
		RxCompressed: 1 << 21, TxCompressed: 1 << 22,
	}}
	if d := cmp.Diff(want, l); d != "" {
		t.Errorf("decodeLink (-want +got):\n%s", d)
	}
	// A short IFLA_STATS64 is ignored, a truncated attribute is an error.
	if l, err := decodeLink(link(1, 0, attr(unix.IFLA_STATS64, v[:22*8]))); err != nil || l.Stats != nil {
		t.Errorf("short stats: %+v, %v", l, err)
	}
	if _, err := decodeLink(p[:len(p)-1]); err == nil {
		t.Error("truncated attribute: no error")
	}
	if _, err := decodeLink(p[:10]); err == nil {
		t.Error("truncated ifinfomsg: no error")
	}
}

func FuzzDecodeLink(f *testing.F) {
	f.Add(link(1, 0x49, attr(unix.IFLA_IFNAME, []byte("lo\x00"))))
	f.Fuzz(func(t *testing.T, p []byte) {
		l, err := decodeLink(p)
		if err != nil {
			return
		}
		if len(p) < ifinfomsgLen {
			t.Fatalf("decoded %d bytes without error", len(p))
		}
		_ = l
		_, _, _, _ = decodeAddr(p)
		_, _, _ = rtnl.Walk(p, 0, 0, func(uint16, []byte) error { return nil })
	})
}

var writeSeeds = flag.Bool("interfaces.write-seeds", false,
	"regenerate testdata/fuzz/FuzzDecodeLink/kernel-* (needs root: captures RTM_NEWLINK replies in a new network namespace)")

// TestWriteFuzzSeeds regenerates the kernel-* seeds of FuzzDecodeLink as
//
//	go test -run TestWriteFuzzSeeds ./interfaces/ -interfaces.write-seeds
//
// capturing this kernel's RTM_NEWLINK payloads in a fresh network namespace
// holding only lo and a veth pair, so that no host details are recorded.
func TestWriteFuzzSeeds(t *testing.T) {
	if !*writeSeeds {
		t.Skip("run with -interfaces.write-seeds to regenerate testdata/fuzz")
	}
	ns := nstest.New(t)
	if out, err := ns.Command("ip", "link", "add", "veth0", "type", "veth", "peer", "name", "veth1"); err != nil {
		t.Fatalf("ip link add: %v: %s", err, out)
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDecodeLink")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ns.Do(func() {
		c, err := rtnl.Dial()
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close()
		n := 0
		err = c.Dump(unix.RTM_GETLINK, header(unix.AF_UNSPEC, ifinfomsgLen), func(typ uint16, p []byte) error {
			seed := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", p)
			n++
			return os.WriteFile(filepath.Join(dir, fmt.Sprintf("kernel-link-%d", n)), []byte(seed), 0o644)
		})
		if err != nil {
			t.Error(err)
		}
	})
}
