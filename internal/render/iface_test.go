package render

import (
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/netstat-go/netstat/groups"
	"github.com/netstat-go/netstat/interfaces"
)

var ifaceRows = []interfaces.Interface{
	{Name: "averylongifnam1", MTU: 1500, Flags: interfaces.Up | interfaces.Broadcast | interfaces.Multicast | interfaces.Running, Stats: &interfaces.Stats{}},
	{Name: "lo", MTU: 65536, Flags: interfaces.Up | interfaces.Loopback | interfaces.Running, Stats: &interfaces.Stats{RxPackets: 123456789012, TxPackets: 9, RxFIFO: 1234567, RxBytes: 1 << 40, TxBytes: 5}},
	{Name: "veth0:1", MTU: 1500, Flags: interfaces.Up | interfaces.Broadcast},
	{Name: "x10", MTU: 1500, Flags: interfaces.Up | interfaces.Broadcast | interfaces.Multicast | interfaces.Promisc | interfaces.AllMulti | interfaces.NoARP | interfaces.Dynamic | interfaces.NoTrailers, Stats: &interfaces.Stats{}},
	{Name: "evil\x1b[31m\nname-that-is-long", MTU: 0, Stats: &interfaces.Stats{RxErrors: 1, RxDropped: 2, TxErrors: 3, TxDropped: 4, TxFIFO: 5}},
	{Name: "ptp", MTU: 1480, Flags: interfaces.Up | interfaces.PointToPoint | interfaces.Debug | interfaces.Master | interfaces.Slave, Stats: &interfaces.Stats{}},
}

func TestIfaceGolden(t *testing.T) {
	for _, tc := range []struct {
		name  string
		table IfaceTable
	}{
		{"iface", IfaceTable{}},
		{"iface-wide", IfaceTable{Wide: true}},
		{"iface-bytes", IfaceTable{Bytes: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := append([]byte(IfaceTitle), tc.table.Header()...)
			for i := range ifaceRows {
				b = tc.table.AppendIface(b, &ifaceRows[i])
			}
			golden(t, filepath.Join("testdata", tc.name+".golden"), b)
		})
	}
}

func TestGroupsGolden(t *testing.T) {
	rows := []groups.Membership{
		{Index: 1, Interface: "lo", Group: netip.MustParseAddr("224.0.0.1"), Users: 1},
		{Index: 3, Interface: "averylongifnam1", Group: netip.MustParseAddr("127.0.0.1"), Users: 1234567},
		{Index: 3, Interface: "evil\x1b[31m\nname", Group: netip.MustParseAddr("ff02::1:ff00:1"), Users: 2},
	}
	for _, tc := range []struct {
		name  string
		names Namer
	}{{"groups-numeric", nil}, {"groups-names", fakeNames{}}} {
		t.Run(tc.name, func(t *testing.T) {
			b := []byte(GroupsTitle)
			for i := range rows {
				b = AppendGroup(b, &rows[i], tc.names)
			}
			golden(t, filepath.Join("testdata", tc.name+".golden"), b)
		})
	}
}
