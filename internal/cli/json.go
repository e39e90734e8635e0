package cli

import (
	"context"
	"errors"
	"io"
	"os"
	"time"

	"github.com/netstat-go/netstat/interfaces"
	"github.com/netstat-go/netstat/internal/linux/procfs"
	"github.com/netstat-go/netstat/internal/render"
	"github.com/netstat-go/netstat/internal/resolve"
	"github.com/netstat-go/netstat/internal/stats"
	"github.com/netstat-go/netstat/netns"
	"github.com/netstat-go/netstat/routes"
	"github.com/netstat-go/netstat/sockets"
)

// jsonOut writes --json documents, one line per round (NDJSON when
// repeating). The small modes build their document whole and write it
// with one call, so a failing round prints nothing on standard output (its
// error goes to standard error); the socket listing streams (see sockets).
type jsonOut struct {
	o      *Options
	res    *resolve.Resolver
	stdout io.Writer
	stderr io.Writer
	buf    []byte // reused between rounds
	now    func() time.Time
	// ns is the namespace the documents describe (--netns, and each of
	// --all-netns's for the modes other than sockets).
	ns *netns.Namespace
}

// begin starts a document of mode.
func (j *jsonOut) begin(mode string) *render.Doc {
	d := render.BeginDoc(j.buf, mode, j.now())
	if j.ns != nil {
		d.Field("netns", render.NetnsJSON(j.ns.Inode, j.ns.Name))
	}
	return d
}

func (j *jsonOut) write(d *render.Doc, warnings []string) error {
	j.buf = d.End(warnings)
	_, err := j.stdout.Write(j.buf)
	return err
}

// round returns the function that prints one round of the chosen mode.
func (j *jsonOut) round() func() error {
	o := j.o
	switch {
	case o.Route:
		return j.routes
	case o.Interfaces:
		return j.interfaces
	case o.Groups:
		return j.groups
	case o.Statistics:
		return j.statistics
	case o.Summary:
		return j.summary
	}
	return j.sockets
}

// sockets streams the listing: the document goes out in pieces of whole
// sockets as it grows, so memory stays flat however many sockets there
// are. A failure before anything is out prints nothing; after, the
// document is closed with an "error" member, so it stays valid JSON, and
// the status is 1.
func (j *jsonOut) sockets() error {
	r, err := gatherSockets(j.o, j.res, j.stderr)
	if err != nil {
		return err
	}
	defer r.close()
	d := j.begin("sockets")
	d.BeginArray("sockets")
	started := false
	var werr error
	item := func(s *sockets.Socket) error {
		js := r.t.JSON(s)
		if n := r.namespace(); n != nil {
			js.Netns = render.NetnsJSON(n.Inode, n.Name)
		}
		d.Item(js)
		if d.Len() >= rowBatch {
			started = true
			if _, werr = j.stdout.Write(d.Take()); werr != nil {
				return werr
			}
		}
		return nil
	}
	for _, walk := range []func(func(*sockets.Socket) error) error{r.walkInet, r.walkUnix} {
		if walk == nil {
			continue
		}
		if err := walk(item); err != nil {
			if !started || werr != nil {
				return err
			}
			d.EndArray()
			d.Field("error", err.Error())
			j.write(d, r.warnings)
			return err
		}
	}
	d.EndArray()
	if err := j.write(d, r.warnings); err != nil {
		return err
	}
	if r.failed {
		return statusError(exitError)
	}
	return nil
}

func (j *jsonOut) routes() error {
	o := j.o
	if (o.Unix || o.UnixAF) && !o.Inet && !o.Inet6 {
		return runRoutes(o, j.res, j.stdout, j.stderr) // its message and status
	}
	t := &render.RouteTable{}
	if !o.NumericHosts {
		t.Names = routeNamer{ctx: context.Background(), r: j.res, nets: loadNetworks("/etc/networks")}
	}
	d := j.begin("routes")
	d.Field("cache", o.Cache)
	d.BeginArray("routes")
	v4, v6 := o.routeFamilies()
	for _, fam := range []routes.Family{routes.IPv4, routes.IPv6} {
		if fam == routes.IPv4 && !v4 || fam == routes.IPv6 && !v6 {
			continue
		}
		rs, err := listedRoutes(o, fam)
		if err != nil {
			return err
		}
		for i := range rs {
			d.Item(t.JSON(&rs[i]))
		}
	}
	d.EndArray()
	return j.write(d, nil)
}

func (j *jsonOut) interfaces() error {
	list, err := interfaces.ListDetailed()
	if err != nil {
		return err
	}
	d := j.begin("interfaces")
	d.BeginArray("interfaces")
	for i := range list {
		if j.o.All || list[i].Flags&interfaces.Up != 0 {
			d.Item(render.InterfaceJSON(&list[i]))
		}
	}
	d.EndArray()
	return j.write(d, nil)
}

func (j *jsonOut) groups() error {
	list, names, err := listGroups(j.o, j.res)
	if err != nil {
		return err
	}
	d := j.begin("groups")
	d.BeginArray("groups")
	for i := range list {
		d.Item(render.GroupJSON(&list[i], names))
	}
	d.EndArray()
	return j.write(d, nil)
}

// statistics prints the counters of the files -s reads, in sections as
// the kernel names them; -6 adds /proc/net/snmp6's. -t, -u and -w keep
// the sections they keep in text.
func (j *jsonOut) statistics() error {
	o := j.o
	if msg := statsFamilyError(o); msg != "" {
		return errors.New(msg[len("netstat: "):])
	}
	v4, v6, err := readStats(o, os.DirFS(procNet()))
	if err != nil {
		return err
	}
	sel := statsSelection(o)
	var secs []procfs.SNMPSection
	for _, s := range append(v4, stats.Sections6(v6)...) {
		if sel.Selects(s.Name) {
			secs = append(secs, s)
		}
	}
	d := j.begin("statistics")
	d.RawField("statistics", render.AppendStatsJSON(nil, secs))
	return j.write(d, nil)
}

func (j *jsonOut) summary() error {
	s, err := sockets.ReadSummary(sockets.Config{})
	if err != nil {
		return err
	}
	d := j.begin("summary")
	d.Field("summary", render.SummaryJSON(&s))
	return j.write(d, nil)
}
