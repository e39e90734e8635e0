package cli

import (
	"context"
	"io"

	"github.com/netstat-go/netstat/groups"
	"github.com/netstat-go/netstat/internal/render"
	"github.com/netstat-go/netstat/internal/resolve"
)

// runGroups prints the multicast group memberships (-g). As in net-tools,
// -4 or -6 selects the family, and also makes the Internet socket table
// come first (net-tools treats the family flag as a request for sockets
// too).
func runGroups(o *Options, res *resolve.Resolver, stdout, stderr io.Writer) error {
	if o.Inet || o.Inet6 {
		if err := runSockets(o, res, stdout, stderr); err != nil {
			return err
		}
	}
	list, names, err := listGroups(o, res)
	if err != nil {
		return err
	}
	w := newRowWriter(stdout)
	w.WriteString(render.GroupsTitle)
	var b []byte
	for i := range list {
		b = render.AppendGroup(b[:0], &list[i], names)
		w.Write(b)
	}
	return w.Flush()
}

// listGroups reads the memberships of the families -4 and -6 select (both
// when neither is given), and the namer for their group addresses (nil
// with -n).
func listGroups(o *Options, res *resolve.Resolver) ([]groups.Membership, render.Namer, error) {
	fam := groups.IPv4 | groups.IPv6
	if o.Inet || o.Inet6 {
		fam = 0
		if o.Inet {
			fam |= groups.IPv4
		}
		if o.Inet6 {
			fam |= groups.IPv6
		}
	}
	list, err := groups.List(fam)
	if err != nil {
		return nil, nil, err
	}
	if o.NumericHosts {
		return list, nil, nil
	}
	return list, namer{context.Background(), res}, nil
}
