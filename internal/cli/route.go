package cli

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/netstat-go/netstat/internal/render"
	"github.com/netstat-go/netstat/internal/resolve"
	"github.com/netstat-go/netstat/routes"
)

// routeNamer names route addresses: hosts through the resolver, networks
// from /etc/networks (as glibc's files backend: an entry matches the
// address or the address with its trailing zero bytes dropped).
type routeNamer struct {
	ctx  context.Context
	r    *resolve.Resolver
	nets map[uint32]string
}

func (n routeNamer) Host(a netip.Addr) (string, bool) { return n.r.Host(n.ctx, a) }

func (n routeNamer) Network(a netip.Addr) (string, bool) {
	if !a.Is4() {
		return "", false
	}
	b := a.As4()
	v := binary.BigEndian.Uint32(b[:])
	if name, ok := n.nets[v]; ok {
		return name, true
	}
	for v != 0 && v&0xff == 0 {
		v >>= 8
	}
	name, ok := n.nets[v]
	return name, ok
}

// parseNetworks reads /etc/networks: "name number [aliases]", where number
// is in inet_network(3) form ("10", "10.4", "192.0.2.0"). First entry wins.
func parseNetworks(r io.Reader) map[uint32]string {
	m := make(map[uint32]string)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		parts := strings.Split(f[1], ".")
		if len(parts) > 4 {
			continue
		}
		var v uint32
		ok := true
		for _, p := range parts {
			n, err := strconv.ParseUint(p, 0, 8)
			if err != nil {
				ok = false
				break
			}
			v = v<<8 | uint32(n)
		}
		if _, dup := m[v]; ok && !dup {
			m[v] = f[0]
		}
	}
	return m
}

func loadNetworks(path string) map[uint32]string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	return parseNetworks(f)
}

// runRoutes prints the routing tables (-r), or net-tools' routing cache
// listing (-C), which modern kernels (3.6+) leave empty for IPv4.
func runRoutes(o *Options, res *resolve.Resolver, stdout, stderr io.Writer) error {
	if (o.Unix || o.UnixAF) && !o.Inet && !o.Inet6 {
		fmt.Fprintln(stderr, "No routing for address family `unix'.")
		return statusError(exitUsage)
	}
	v4, v6 := o.routeFamilies()
	t := &render.RouteTable{Extend: o.Extend}
	if !o.NumericHosts {
		t.Names = routeNamer{ctx: context.Background(), r: res, nets: loadNetworks("/etc/networks")}
	}
	w := newRowWriter(stdout)
	var row []byte
	if v4 {
		io.WriteString(w, render.RouteTitle(routes.IPv4, o.Cache))
		io.WriteString(w, t.RouteHeader(o.Cache))
		rs, err := listedRoutes(o, routes.IPv4)
		if err != nil {
			w.Flush()
			return err
		}
		for i := range rs {
			row = t.AppendRoute(row[:0], &rs[i])
			w.Write(row)
		}
	}
	if v6 {
		io.WriteString(w, render.RouteTitle(routes.IPv6, o.Cache))
		io.WriteString(w, t.Route6Header())
		rs, err := listedRoutes(o, routes.IPv6)
		if err != nil {
			w.Flush()
			return err
		}
		for i := range rs {
			row = t.AppendRoute6(row[:0], &rs[i])
			w.Write(row)
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if o.Unix || o.UnixAF {
		return statusError(exitError)
	}
	return nil
}

// listedRoutes reads family's routes and keeps those net-tools lists: the
// IPv4 routes that are up (none for -C, which modern kernels leave empty),
// the IPv6 table or, with -C, its cached routes.
func listedRoutes(o *Options, family routes.Family) ([]routes.Route, error) {
	if family == routes.IPv4 && o.Cache {
		return nil, nil
	}
	rs, err := routes.List(routes.Config{}, family)
	if err != nil {
		return nil, err
	}
	kept := rs[:0]
	for i := range rs {
		if family == routes.IPv4 && render.Listed4(&rs[i]) || family == routes.IPv6 && render.Listed6(&rs[i], o.Cache) {
			kept = append(kept, rs[i])
		}
	}
	return kept, nil
}

// routeFamilies are the tables -r shows: IPv4 unless only -6 is given,
// IPv6 with -6.
func (o *Options) routeFamilies() (v4, v6 bool) { return o.Inet || !o.Inet6, o.Inet6 }
