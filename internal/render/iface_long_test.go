package render

import (
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/netstat-go/netstat/interfaces"
)

func TestIfaceLongGolden(t *testing.T) {
	up := interfaces.Up | interfaces.Broadcast | interfaces.Running | interfaces.Multicast
	mac := []byte{0x5a, 0x0e, 0xa1, 0xfa, 0xce, 0x5d, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	rows := []interfaces.Interface{
		{Name: "lo", MTU: 65536, Flags: interfaces.Up | interfaces.Loopback | interfaces.Running,
			Stats: &interfaces.Stats{RxPackets: 3, RxBytes: 1024, TxPackets: 3, TxBytes: 1025},
			Detail: &interfaces.Detail{
				Addr: netip.MustParseAddr("127.0.0.1"), Netmask: netip.MustParseAddr("255.0.0.0"),
				IPv6: []interfaces.IPv6Addr{
					{Addr: netip.MustParseAddr("::192.0.2.1"), PrefixLen: 96, Scope: 0x80},
					{Addr: netip.MustParseAddr("fec0::1"), PrefixLen: 64, Scope: 0x40},
					{Addr: netip.MustParseAddr("::ffff:192.0.2.3"), PrefixLen: 128, Scope: 0},
					{Addr: netip.MustParseAddr("::1"), PrefixLen: 128, Scope: 0x10},
				},
				HasHW: true, HWType: interfaces.HWLoopback, HWAddr: make([]byte, 16), TxQueueLen: 1000,
			}},
		{Name: "veth0", MTU: 1500, Flags: up,
			Stats: &interfaces.Stats{
				RxPackets: 1100, RxBytes: 872300, RxErrors: 1, RxDropped: 2, RxFIFO: 3, RxFrame: 4,
				TxPackets: 16384, TxBytes: 1073741824 + 1, TxErrors: 5, TxDropped: 6, TxFIFO: 7, TxCarrier: 8, Collisions: 9,
			},
			Detail: &interfaces.Detail{
				Addr: netip.MustParseAddr("192.0.2.1"), Netmask: netip.MustParseAddr("255.255.255.0"),
				Broadcast: netip.MustParseAddr("192.0.2.255"),
				IPv6: []interfaces.IPv6Addr{
					{Addr: netip.MustParseAddr("fe80::580e:a1ff:fefa:ce5d"), PrefixLen: 64, Scope: 0x20},
					{Addr: netip.MustParseAddr("2001:db8::1"), PrefixLen: 64, Scope: 0},
				},
				HasHW: true, HWType: interfaces.HWEther, HWAddr: mac, TxQueueLen: 1000,
			}},
		{Name: "veth0:1", MTU: 1500, Flags: up, Detail: &interfaces.Detail{
			Addr: netip.MustParseAddr("192.0.2.9"), Netmask: netip.MustParseAddr("255.255.255.0"),
			HasHW: true, HWType: interfaces.HWEther, HWAddr: mac, TxQueueLen: 1000,
		}},
		{Name: "tun0", MTU: 1500, Flags: interfaces.Up | interfaces.PointToPoint | interfaces.NoARP | interfaces.Multicast,
			Stats: &interfaces.Stats{TxBytes: 1<<50 + 1<<39},
			Detail: &interfaces.Detail{
				Addr: netip.MustParseAddr("10.0.0.1"), Netmask: netip.MustParseAddr("255.255.255.255"),
				Destination: netip.MustParseAddr("10.0.0.2"),
				HasHW:       true, HWType: interfaces.HWNone, HWAddr: []byte{0xab, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, TxQueueLen: 500,
			}},
		{Name: "x10", MTU: 1500, Flags: interfaces.Up | interfaces.Broadcast | interfaces.NoTrailers | interfaces.NoARP |
			interfaces.Promisc | interfaces.AllMulti | interfaces.Multicast | interfaces.Dynamic | interfaces.Debug,
			Stats: &interfaces.Stats{}, Detail: &interfaces.Detail{HasHW: true, HWType: interfaces.HWEther, HWAddr: mac, TxQueueLen: 1000}},
		{Name: "pa", MTU: 1500, Flags: interfaces.Broadcast | interfaces.Multicast | interfaces.PortSel, Stats: &interfaces.Stats{},
			Detail: &interfaces.Detail{HasHW: true, HWType: interfaces.HWEther, HWAddr: mac, TxQueueLen: 1000}},
		{Name: "pb", MTU: 1500, Flags: interfaces.Up | interfaces.PortSel | interfaces.AutoMedia, Detail: &interfaces.Detail{}},
		{Name: "pc", MTU: 1500, Flags: interfaces.AutoMedia, Detail: &interfaces.Detail{}},
		{Name: "evil\x1b[31m", MTU: 0, Stats: &interfaces.Stats{}},
	}
	var b []byte
	b = append(b, IfaceTitle...)
	for i := range rows {
		b = AppendIfaceLong(b, &rows[i])
	}
	golden(t, filepath.Join("testdata", "iface-long.golden"), b)
}

func TestAppendHumanBytes(t *testing.T) {
	// The boundaries and truncations were measured with net-tools 2.10.
	for _, tc := range []struct {
		n    uint64
		want string
	}{
		{0, "0.0 B"}, {180, "180.0 B"}, {1023, "1023.0 B"}, {1024, "1024.0 B"}, {1025, "1.0 KiB"},
		{1610, "1.5 KiB"}, {872300, "851.8 KiB"}, {1048575, "1023.9 KiB"}, {1048576, "1024.0 KiB"},
		{541474816, "516.3 MiB"}, {1073741823, "1023.9 MiB"}, {1073741824, "1024.0 MiB"}, {1073741852, "1.0 GiB"},
		{1<<40 + 1, "1.0 TiB"}, {1<<64 - 1, "16777215.9 TiB"},
	} {
		if got := string(AppendHumanBytes(nil, tc.n)); got != tc.want {
			t.Errorf("AppendHumanBytes(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
