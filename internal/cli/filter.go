package cli

import (
	"context"
	"net"
	"net/netip"
	"time"

	"github.com/netstat-go/netstat/internal/filter"
	"github.com/netstat-go/netstat/sockets"
)

// applyFilter adds an ss-style filter (`state established`, `dport = :443
// or sport = :443`) to q: its states narrow the kernel's state mask, its
// expression becomes kernel bytecode where the kernel can evaluate it, and
// the same expression runs in userland on every socket, so /proc and
// netlink select alike.
func applyFilter(q *sockets.Query, args []string) error {
	f, err := filter.Parse(args, filter.Names{Services: servicePort, Hosts: hostAddrs})
	if err != nil {
		return err
	}
	if f.States != 0 {
		// A state filter says which sockets to show, servers or not.
		q.States = f.States
		q.Listening, q.Connected = true, true
	}
	if f.Expr == nil {
		return nil
	}
	prog, _, err := filter.Compile(f.Expr, interfaceIndex)
	if err != nil {
		return err
	}
	q.Bytecode = prog
	match, expr := q.Match, f.Expr
	q.Match = func(s *sockets.Socket) bool {
		return (match == nil || match(s)) && expr.Eval(s)
	}
	return nil
}

// servicePort resolves ":ssh" from /etc/services (TCP first, then UDP);
// it never touches the network.
func servicePort(name string) (uint16, bool) {
	for _, proto := range []string{"tcp", "udp"} {
		if p, err := net.LookupPort(proto, name); err == nil {
			return uint16(p), true
		}
	}
	return 0, false
}

// hostAddrs resolves a host name in src or dst as the system does (the
// hosts file, then DNS), within a bounded time: a filter names hosts on
// purpose, so -n does not stop it, as it does not stop ss.
func hostAddrs(name string) ([]netip.Addr, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	as, err := net.DefaultResolver.LookupNetIP(ctx, "ip4", name)
	return as, err == nil
}

func interfaceIndex(name string) (uint32, bool) {
	ifc, err := net.InterfaceByName(name)
	if err != nil {
		return 0, false
	}
	return uint32(ifc.Index), true
}
