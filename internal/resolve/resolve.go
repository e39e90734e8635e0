package resolve

import (
	"context"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"
)

// Defaults for the zero values of Config's DNS limits.
const (
	// DefaultTimeout bounds one reverse lookup. A resolver that works
	// answers a PTR query in milliseconds, so a lookup still unanswered
	// after 2s is almost always one that would time out; glibc would
	// wait 5s per try, twice.
	DefaultTimeout = 2 * time.Second
	// DefaultBudget bounds the time one run spends waiting on DNS, so that
	// a dead name server delays netstat by seconds, not by a timeout per
	// row (net-tools takes 10s per row then).
	DefaultBudget = 5 * time.Second
	// DefaultConcurrency is how many reverse lookups may be in flight at
	// once: enough to overlap the round trips of a large table without
	// flooding a small name server.
	DefaultConcurrency = 8
)

// Config says where a Resolver finds its data. The zero Config gives the
// system files, Go's DNS resolver and the defaults above.
type Config struct {
	// Services, Protocols, Passwd and Hosts are the paths of the files
	// read in place of /etc/services, /etc/protocols, /etc/passwd and
	// /etc/hosts; "" means that standard path. A file that cannot be read
	// names nothing, and every number of its kind stays numeric, as with
	// net-tools.
	Services, Protocols, Passwd, Hosts string

	// LookupAddr does a reverse DNS lookup of addr (as formatted by
	// netip.Addr.String) and returns its names, first the one to print.
	// It is called only for an address the hosts file does not name,
	// and once per address (again only if the caller's context ended
	// during the first call). It must give up when ctx is done;
	// if it does not, the Resolver stops waiting for it anyway. nil means
	// a net.Resolver with PreferGo, which consults /etc/hosts again (a
	// no-op for the default Hosts) and then DNS; a test that sets Hosts
	// should set LookupAddr too.
	LookupAddr func(ctx context.Context, addr string) ([]string, error)

	// Timeout bounds one reverse lookup; 0 means DefaultTimeout.
	Timeout time.Duration

	// Budget bounds the total wall-clock time during which any caller of
	// this Resolver waits on DNS, counting overlapping waits once. When
	// it is spent, every further miss is numeric at once. 0 means
	// DefaultBudget; a negative Budget turns DNS off, leaving the hosts
	// file only.
	Budget time.Duration

	// Concurrency limits the reverse lookups in flight at once; 0 or less
	// means DefaultConcurrency.
	Concurrency int
}

// Resolver maps numbers to names for one netstat run. Files are read on
// first use, each at most once, so a run that prints no user names never
// reads /etc/passwd; a run that lasts (netstat -c) keeps what it read. It
// caches every host answer, hit or miss, for its lifetime. All methods are
// safe for concurrent use.
type Resolver struct {
	cfg        Config
	lookupAddr func(ctx context.Context, addr string) ([]string, error)

	servicesOnce  sync.Once
	services      services
	protocolsOnce sync.Once
	protocols     *protocols
	usersOnce     sync.Once
	users         map[uint32]string
	hostsOnce     sync.Once
	hosts         map[netip.Addr]string

	mu    sync.RWMutex
	cache map[netip.Addr]*answer // DNS answers, keyed by zoneless address

	slots  chan struct{} // one token per lookup in flight
	budget budget
}

// answer is the outcome of one address's DNS lookup; name and ok are
// valid once done is closed.
type answer struct {
	done chan struct{}
	name string
	ok   bool
	// final is false when the lookup was abandoned because its caller's
	// context ended; the answer is then dropped from the cache and the
	// next caller looks again.
	final bool
}

// New returns a Resolver for cfg. It reads no file: start-up cost matters
// for a command that may print only numbers.
func New(cfg Config) *Resolver {
	if cfg.Services == "" {
		cfg.Services = "/etc/services"
	}
	if cfg.Protocols == "" {
		cfg.Protocols = "/etc/protocols"
	}
	if cfg.Passwd == "" {
		cfg.Passwd = "/etc/passwd"
	}
	if cfg.Hosts == "" {
		cfg.Hosts = "/etc/hosts"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Budget == 0 {
		cfg.Budget = DefaultBudget
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	r := &Resolver{
		cfg:        cfg,
		lookupAddr: cfg.LookupAddr,
		cache:      map[netip.Addr]*answer{},
		slots:      make(chan struct{}, cfg.Concurrency),
		budget:     budget{limit: cfg.Budget},
	}
	if r.lookupAddr == nil {
		r.lookupAddr = (&net.Resolver{PreferGo: true}).LookupAddr
	}
	return r
}

// Port returns the service name for port under proto, which is "tcp" or
// "udp" (net-tools looks UDP-Lite ports up as "udp"); any other proto has
// no names. ok is false when the port has no name, and the caller prints
// the number.
func (r *Resolver) Port(port uint16, proto string) (name string, ok bool) {
	r.servicesOnce.Do(r.loadServices)
	switch proto {
	case "tcp":
		name, ok = r.services.tcp[port]
	case "udp":
		name, ok = r.services.udp[port]
	}
	return name, ok
}

// Protocol returns the /etc/protocols name of IP protocol num, which
// netstat prints in place of a raw socket's port (1 is "icmp").
func (r *Resolver) Protocol(num uint8) (string, bool) {
	r.protocolsOnce.Do(r.loadProtocols)
	name := r.protocols[num]
	return name, name != ""
}

// User returns the login name of uid. The name may be empty, if
// /etc/passwd says so; ok is false for an unknown uid.
func (r *Resolver) User(uid uint32) (string, bool) {
	r.usersOnce.Do(r.loadUsers)
	name, ok := r.users[uid]
	return name, ok
}

// UID returns the uid of a user name from /etc/passwd (the lowest, should
// several entries share the name); ok is false for an unknown name.
func (r *Resolver) UID(name string) (uint32, bool) {
	r.usersOnce.Do(r.loadUsers)
	var uid uint32
	found := false
	for u, n := range r.users {
		if n == name && (!found || u < uid) {
			uid, found = u, true
		}
	}
	return uid, found
}

// Host returns the name of addr: from the hosts file, else from a reverse
// DNS lookup, which is bounded by Timeout, Budget and ctx and whose answer
// (a name or a miss) is kept for later calls. Concurrent calls for the
// same address share one lookup. The name may be empty when a hosts line
// gives an address without names (netstat then prints nothing before the
// ':'). ok is false for a miss, including invalid and unspecified
// addresses, which netstat never resolves. A zone is ignored.
//
// An IPv4-mapped address is looked up as glibc looks up the IPv6 address
// it is: see the package documentation. On a miss the caller prints
// addr.Unmap(), as net-tools does.
func (r *Resolver) Host(ctx context.Context, addr netip.Addr) (string, bool) {
	if !addr.IsValid() || addr.IsUnspecified() {
		return "", false
	}
	addr = addr.WithZone("")
	r.hostsOnce.Do(r.loadHosts)
	if name, ok := r.hosts[addr]; ok {
		return name, true
	}
	if r.cfg.Budget < 0 {
		return "", false
	}
	return r.dns(ctx, addr)
}

// Prefetch looks up, concurrently but at most Concurrency at a time, the
// addresses that neither the hosts file nor the cache answers, and returns
// when all are answered or ctx is done. Rendering the rows afterwards then
// only hits the cache, so a table of n unknown peers costs about one round
// trip per Concurrency peers instead of n round trips in a row. The
// budget applies as to Host.
func (r *Resolver) Prefetch(ctx context.Context, addrs []netip.Addr) {
	if r.cfg.Budget < 0 {
		return
	}
	r.hostsOnce.Do(r.loadHosts)
	var todo []netip.Addr
	seen := make(map[netip.Addr]struct{}, len(addrs))
	r.mu.RLock()
	for _, a := range addrs {
		if !a.IsValid() || a.IsUnspecified() {
			continue
		}
		a = a.WithZone("")
		if _, ok := seen[a]; ok {
			continue
		}
		seen[a] = struct{}{}
		if _, ok := r.hosts[a]; ok {
			continue
		}
		if _, ok := r.cache[a]; ok {
			continue
		}
		todo = append(todo, a)
	}
	r.mu.RUnlock()
	if len(todo) == 0 {
		return
	}

	work := make(chan netip.Addr)
	var wg sync.WaitGroup
	for range min(r.cfg.Concurrency, len(todo)) {
		wg.Go(func() {
			for a := range work {
				r.dns(ctx, a)
			}
		})
	}
feed:
	for _, a := range todo {
		select {
		case work <- a:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
}

// dns returns the cached DNS answer for addr, looking it up first if no
// caller has.
func (r *Resolver) dns(ctx context.Context, addr netip.Addr) (string, bool) {
	for {
		r.mu.RLock()
		a := r.cache[addr]
		r.mu.RUnlock()
		if a == nil {
			r.mu.Lock()
			if a = r.cache[addr]; a == nil {
				a = &answer{done: make(chan struct{})}
				r.cache[addr] = a
				r.mu.Unlock()
				r.fill(ctx, addr, a)
				return a.name, a.ok
			}
			r.mu.Unlock()
		}
		select {
		case <-a.done:
		case <-ctx.Done():
			return "", false
		}
		if a.final {
			return a.name, a.ok
		}
		// The caller that looked it up gave up; look again.
	}
}

// fill does the lookup for a and publishes its outcome.
func (r *Resolver) fill(ctx context.Context, addr netip.Addr, a *answer) {
	a.name, a.ok, a.final = r.lookup(ctx, addr)
	if !a.final {
		r.mu.Lock()
		delete(r.cache, addr)
		r.mu.Unlock()
	}
	close(a.done)
}

// lookup asks LookupAddr about addr within the budget. final is false if
// the outcome says nothing about addr because ctx ended.
func (r *Resolver) lookup(ctx context.Context, addr netip.Addr) (name string, ok, final bool) {
	deadline, within := r.budget.begin(time.Now())
	if !within {
		return "", false, true
	}
	defer func() { r.budget.end(time.Now()) }()

	// Waiting for a slot counts against the budget too: it is time the
	// caller spends waiting on DNS.
	bctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	select {
	case r.slots <- struct{}{}:
	case <-bctx.Done():
		return "", false, ctx.Err() == nil
	}
	lctx, cancel := context.WithDeadline(bctx, time.Now().Add(r.cfg.Timeout))
	defer cancel()

	// The call runs apart so that one ignoring its context cannot hold
	// the caller past the deadline. It keeps its slot until it returns,
	// so Concurrency bounds the calls actually running.
	type result struct{ names []string }
	done := make(chan result, 1)
	s := addr.String()
	go func() {
		// An error may come with usable names: Go's resolver drops
		// malformed PTR names and reports that, keeping the rest.
		names, _ := r.lookupAddr(lctx, s)
		<-r.slots
		done <- result{names}
	}()
	var res result
	select {
	case res = <-done:
	case <-lctx.Done():
	}
	if ctx.Err() != nil {
		return "", false, false
	}
	for _, n := range res.names {
		// DNS names come absolute ("host.example."); glibc prints them
		// without the root dot.
		if n = strings.TrimSuffix(n, "."); n != "" {
			return n, true, true
		}
	}
	return "", false, true
}

// budget accounts the wall-clock time during which at least one caller
// waits on DNS. Every wait that starts within one such busy period gets
// the same absolute deadline, the moment the budget would run out if the
// period went on, so the periods add up to at most limit however the
// waits overlap.
type budget struct {
	mu        sync.Mutex
	limit     time.Duration
	used      time.Duration // by busy periods that have ended
	waiting   int           // callers waiting now
	busySince time.Time     // start of the current busy period
}

// begin registers a caller that starts waiting at now, and returns its
// deadline; ok is false, and nothing is registered, if the budget is spent.
func (b *budget) begin(now time.Time) (deadline time.Time, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	start, used := now, b.used
	if b.waiting > 0 {
		start = b.busySince
	}
	if now.Sub(start)+used >= b.limit {
		return time.Time{}, false
	}
	if b.waiting == 0 {
		b.busySince = now
	}
	b.waiting++
	return start.Add(b.limit - used), true
}

// end unregisters a caller that stopped waiting at now.
func (b *budget) end(now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.waiting--
	if b.waiting == 0 {
		b.used += now.Sub(b.busySince)
	}
}

func (r *Resolver) loadServices() {
	r.services, _ = parseFile(r.cfg.Services, parseServices)
}

func (r *Resolver) loadProtocols() {
	r.protocols, _ = parseFile(r.cfg.Protocols, parseProtocols)
	if r.protocols == nil {
		r.protocols = new(protocols)
	}
}

func (r *Resolver) loadUsers() { r.users, _ = parseFile(r.cfg.Passwd, parsePasswd) }

func (r *Resolver) loadHosts() { r.hosts, _ = parseFile(r.cfg.Hosts, parseHosts) }

// parseFile runs parse over the file at path. A missing or unreadable file
// yields parse's zero value; a read error midway keeps what came before,
// as the C library would.
func parseFile[T any](path string, parse func(io.Reader) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	return parse(f)
}
