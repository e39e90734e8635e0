package render

import (
	"math/bits"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/netstat-go/netstat/internal/linux/procfs"
	"github.com/netstat-go/netstat/routes"
)

// The route-r*.golden files were first written by net-tools netstat 2.10
// reading testdata/route-proc-*.txt as its /proc/net files (a tmpfs on
// /proc in a private mount namespace); -update rewrites them from this
// renderer, so a diff shows any departure from net-tools.

func loadRoutes(t *testing.T) (v4, v6 []routes.Route) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "route-proc-route.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	err = procfs.ParseRoute(f, f.Name(), func(r *procfs.RouteRow) error {
		m := r.Mask.As4()
		ones := bits.LeadingZeros32(^(uint32(m[0])<<24 | uint32(m[1])<<16 | uint32(m[2])<<8 | uint32(m[3])))
		v4 = append(v4, routes.Route{Family: routes.IPv4, Destination: netip.PrefixFrom(r.Destination, ones),
			Gateway: r.Gateway, Flags: routes.Flags(r.Flags), Interface: r.Iface, Metric: r.Metric,
			RefCount: r.RefCnt, Use: r.Use, MTU: r.MTU, Window: r.Window, IRTT: r.IRTT})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	g, err := os.Open(filepath.Join("testdata", "route-proc-ipv6_route.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	err = procfs.ParseIPv6Route(g, g.Name(), func(r *procfs.IPv6RouteRow) error {
		v6 = append(v6, routes.Route{Family: routes.IPv6, Destination: r.Destination, Source: r.Source,
			Gateway: r.Gateway, Flags: routes.Flags(r.Flags), Interface: r.Iface, Metric: r.Metric,
			RefCount: int32(r.RefCnt), Use: r.Use})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return v4, v6
}

func TestRouteGolden(t *testing.T) {
	v4, v6 := loadRoutes(t)
	for _, tc := range []struct {
		name   string
		extend int
		ipv6   bool
	}{
		{"rn", 0, false}, {"rne", 1, false}, {"rnee", 2, false}, {"rn6", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab := &RouteTable{Extend: tc.extend}
			var b []byte
			if tc.ipv6 {
				b = append(b, RouteTitle(routes.IPv6, false)...)
				b = append(b, tab.Route6Header()...)
				for i := range v6 {
					if Listed6(&v6[i], false) {
						b = tab.AppendRoute6(b, &v6[i])
					}
				}
			} else {
				b = append(b, RouteTitle(routes.IPv4, false)...)
				b = append(b, tab.RouteHeader(false)...)
				for i := range v4 {
					if Listed4(&v4[i]) {
						b = tab.AppendRoute(b, &v4[i])
					}
				}
			}
			path := filepath.Join("testdata", "route-"+tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(b)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

type routeNames struct{}

func (routeNames) Host(a netip.Addr) (string, bool) {
	switch a.String() {
	case "192.0.2.254":
		return "gw-with-a-rather-long-name.example.com", true
	case "203.0.113.77", "10.4.0.0":
		return "host77", true
	case "2001:db8:1::":
		return "sixnet", true
	}
	return "", false
}

func (routeNames) Network(a netip.Addr) (string, bool) {
	if a.String() == "10.4.0.0" {
		return "tennet", true
	}
	return "", false
}

func TestRouteNames(t *testing.T) {
	tab := &RouteTable{Names: routeNames{}}
	for _, tc := range []struct {
		r    routes.Route
		want string
	}{
		{routes.Route{Destination: netip.MustParsePrefix("0.0.0.0/0"), Gateway: netip.MustParseAddr("192.0.2.254"), Flags: routes.Up | routes.Gateway, Interface: "eth0"},
			"default         gw-with-a-rathe 0.0.0.0         UG        0 0          0 eth0\n"},
		{routes.Route{Destination: netip.MustParsePrefix("10.4.0.0/16"), Gateway: netip.IPv4Unspecified(), Flags: routes.Up, Interface: "eth0"},
			"tennet          0.0.0.0         255.255.0.0     U         0 0          0 eth0\n"},
		{routes.Route{Destination: netip.MustParsePrefix("10.4.0.0/16"), Gateway: netip.IPv4Unspecified(), Flags: routes.Up | routes.Host, Interface: "eth0"},
			"host77          0.0.0.0         255.255.0.0     UH        0 0          0 eth0\n"},
		{routes.Route{Destination: netip.MustParsePrefix("203.0.113.77/24"), Gateway: netip.IPv4Unspecified(), Flags: routes.Up, Interface: "eth0"},
			"host77          0.0.0.0         255.255.255.0   U         0 0          0 eth0\n"},
		{routes.Route{Destination: netip.MustParsePrefix("10.0.0.0/0"), Gateway: netip.IPv4Unspecified(), Flags: routes.Up, Interface: "eth0"},
			"10.0.0.0        0.0.0.0         0.0.0.0         U         0 0          0 eth0\n"},
		{routes.Route{Family: routes.IPv6, Destination: netip.MustParsePrefix("2001:db8:1::/48"), Gateway: netip.IPv6Unspecified(), Flags: routes.Up, Interface: "eth0", Metric: 256, RefCount: 1},
			"sixnet/48                      [::]                       U    256 1      0 eth0\n"},
	} {
		var got []byte
		if tc.r.Family == routes.IPv6 {
			got = tab.AppendRoute6(nil, &tc.r)
		} else {
			got = tab.AppendRoute(nil, &tc.r)
		}
		if diff := cmp.Diff(tc.want, string(got)); diff != "" {
			t.Errorf("%v (-want +got):\n%s", tc.r.Destination, diff)
		}
	}
}
