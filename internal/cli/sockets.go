package cli

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"strconv"

	"github.com/netstat-go/netstat/internal/render"
	"github.com/netstat-go/netstat/internal/resolve"
	"github.com/netstat-go/netstat/netns"
	"github.com/netstat-go/netstat/sockets"
)

// selection is what a socket listing covers, worked out from the options
// the way net-tools combines protocol and family flags.
type selection struct {
	inet       []sockets.Protocol
	inetTitle  bool // print the Internet table even if no protocol is listable (-S)
	ipv4, ipv6 bool
	unix       bool
	// messages net-tools prints on standard error for what it cannot list,
	// and whether they make the exit status 1.
	messages []string
	failed   bool
}

func noSupport(af string) string {
	return fmt.Sprintf("netstat: no support for `%s' on this system.", af)
}

var afNames = map[string]string{
	"ax25": "AF AX25", "ipx": "AF IPX", "netrom": "AF NETROM", "x25": "AF X25", "rose": "AF ROSE",
}

func selectSockets(o *Options) selection {
	var sel selection
	inetGiven := o.TCP || o.UDP || o.UDPLite || o.Raw || o.SCTP
	afGiven := o.Inet || o.Inet6 || o.UnixAF || len(o.unsupported) > 0
	if !inetGiven && !o.Unix && !afGiven {
		sel.inet = []sockets.Protocol{sockets.TCP, sockets.UDP, sockets.UDPLite, sockets.Raw}
		sel.inetTitle, sel.ipv4, sel.ipv6, sel.unix = true, true, true, true
		if o.Verbose {
			// net-tools' default selection includes families it was built
			// with but the kernel lacks; -v names them.
			sel.messages = append(sel.messages, noSupport("AF INET (sctp)"))
			if o.All {
				sel.messages = append(sel.messages, noSupport("AF INET (sctp)"))
			}
			for _, af := range []string{"AF IPX", "AF AX25", "AF X25", "AF NETROM", "AF ROSE"} {
				sel.messages = append(sel.messages, noSupport(af))
			}
		}
		return sel
	}
	add := func(on bool, p sockets.Protocol) {
		if on {
			sel.inet = append(sel.inet, p)
		}
	}
	if inetGiven {
		add(o.TCP, sockets.TCP)
		add(o.UDP, sockets.UDP)
		add(o.UDPLite, sockets.UDPLite)
		add(o.Raw, sockets.Raw)
		sel.inetTitle = true
	} else if o.Inet || o.Inet6 {
		sel.inet = []sockets.Protocol{sockets.TCP, sockets.UDP, sockets.UDPLite, sockets.Raw}
		sel.inetTitle = true
	}
	sel.ipv4, sel.ipv6 = o.Inet, o.Inet6
	if !o.Inet && !o.Inet6 {
		sel.ipv4, sel.ipv6 = true, true
	}
	sel.unix = o.Unix || o.UnixAF
	if o.SCTP {
		sel.messages = append(sel.messages, noSupport("AF INET (sctp)"))
		sel.failed = true
	}
	for _, name := range o.unsupported {
		if name == "bluetooth" {
			sel.messages = append(sel.messages, "netstat: feature `AF BLUETOOTH' not supported.",
				"Please recompile `net-tools' with newer kernel source or full configuration.")
		} else {
			sel.messages = append(sel.messages, noSupport(afNames[name]))
		}
		sel.failed = true
	}
	return sel
}

func (o *Options) selection() render.Selection {
	switch {
	case o.All:
		return render.Everything
	case o.Listening:
		return render.Servers
	}
	return render.Connected
}

func sourceOf(name string) sockets.Source {
	switch name {
	case "netlink":
		return sockets.Netlink
	case "proc":
		return sockets.Proc
	}
	return sockets.Auto
}

// namer adapts the resolver to the renderer, giving host lookups the run's
// context.
type namer struct {
	ctx context.Context
	r   *resolve.Resolver
}

func (n namer) Host(a netip.Addr) (string, bool)           { return n.r.Host(n.ctx, a) }
func (n namer) Port(p uint16, proto string) (string, bool) { return n.r.Port(p, proto) }
func (n namer) Protocol(num uint8) (string, bool)          { return n.r.Protocol(num) }
func (n namer) User(uid uint32) (string, bool)             { return n.r.User(uid) }

// socketRun is one round's socket selection, ready to walk: the table
// settings, and a walk for each table (nil when it is not listed).
type socketRun struct {
	t                  *render.Table
	walkInet, walkUnix func(fn func(*sockets.Socket) error) error
	lister             *sockets.Lister
	// warnings are the messages already printed on standard error;
	// failed makes the status 1 once the tables are out.
	warnings []string
	failed   bool
	// With --all-netns: the namespaces, and which one the socket being
	// walked belongs to (an index into spaces).
	spaces []space
	cur    int
}

// close releases the run's kernel connections and namespaces.
func (r *socketRun) close() {
	r.lister.Close()
	closeSpaces(r.spaces)
}

// namespace is the namespace of the socket being walked, nil without
// --all-netns.
func (r *socketRun) namespace() *netns.Namespace {
	if r.spaces == nil {
		return nil
	}
	return &r.spaces[r.cur].ns
}

// gatherSockets prepares a round of the socket listing. Without -p (and
// --pid, --program) the walks stream from the kernel; with them, the
// selected sockets are dumped first, so that the process scan looks for
// exactly their inodes, and the walks replay them. The caller closes the
// run's lister.
func gatherSockets(o *Options, res *resolve.Resolver, stderr io.Writer) (*socketRun, error) {
	sel := selectSockets(o)
	r := &socketRun{failed: sel.failed}
	for _, m := range sel.messages {
		fmt.Fprintln(stderr, m)
		r.warnings = append(r.warnings, m)
	}
	t := &render.Table{
		Wide:         o.Wide,
		Extend:       o.Extend,
		NumericHosts: o.NumericHosts,
		NumericPorts: o.NumericPorts,
		NumericUsers: o.NumericUsers,
		Programs:     o.Programs,
		Contexts:     o.Context,
		Timers:       o.Timers,
		TCPInfo:      o.TCPInfo,
		Memory:       o.Memory,
	}
	r.t = t
	if o.Context {
		t.Context = processContext
	}
	ctx := context.Background()
	if !(o.NumericHosts && o.NumericPorts && o.NumericUsers) {
		t.Names = namer{ctx, res}
	}
	// Mistakes in the query come out before anything is opened.
	q := sockets.Query{
		IPv4:      sel.ipv4,
		IPv6:      sel.ipv6,
		Listening: o.All || o.Listening,
		Connected: o.All || !o.Listening,
		TCPInfo:   o.TCPInfo,
		Memory:    o.Memory,
	}
	if o.User != "" {
		uid, err := userID(o.User, res)
		if err != nil {
			return nil, err
		}
		q.Match = func(s *sockets.Socket) bool { return s.UID == uid }
	}
	if args := filterArgs(o); len(args) > 0 {
		if err := applyFilter(&q, args); err != nil {
			return nil, err
		}
	}
	// A malformed /proc line is skipped with a warning, as net-tools
	// does ("warning, got bogus unix line."), and the rest is shown.
	cfg := sockets.Config{Source: sourceOf(o.Source), Warn: func(err error) {
		w := "warning: " + err.Error() + " (line skipped)"
		fmt.Fprintln(stderr, "netstat: "+w)
		r.warnings = append(r.warnings, w)
	}}
	l := sockets.NewLister(cfg)
	r.lister = l
	if o.AllNetns {
		ss, warnings, err := spaces(stderr)
		if err != nil {
			return nil, err
		}
		r.spaces = ss
		r.warnings = append(r.warnings, warnings...)
	}
	// walker lists q's sockets: in this thread's namespace, or with
	// --all-netns in each namespace in turn, through a connection opened
	// inside it (a netlink socket belongs to the namespace it was created
	// in).
	walker := func(q sockets.Query) func(fn func(*sockets.Socket) error) error {
		if r.spaces == nil {
			return func(fn func(*sockets.Socket) error) error { return l.Walk(q, fn) }
		}
		return func(fn func(*sockets.Socket) error) error {
			for i := range r.spaces {
				r.cur = i
				err := r.spaces[i].h.Do(func() error {
					nl := sockets.NewLister(cfg)
					defer nl.Close()
					return nl.Walk(q, fn)
				})
				if err != nil {
					return fmt.Errorf("network namespace %s: %w", r.spaces[i].ns.String(), err)
				}
			}
			return nil
		}
	}

	if sel.inetTitle {
		iq := q
		iq.Protocols = sel.inet
		r.walkInet = walker(iq)
	}
	if sel.unix {
		uq := q
		uq.Protocols = []sockets.Protocol{sockets.Unix}
		r.walkUnix = walker(uq)
	}
	if !o.Programs && o.PID == 0 && o.Program == "" {
		return r, nil
	}
	// Socket inodes are unique across namespaces, so one scan of the
	// host's /proc finds the owners of every namespace's sockets.
	var inetRows, unixRows rowStore
	collect := func(rows *rowStore) func(*sockets.Socket) error {
		return func(s *sockets.Socket) error {
			rows.add(s)
			if r.spaces != nil {
				rows.ns = append(rows.ns, r.cur)
			}
			return nil
		}
	}
	if r.walkInet != nil {
		if err := r.walkInet(collect(&inetRows)); err != nil {
			return nil, err
		}
	}
	if r.walkUnix != nil {
		if err := r.walkUnix(collect(&unixRows)); err != nil {
			return nil, err
		}
	}
	// Our own netlink socket would count as "a socket seen" in net-tools'
	// choice of note; the dump is done, so close it first.
	l.Close()
	owners, note, err := findOwners(ctx, o, &inetRows, &unixRows)
	if err != nil {
		return nil, err
	}
	if note != "" {
		fmt.Fprintln(stderr, note)
		r.warnings = append(r.warnings, note)
	}
	if o.PID != 0 || o.Program != "" {
		inetRows.keep(heldBy(owners, o))
		unixRows.keep(heldBy(owners, o))
	}
	t.Owner = ownerLookup(owners)
	t.Processes = processLookup(owners)
	if r.walkInet != nil {
		r.walkInet = r.replay(&inetRows)
	}
	if r.walkUnix != nil {
		r.walkUnix = r.replay(&unixRows)
	}
	return r, nil
}

// runSockets prints the socket tables. Rows are built in a buffer and
// written whole, so a reader never sees a torn row.
// The resolver is the caller's, so that its cache lasts across rounds of
// -c.
func runSockets(o *Options, res *resolve.Resolver, stdout, stderr io.Writer) error {
	r, err := gatherSockets(o, res, stderr)
	if err != nil {
		return err
	}
	defer r.close()
	t := r.t
	w := newRowWriter(stdout)
	var row []byte
	emit := func(s *sockets.Socket) error {
		row = row[:0]
		if n := r.namespace(); n != nil {
			// Its name, or net:[INODE] as /proc/PID/ns/net reads.
			row = appendNetnsColumn(row, n.String())
		}
		if s.Protocol == sockets.Unix {
			row = t.AppendUnix(row, s)
		} else {
			row = t.AppendInet(row, s)
		}
		_, err := w.Write(row)
		return err
	}
	if r.walkInet != nil {
		w.WriteString(render.InetTitle(o.selection()))
		if r.spaces != nil {
			w.Write(appendNetnsColumn(nil, "Netns"))
		}
		w.WriteString(t.InetHeader())
		if err := r.walkInet(emit); err != nil {
			w.Flush()
			return err
		}
	}
	if r.walkUnix != nil {
		w.WriteString(render.UnixTitle(o.selection()))
		if r.spaces != nil {
			w.Write(appendNetnsColumn(nil, "Netns"))
		}
		w.WriteString(t.UnixHeader())
		if err := r.walkUnix(emit); err != nil {
			w.Flush()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if r.failed {
		return statusError(exitError)
	}
	return nil
}

// netnsWidth is the --all-netns column: "net:[4026531840]" fits, a longer
// name pushes the row rather than being cut.
const netnsWidth = 16

func appendNetnsColumn(b []byte, label string) []byte {
	start := len(b)
	b = render.AppendEscaped(b, label)
	for len(b)-start < netnsWidth {
		b = append(b, ' ')
	}
	return append(b, ' ')
}

// userID reads --user: a uid, or a name from /etc/passwd.
func userID(name string, res *resolve.Resolver) (uint32, error) {
	if n, err := strconv.ParseUint(name, 10, 32); err == nil {
		return uint32(n), nil
	}
	if uid, ok := res.UID(name); ok {
		return uid, nil
	}
	return 0, fmt.Errorf("unknown user `%s'", name)
}

// replay walks collected rows again, with their namespaces under
// --all-netns.
func (r *socketRun) replay(rows *rowStore) func(func(*sockets.Socket) error) error {
	return func(fn func(*sockets.Socket) error) error {
		return rows.each(func(i int, s *sockets.Socket) error {
			if rows.ns != nil {
				r.cur = rows.ns[i]
			}
			return fn(s)
		})
	}
}
