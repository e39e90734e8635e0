package routes

import (
	"fmt"
	"math/bits"
	"net/netip"
	"os"
	"path/filepath"

	"github.com/netstat-go/netstat/internal/linux/procfs"
)

func list(cfg Config, family Family) ([]Route, error) {
	if family != IPv4 && family != IPv6 {
		return nil, fmt.Errorf("routes: unknown family %v", family)
	}
	// Auto is /proc: see the Netlink doc for what the dump cannot match.
	if cfg.Source == Netlink {
		return listNetlink(family)
	}
	dir := cfg.ProcNet
	if dir == "" {
		dir = "/proc/thread-self/net"
	}
	var rs []Route
	switch family {
	case IPv4:
		path := filepath.Join(dir, "route")
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		err = procfs.ParseRoute(f, path, func(r *procfs.RouteRow) error {
			rs = append(rs, fromRow4(r))
			return nil
		})
		return rs, err
	case IPv6:
		path := filepath.Join(dir, "ipv6_route")
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		err = procfs.ParseIPv6Route(f, path, func(r *procfs.IPv6RouteRow) error {
			rs = append(rs, Route{
				Family: IPv6, Destination: r.Destination, Source: r.Source, Gateway: r.Gateway,
				Flags: Flags(r.Flags), Interface: r.Iface, Metric: r.Metric,
				RefCount: int32(r.RefCnt), Use: r.Use,
			})
			return nil
		})
		return rs, err
	}
	return nil, fmt.Errorf("routes: unknown family %v", family)
}

func fromRow4(r *procfs.RouteRow) Route {
	m := r.Mask.As4()
	v := uint32(m[0])<<24 | uint32(m[1])<<16 | uint32(m[2])<<8 | uint32(m[3])
	// The kernel's masks are contiguous; LeadingZeros of the inverse
	// counts the ones.
	ones := bits.LeadingZeros32(^v)
	return Route{
		Family: IPv4, Destination: netip.PrefixFrom(r.Destination, ones), Gateway: r.Gateway,
		Flags: Flags(r.Flags), Interface: r.Iface, Metric: r.Metric, RefCount: r.RefCnt,
		Use: r.Use, MTU: r.MTU, Window: r.Window, IRTT: r.IRTT,
	}
}
