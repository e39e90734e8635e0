package resolve

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fixtures is a Config over the files in testdata/ whose DNS fails the
// test if it is ever asked.
func fixtures(t *testing.T) Config {
	return Config{
		Services:  "testdata/services",
		Protocols: "testdata/protocols",
		Passwd:    "testdata/passwd",
		Hosts:     "testdata/hosts",
		LookupAddr: func(_ context.Context, addr string) ([]string, error) {
			t.Errorf("unexpected DNS lookup of %s", addr)
			return nil, errors.New("no DNS here")
		},
	}
}

// noDNS is a Config over the fixtures for tests that look up misses.
func noDNS(t *testing.T) Config {
	cfg := fixtures(t)
	cfg.LookupAddr = func(context.Context, string) ([]string, error) {
		return nil, errors.New("no such host")
	}
	return cfg
}

func TestPort(t *testing.T) {
	r := New(fixtures(t))
	tests := []struct {
		port  uint16
		proto string
		want  string // "" for a miss
	}{
		{1, "tcp", "tcpmux"},
		{22, "tcp", "ssh"},
		{22, "udp", ""},
		{53, "tcp", "domain"},
		{53, "udp", "last-wins-udp"}, // later entry wins, as in netstat
		{5001, "tcp", "third"},       // of first, second, third
		{5002, "tcp", ""},
		{5002, "udp", "udponly"},
		{5003, "tcp", "tcp-name"},
		{5003, "udp", "udp-name"},
		{5004, "tcp", ""}, // listed as "TCP": protocols are case-sensitive
		{2565, "tcp", "octal"},
		{5005, "tcp", ""},
		{5006, "tcp", "plus"},
		{5007, "tcp", "big"}, // 70543 keeps its low 16 bits
		{5008, "tcp", ""},
		{5009, "tcp", ""},
		{5010, "tcp", "trail"},
		{5011, "tcp", "hex"}, // 0x1393; "5011/tcp/extra" is not tcp
		{0, "udp", "negzero"},
		{65535, "udp", ""},
		{5012, "tcp", ""},
		{5013, "tcp", "alias-udp"},
		{5014, "tcp", "leadingspace"},
		{65535, "tcp", "u32max"},
		{5555, "tcp", ""}, // over32 is dropped, not truncated
		{800, "tcp", ""},
		{0, "tcp", ""},
		{5015, "tcp", ""},
		{5016, "udp", ""},
		{5017, "tcp", ""},
		{5018, "tcp", "crlf"},
		{5019, "tcp", ""}, // "t\0cp" is "t"
		{5020, "tcp", ""},
		{5021, "udp", "noeol"},
		{22, "sctp", ""},
		{22, "TCP", ""},
		{22, "", ""},
	}
	for _, tt := range tests {
		name, ok := r.Port(tt.port, tt.proto)
		if name != tt.want || ok != (tt.want != "") {
			t.Errorf("Port(%d, %q) = %q, %v; want %q", tt.port, tt.proto, name, ok, tt.want)
		}
	}
}

func TestProtocol(t *testing.T) {
	r := New(fixtures(t))
	tests := []struct {
		num  uint8
		want string
	}{
		{0, "negzero"}, // after ip and hopopt
		{1, "icmp"},
		{6, "tcp"},
		{17, "udp"},
		{58, "ipv6-icmp"},
		{136, "udplite"},
		{200, "second"},
		{201, "octal"}, // base 10: the leading 0 is no octal prefix
		{26, ""},       // 0x1a is not a number here
		{202, "plus"},
		{44, ""},  // 300 is not truncated
		{203, ""}, // nor is 459
		{205, "trail"},
		{206, ""},
		{207, "lead"},
		{208, "crlf"},
		{255, "max"},
		{254, ""},
	}
	for _, tt := range tests {
		name, ok := r.Protocol(tt.num)
		if name != tt.want || ok != (tt.want != "") {
			t.Errorf("Protocol(%d) = %q, %v; want %q", tt.num, name, ok, tt.want)
		}
	}
}

func TestUser(t *testing.T) {
	r := New(fixtures(t))
	tests := []struct {
		uid  uint32
		want string
		ok   bool
	}{
		{0, "root", true}, // negzero's "-0" is uid 0 too, but later
		{1, "daemon", true},
		{1000, "first", true},
		{10, "octal", true},
		{11, "plus", true},
		{12, "", false},
		{13, "", false},
		{14, "shorter", true},
		{16, "ws", true},
		{17, "lead", true},
		{18, "", false},
		{4294967295, "u32max", true},
		{20, "", false},
		{23, "", false},
		{24, "", false},
		{25, "", true}, // an empty name is a name
		{26, "sp ace", true},
		{27, "", false},
		{28, "lead2", true},
		{29, "cmt", true},
		{30, "", false},
		{31, "", false},
		{32, "", false},
		{33, "", false},
		{34, "gidok", true},
		{35, "tab", true},
		{36, "pwempty", true},
		{37, "crlf", true},
		{38, "noeol", true},
		{65534, "nobody", true},
		{4242, "", false},
	}
	for _, tt := range tests {
		name, ok := r.User(tt.uid)
		if name != tt.want || ok != tt.ok {
			t.Errorf("User(%d) = %q, %v; want %q, %v", tt.uid, name, ok, tt.want, tt.ok)
		}
	}
}

func TestUID(t *testing.T) {
	r := New(fixtures(t))
	for _, tt := range []struct {
		name string
		uid  uint32
		ok   bool
	}{
		{"root", 0, true}, {"nobody", 65534, true}, {"first", 1000, true}, {"u32max", 4294967295, true},
		{"second", 0, false}, // its uid's name is "first": the first entry wins
		{"missing", 0, false},
	} {
		uid, ok := r.UID(tt.name)
		if uid != tt.uid || ok != tt.ok {
			t.Errorf("UID(%q) = %d, %v; want %d, %v", tt.name, uid, ok, tt.uid, tt.ok)
		}
	}
}

func TestHostsFile(t *testing.T) {
	r := New(noDNS(t))
	tests := []struct {
		addr string
		want string
		ok   bool
	}{
		{"127.0.0.1", "localhost", true},
		{"127.0.0.2", "", true}, // first line has no names
		{"127.0.0.3", "", false},
		{"127.0.0.4", "four", true},
		{"::ffff:127.0.0.4", "", false}, // IPv4 lines answer IPv4 only
		{"::1", "ip6-localhost", true},
		{"::ffff:127.0.0.5", "mapped-five", true},
		{"127.0.0.5", "mapped-five", true}, // mapped lines answer IPv4
		{"::ffff:127.0.0.1", "mapped-one", true},
		{"127.0.0.6", "", false}, // leading zeros are not an address
		{"fe80::1", "", false},   // nor is one with a zone
		{"fe80::1%lo", "", false},
		{"127.0.0.7", "UPPER.Case", true},
		{"127.0.0.8", "", true},
		{"127.0.0.9", "mapped-nine", true},
		{"::ffff:127.0.0.9", "mapped-nine", true},
		{"127.0.0.10", "v4-ten", true},
		{"::ffff:127.0.0.10", "mapped-ten", true},
		{"192.0.2.1", "indented", true},
		{"2001:db8::1", "doc6", true},
		{"2001:db8::2", "doc6-long", true},
		{"::192.0.2.3", "v4compat", true},
		{"192.0.2.3", "", false},
		{"0.0.0.0", "", false}, // never resolved, whatever the file says
		{"::", "", false},
		{"192.0.2.4", "", true},
		{"192.0.2.5", "crlf", true},
		{"192.0.2.6", "nul", true},
		{"192.0.2.7", "noeol", true},
	}
	for _, tt := range tests {
		name, ok := r.Host(context.Background(), netip.MustParseAddr(tt.addr))
		if name != tt.want || ok != tt.ok {
			t.Errorf("Host(%s) = %q, %v; want %q, %v", tt.addr, name, ok, tt.want, tt.ok)
		}
	}
	if name, ok := r.Host(context.Background(), netip.Addr{}); ok {
		t.Errorf("Host(invalid) = %q, true", name)
	}
}

// TestIPv6LoopbackFirst checks glibc's rule that a "::1" line answers
// 127.0.0.1 when it comes first, which netstat shows in its tcp rows.
func TestIPv6LoopbackFirst(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hosts")
	if err := os.WriteFile(path, []byte("::1 sixloop\n127.0.0.1 fourloop\n::2 two\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := noDNS(t)
	cfg.Hosts = path
	r := New(cfg)
	for addr, want := range map[string]string{"127.0.0.1": "sixloop", "::1": "sixloop", "::ffff:127.0.0.1": "", "0.0.0.2": ""} {
		if name, _ := r.Host(context.Background(), netip.MustParseAddr(addr)); name != want {
			t.Errorf("Host(%s) = %q; want %q", addr, name, want)
		}
	}
}

func TestMissingFiles(t *testing.T) {
	dir := t.TempDir()
	cfg := noDNS(t)
	cfg.Services = filepath.Join(dir, "services")
	cfg.Protocols = filepath.Join(dir, "protocols")
	cfg.Passwd = filepath.Join(dir, "passwd")
	cfg.Hosts = filepath.Join(dir, "hosts")
	r := New(cfg)
	if name, ok := r.Port(22, "tcp"); ok {
		t.Errorf("Port = %q", name)
	}
	if name, ok := r.Protocol(1); ok {
		t.Errorf("Protocol = %q", name)
	}
	if name, ok := r.User(0); ok {
		t.Errorf("User = %q", name)
	}
	if name, ok := r.Host(context.Background(), netip.MustParseAddr("127.0.0.1")); ok {
		t.Errorf("Host = %q", name)
	}
}

// TestLazyLoad checks that New reads nothing and that each file is read
// once, on first use.
func TestLazyLoad(t *testing.T) {
	dir := t.TempDir()
	cfg := noDNS(t)
	cfg.Services = filepath.Join(dir, "services")
	cfg.Protocols = filepath.Join(dir, "protocols")
	cfg.Passwd = filepath.Join(dir, "passwd")
	cfg.Hosts = filepath.Join(dir, "hosts")
	r := New(cfg)
	write := func(path, text string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Written after New: a Resolver that read at construction would
	// not see them.
	write(cfg.Services, "ssh 22/tcp\n")
	write(cfg.Protocols, "icmp 1\n")
	write(cfg.Passwd, "root:x:0:0::/:/bin/sh\n")
	write(cfg.Hosts, "127.0.0.1 localhost\n")
	check := func() {
		t.Helper()
		var got [4]string
		got[0], _ = r.Port(22, "tcp")
		got[1], _ = r.Protocol(1)
		got[2], _ = r.User(0)
		got[3], _ = r.Host(context.Background(), netip.MustParseAddr("127.0.0.1"))
		if want := [4]string{"ssh", "icmp", "root", "localhost"}; got != want {
			t.Errorf("got %q; want %q", got, want)
		}
	}
	check()
	// Read once: later changes are not seen within a run.
	for _, p := range []string{cfg.Services, cfg.Protocols, cfg.Passwd, cfg.Hosts} {
		write(p, "")
	}
	check()
}

// fakeDNS is a LookupAddr that counts its calls and answers from a table,
// or blocks until its context ends for addresses listed as slow.
type fakeDNS struct {
	mu      sync.Mutex
	calls   []string
	answers map[string][]string
	block   bool          // every call waits for its context
	gate    chan struct{} // if not nil, calls wait for it (or ctx)
	maxLive int
	live    int
}

func (f *fakeDNS) lookup(ctx context.Context, addr string) ([]string, error) {
	f.mu.Lock()
	f.calls = append(f.calls, addr)
	f.live++
	f.maxLive = max(f.maxLive, f.live)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.live--
		f.mu.Unlock()
	}()
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if f.block {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	if names, ok := f.answers[addr]; ok {
		return names, nil
	}
	return nil, fmt.Errorf("lookup %s: no such host", addr)
}

func (f *fakeDNS) callList() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func TestHostDNS(t *testing.T) {
	f := &fakeDNS{answers: map[string][]string{
		"198.51.100.10":    {"ten.example."},
		"198.51.100.11":    {"eleven.example", "alias.example."},
		"198.51.100.12":    {".", "twelve.example."},
		"2001:db8::10":     {"six.example."},
		"::ffff:192.0.2.1": {"mapped.example."},
	}}
	cfg := fixtures(t)
	cfg.LookupAddr = f.lookup
	r := New(cfg)
	ctx := context.Background()
	tests := []struct {
		addr string
		want string
		ok   bool
	}{
		{"198.51.100.10", "ten.example", true}, // root dot stripped
		{"198.51.100.11", "eleven.example", true},
		{"198.51.100.12", "twelve.example", true}, // an empty name is skipped
		{"198.51.100.13", "", false},
		{"2001:db8::10", "six.example", true},
		{"fe80::10%eth0", "", false}, // asked without the zone
		// The hosts file names 192.0.2.1, which does not answer its
		// mapped form: DNS is asked about that.
		{"::ffff:192.0.2.1", "mapped.example", true},
		{"127.0.0.1", "localhost", true}, // hosts file: no DNS
		{"0.0.0.0", "", false},           // never asked
	}
	for round := range 2 {
		for _, tt := range tests {
			name, ok := r.Host(ctx, netip.MustParseAddr(tt.addr))
			if name != tt.want || ok != tt.ok {
				t.Errorf("round %d: Host(%s) = %q, %v; want %q, %v", round, tt.addr, name, ok, tt.want, tt.ok)
			}
		}
	}
	// One call per address, none in the second round: hits and misses
	// are both cached.
	want := []string{"198.51.100.10", "198.51.100.11", "198.51.100.12", "198.51.100.13", "2001:db8::10", "fe80::10", "::ffff:192.0.2.1"}
	if diff := cmp.Diff(want, f.callList()); diff != "" {
		t.Errorf("LookupAddr calls (-want +got):\n%s", diff)
	}
}

// TestHostSharedLookup checks that concurrent calls for one address make
// one call.
func TestHostSharedLookup(t *testing.T) {
	f := &fakeDNS{gate: make(chan struct{}), answers: map[string][]string{"198.51.100.10": {"ten.example."}}}
	cfg := fixtures(t)
	cfg.LookupAddr = f.lookup
	r := New(cfg)
	var wg sync.WaitGroup
	names := make([]string, 10)
	for i := range names {
		wg.Go(func() { names[i], _ = r.Host(context.Background(), netip.MustParseAddr("198.51.100.10")) })
	}
	// Let the first caller into the fake, then release it.
	waitFor(t, func() bool { return len(f.callList()) == 1 })
	close(f.gate)
	wg.Wait()
	for _, n := range names {
		if n != "ten.example" {
			t.Errorf("names = %q", names)
			break
		}
	}
	if got := f.callList(); len(got) != 1 {
		t.Errorf("LookupAddr calls = %q; want one", got)
	}
}

// waitFor polls cond for up to a generous 10s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for range 1000 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition not reached in 10s")
}

// TestTimeout checks that each call gets a deadline of Timeout, and that a
// timed-out address is cached as a miss.
func TestTimeout(t *testing.T) {
	var deadlines []time.Duration
	var mu sync.Mutex
	cfg := fixtures(t)
	cfg.Timeout = 20 * time.Millisecond
	cfg.Budget = time.Hour
	cfg.LookupAddr = func(ctx context.Context, addr string) ([]string, error) {
		d, ok := ctx.Deadline()
		if !ok {
			t.Errorf("lookup of %s has no deadline", addr)
			return nil, errors.New("no deadline")
		}
		mu.Lock()
		deadlines = append(deadlines, time.Until(d))
		mu.Unlock()
		<-ctx.Done()
		return nil, ctx.Err()
	}
	r := New(cfg)
	for range 2 {
		for _, a := range []string{"198.51.100.10", "198.51.100.11", "198.51.100.12"} {
			if name, ok := r.Host(context.Background(), netip.MustParseAddr(a)); ok {
				t.Errorf("Host(%s) = %q, true", a, name)
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(deadlines) != 3 {
		t.Errorf("%d calls; want 3", len(deadlines))
	}
	for _, d := range deadlines {
		if d > cfg.Timeout {
			t.Errorf("deadline %v away; want at most %v", d, cfg.Timeout)
		}
	}
}

// TestBudget checks that once a dead resolver has used the budget, misses
// no longer call it.
func TestBudget(t *testing.T) {
	f := &fakeDNS{block: true}
	cfg := fixtures(t)
	cfg.LookupAddr = f.lookup
	cfg.Timeout = time.Hour // only the budget ends a call
	cfg.Budget = 50 * time.Millisecond
	r := New(cfg)
	start := time.Now()
	for i := range 100 {
		a := netip.AddrFrom4([4]byte{198, 51, 100, byte(i)})
		if name, ok := r.Host(context.Background(), a); ok {
			t.Fatalf("Host(%s) = %q, true", a, name)
		}
	}
	// The first call waits out the whole budget; the rest are numeric at
	// once.
	if got := f.callList(); !slices.Equal(got, []string{"198.51.100.0"}) {
		t.Errorf("calls = %q; want only the first address", got)
	}
	if el := time.Since(start); el > 30*time.Second {
		t.Errorf("took %v", el)
	}
}

// TestBudgetSerialLookups checks with short timeouts that the resolver is
// called for a prefix of the addresses and then no more.
func TestBudgetSerialLookups(t *testing.T) {
	f := &fakeDNS{block: true}
	cfg := fixtures(t)
	cfg.LookupAddr = f.lookup
	cfg.Timeout = 10 * time.Millisecond
	cfg.Budget = 100 * time.Millisecond
	r := New(cfg)
	var addrs []string
	for i := range 200 {
		a := netip.AddrFrom4([4]byte{198, 51, 100, byte(i)})
		addrs = append(addrs, a.String())
		r.Host(context.Background(), a)
	}
	got := f.callList()
	// Each call takes at least the 10ms timeout, so at most 10 fit in
	// the budget; the first must have been made.
	if len(got) == 0 || len(got) > 10 || !slices.Equal(got, addrs[:len(got)]) {
		t.Errorf("calls = %q; want a prefix of at most 10 addresses", got)
	}
}

// TestBudgetAccounting drives the budget with a fake clock.
func TestBudgetAccounting(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	b := budget{limit: 100 * time.Millisecond}

	// Two overlapping waits in one busy period share one deadline.
	d1, ok1 := b.begin(at(0))
	d2, ok2 := b.begin(at(30))
	if !ok1 || !ok2 || !d1.Equal(at(100)) || !d2.Equal(at(100)) {
		t.Fatalf("deadlines %v %v, %v %v; want both at 100ms", d1.Sub(t0), ok1, d2.Sub(t0), ok2)
	}
	b.end(at(20))
	b.end(at(40)) // busy 0..40: 40ms used, overlap counted once
	// Idle time is free: a wait at 1000ms has 60ms left.
	d3, ok3 := b.begin(at(1000))
	if !ok3 || !d3.Equal(at(1060)) {
		t.Fatalf("deadline %v, %v; want 1060ms", d3.Sub(t0), ok3)
	}
	b.end(at(1060)) // used up
	if _, ok := b.begin(at(2000)); ok {
		t.Fatal("begin after the budget is spent succeeded")
	}
	// During a busy period the budget runs out for newcomers too.
	b = budget{limit: 100 * time.Millisecond}
	b.begin(at(0))
	if _, ok := b.begin(at(100)); ok {
		t.Fatal("begin at the deadline of a busy period succeeded")
	}
	if _, ok := b.begin(at(99)); !ok {
		t.Fatal("begin before the deadline of a busy period failed")
	}
}

// TestContextIgnored checks that a LookupAddr ignoring its context does
// not hold the caller past the timeout.
func TestContextIgnored(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	cfg := fixtures(t)
	cfg.Timeout = 20 * time.Millisecond
	cfg.LookupAddr = func(context.Context, string) ([]string, error) {
		<-release
		return []string{"late.example."}, nil
	}
	r := New(cfg)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if name, ok := r.Host(context.Background(), netip.MustParseAddr("198.51.100.1")); ok {
			t.Errorf("Host = %q, true", name)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Host waited for a LookupAddr that ignores its context")
	}
}

// TestCallerCancel checks that a lookup abandoned by its caller is not
// cached as a miss.
func TestCallerCancel(t *testing.T) {
	f := &fakeDNS{gate: make(chan struct{}), answers: map[string][]string{"198.51.100.10": {"ten.example."}}}
	cfg := fixtures(t)
	cfg.LookupAddr = f.lookup
	r := New(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		waitFor(t, func() bool { return len(f.callList()) == 1 })
		cancel()
	}()
	a := netip.MustParseAddr("198.51.100.10")
	if name, ok := r.Host(ctx, a); ok {
		t.Errorf("Host with a cancelled context = %q, true", name)
	}
	close(f.gate)
	if name, ok := r.Host(context.Background(), a); !ok || name != "ten.example" {
		t.Errorf("Host after a cancelled lookup = %q, %v; want ten.example", name, ok)
	}
	if n := len(f.callList()); n != 2 {
		t.Errorf("%d calls; want 2", n)
	}
}

func TestPrefetch(t *testing.T) {
	const limit = 3
	f := &fakeDNS{gate: make(chan struct{}), answers: map[string][]string{}}
	var addrs []netip.Addr
	for i := range 40 {
		a := netip.AddrFrom4([4]byte{198, 51, 100, byte(i)})
		f.answers[a.String()] = []string{fmt.Sprintf("h%d.example.", i)}
		addrs = append(addrs, a, a) // duplicates are looked up once
	}
	addrs = append(addrs, netip.MustParseAddr("127.0.0.1"), netip.IPv4Unspecified(), netip.Addr{})
	cfg := fixtures(t)
	cfg.LookupAddr = f.lookup
	cfg.Concurrency = limit
	cfg.Budget = time.Hour
	r := New(cfg)
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Prefetch(context.Background(), addrs)
	}()
	// The limit is reached and held while the fake is gated.
	waitFor(t, func() bool { return len(f.callList()) == limit })
	time.Sleep(50 * time.Millisecond)
	if n := len(f.callList()); n != limit {
		t.Errorf("%d calls in flight; want %d", n, limit)
	}
	close(f.gate)
	<-done
	if f.maxLive != limit {
		t.Errorf("max concurrent calls = %d; want %d", f.maxLive, limit)
	}
	if n := len(f.callList()); n != 40 {
		t.Errorf("%d calls; want 40", n)
	}
	// Rendering now hits the cache.
	for i, a := range addrs[:80] {
		if name, ok := r.Host(context.Background(), a); !ok || name != fmt.Sprintf("h%d.example", i/2) {
			t.Errorf("Host(%s) = %q, %v", a, name, ok)
		}
	}
	r.Prefetch(context.Background(), addrs)
	if n := len(f.callList()); n != 40 {
		t.Errorf("%d calls after a second Prefetch; want 40", n)
	}
}

// TestPrefetchBudget checks that Prefetch with a dead resolver returns and
// stops calling once the budget is spent.
func TestPrefetchBudget(t *testing.T) {
	f := &fakeDNS{block: true}
	cfg := fixtures(t)
	cfg.LookupAddr = f.lookup
	cfg.Timeout = time.Hour
	cfg.Budget = 50 * time.Millisecond
	cfg.Concurrency = 4
	r := New(cfg)
	var addrs []netip.Addr
	for i := range 100 {
		addrs = append(addrs, netip.AddrFrom4([4]byte{198, 51, 100, byte(i)}))
	}
	r.Prefetch(context.Background(), addrs)
	// At most one wave of Concurrency calls fits: they all end when the
	// budget does.
	if n := len(f.callList()); n < 1 || n > 4 {
		t.Errorf("%d calls; want 1 to 4", n)
	}
}

func TestNoDNS(t *testing.T) {
	cfg := fixtures(t) // fails the test if called
	cfg.Budget = -1
	r := New(cfg)
	r.Prefetch(context.Background(), []netip.Addr{netip.MustParseAddr("198.51.100.99")})
	if name, ok := r.Host(context.Background(), netip.MustParseAddr("198.51.100.99")); ok {
		t.Errorf("Host = %q, true", name)
	}
	if name, _ := r.Host(context.Background(), netip.MustParseAddr("127.0.0.1")); name != "localhost" {
		t.Errorf("Host(127.0.0.1) = %q; the hosts file still answers", name)
	}
}

// TestConcurrentUse exercises every method from many goroutines, for the
// race detector.
func TestConcurrentUse(t *testing.T) {
	f := &fakeDNS{answers: map[string][]string{"198.51.100.10": {"ten.example."}}}
	cfg := fixtures(t)
	cfg.LookupAddr = f.lookup
	r := New(cfg)
	var wg sync.WaitGroup
	var hits atomic.Int64
	for i := range 16 {
		wg.Go(func() {
			for j := range 50 {
				a := netip.AddrFrom4([4]byte{198, 51, 100, byte(10 + (i+j)%5)})
				if _, ok := r.Host(context.Background(), a); ok {
					hits.Add(1)
				}
				r.Port(22, "tcp")
				r.Protocol(1)
				r.User(0)
				if j == 25 {
					r.Prefetch(context.Background(), []netip.Addr{a})
				}
			}
		})
	}
	wg.Wait()
	if n := len(f.callList()); n != 5 {
		t.Errorf("%d calls; want 5", n)
	}
	if hits.Load() == 0 {
		t.Error("no hits")
	}
}

func BenchmarkPortHit(b *testing.B) {
	r := New(Config{Services: "testdata/services"})
	r.Port(22, "tcp")
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := r.Port(22, "tcp"); !ok {
			b.Fatal("miss")
		}
	}
}

func BenchmarkHostHitHostsFile(b *testing.B) {
	r := New(Config{Hosts: "testdata/hosts", Budget: -1})
	a := netip.MustParseAddr("::1")
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := r.Host(context.Background(), a); !ok {
			b.Fatal("miss")
		}
	}
}

func BenchmarkHostHitCache(b *testing.B) {
	r := New(Config{Hosts: "testdata/hosts", LookupAddr: func(context.Context, string) ([]string, error) {
		return []string{"x.example."}, nil
	}})
	a := netip.MustParseAddr("2001:db8::99")
	ctx := context.Background()
	r.Host(ctx, a)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := r.Host(ctx, a); !ok {
			b.Fatal("miss")
		}
	}
}

func BenchmarkHostMissCached(b *testing.B) {
	r := New(Config{Hosts: "testdata/hosts", LookupAddr: func(context.Context, string) ([]string, error) {
		return nil, errors.New("no such host")
	}})
	a := netip.MustParseAddr("198.51.100.99")
	ctx := context.Background()
	r.Host(ctx, a)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := r.Host(ctx, a); ok {
			b.Fatal("hit")
		}
	}
}

func BenchmarkUserHit(b *testing.B) {
	r := New(Config{Passwd: "testdata/passwd"})
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := r.User(1000); !ok {
			b.Fatal("miss")
		}
	}
}
