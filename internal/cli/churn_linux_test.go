package cli_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/netstat-go/netstat/internal/cli"
	"github.com/netstat-go/netstat/internal/nstest"
	"github.com/netstat-go/netstat/internal/schematest"
	"golang.org/x/sys/unix"
)

// churnRounds is how many times each command line runs under churn: enough
// to meet sockets and processes mid-change (every /proc run met one), few
// enough for CI: about 10 s on two quiet cores with -race, more when other
// work shares them.
const churnRounds = 2

// churnArgs are the command lines run while the namespace churns. "-c"
// runs for about a second and ends with SIGINT.
var churnArgs = [][]string{
	{"-tanp"},
	{"-xanp"},
	{"-tuxanp", "--json"},
	{"-tanpe"},
	{"-tan", "-c"},
	{"-tanp", "--source=proc"},
	{"-xanp", "--source=proc"},
	{"-tuxanp", "--json", "--source=proc"},
}

// TestChurn runs netstat again and again while loopback connections,
// UNIX sockets, listeners and socket-holding processes come and go as
// fast as the machine allows (issue 7, point 1): every run must end with
// status 0, say nothing on standard error, and print only whole rows of a
// known shape, no socket twice in one table, and (--json) one valid
// document per line.
func TestChurn(t *testing.T) {
	ns := nstest.New(t)
	c := startChurn(t, ns, true)
	for round := range churnRounds {
		for _, args := range churnArgs {
			t.Run(fmt.Sprintf("%d/%s", round, strings.Join(args, " ")), func(t *testing.T) {
				out, errOut, status := runUnderChurn(t, ns, args)
				if status != 0 {
					t.Errorf("status %d, stderr %q", status, errOut)
				}
				if e := unexpectedStderr(errOut); e != "" {
					t.Errorf("standard error: %q", e)
				}
				var problems []string
				if slices.Contains(args, "--json") {
					problems = checkJSONLines(out)
				} else {
					problems = checkRows(out, shapeOf(args))
				}
				for i, p := range problems {
					if i == 10 {
						t.Errorf("... and %d more problems", len(problems)-i)
						break
					}
					t.Error(p)
				}
				if len(problems) > 0 {
					t.Logf("output (%d bytes), from the start:\n%s", len(out), out[:min(len(out), 4096)])
				}
			})
		}
	}
	if err := c.stopAndWait(); err != nil {
		t.Fatalf("churn: %v", err)
	}
	t.Logf("churn while the commands ran: %s", c)
}

// BenchmarkChurn times `netstat -tan` on the same standing sockets in a
// quiet namespace and in one that churns as in TestChurn, so that the cost
// of a busy host shows in ns/op: "main" calls cli.Main in this process
// with --netns (the listing and the output alone), "exec" starts the test
// binary standing in for netstat (process start included). The churn
// shares the machine's CPUs with the command, as on a busy host.
func BenchmarkChurn(b *testing.B) {
	for _, busy := range []bool{false, true} {
		for _, how := range []string{"main", "exec"} {
			name := "quiet"
			if busy {
				name = "churn"
			}
			b.Run(name+"/"+how+"/-tan", func(b *testing.B) {
				ns := nstest.New(b)
				var nsPath string
				ns.Do(func() { nsPath = fmt.Sprintf("/proc/%d/task/%d/ns/net", os.Getpid(), unix.Gettid()) })
				c := startChurn(b, ns, busy)
				var out, errOut strings.Builder
				for b.Loop() {
					out.Reset()
					errOut.Reset()
					var status int
					if how == "main" {
						status = cli.Main([]string{"-tan", "--netns", nsPath}, &out, &errOut)
					} else {
						o, e, st := ns.Run(selfEnv, os.Args[0], "-tan")
						out.Write(o)
						errOut.Write(e)
						status = st
					}
					if status != 0 {
						b.Fatalf("status %d, stderr %q", status, errOut.String())
					}
					if p := checkRows(out.String(), rowShape{}); len(p) > 0 {
						b.Fatal(p[0])
					}
				}
				b.StopTimer()
				if err := c.stopAndWait(); err != nil {
					b.Fatalf("churn: %v", err)
				}
				b.ReportMetric(float64(c.tcp.Load())/c.elapsed.Seconds(), "conns/s")
			})
		}
	}
}

// runUnderChurn runs netstat in the namespace; with -c it lets it run for
// about a second and stops it with SIGINT, as a user would.
func runUnderChurn(t *testing.T, ns *nstest.Netns, args []string) (stdout, stderr string, status int) {
	t.Helper()
	if !slices.Contains(args, "-c") {
		o, e, st := ns.Run(selfEnv, os.Args[0], args...)
		return string(o), string(e), st
	}
	var out, errOut strings.Builder
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), selfEnv...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	var err error
	ns.Do(func() { err = cmd.Start() })
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	must(t, cmd.Process.Signal(syscall.SIGINT))
	err = cmd.Wait()
	status = 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		status = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), status
}

// unexpectedStderr is what standard error holds beyond net-tools' notes
// about processes that could not be identified (not expected as root, but
// not wrong either).
func unexpectedStderr(s string) string {
	var rest []string
	for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		if l == "" || strings.HasPrefix(l, "(Not all processes could be identified") ||
			strings.HasPrefix(l, "(No info could be read for") ||
			strings.HasPrefix(l, " will not be shown, you would have to be root") {
			continue
		}
		rest = append(rest, l)
	}
	return strings.Join(rest, "\n")
}

// rowShape is which optional columns rows carry; -n is always given and
// -W never, so every column but the UNIX inode and path has a fixed width.
type rowShape struct{ extend, programs bool }

func shapeOf(args []string) rowShape {
	var s rowShape
	for _, a := range args {
		if strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") {
			s.extend = s.extend || strings.Contains(a, "e")
			s.programs = s.programs || strings.Contains(a, "p")
		}
	}
	return s
}

var (
	tcpStateRe = regexp.MustCompile(`^(ESTABLISHED|SYN_SENT|SYN_RECV|FIN_WAIT1|FIN_WAIT2|TIME_WAIT|CLOSE|CLOSE_WAIT|LAST_ACK|LISTEN|CLOSING)$`)
	endpointRe = regexp.MustCompile(`^(127\.[0-9.]+|::1|::ffff:127\.[0-9.]+|0\.0\.0\.0|::|\[::\]):([0-9]+|\*)$`)
	programRe  = regexp.MustCompile(`^(-|[0-9]+/[^ ]+)$`)
	// churnPath is every path a UNIX socket gets in the churn: a row cut
	// inside one no longer matches.
	churnPath = regexp.MustCompile(`^@netstat-churn-[0-9]+-[0-9]+\.sock$`)
)

// fixedColumn reads a column of at least width bytes at line[at:]: a value
// padded with spaces to width (on the left when right-aligned), or longer
// than width, as printf's "%6ld" prints 3037639493; then one space unless
// it is the last. It returns the value and the next column's offset.
func fixedColumn(line string, at, width int, right, last bool) (string, int, error) {
	if len(line) < at+width {
		return "", 0, fmt.Errorf("cut at byte %d (a %d-byte column from %d)", len(line), width, at)
	}
	start := at
	if right {
		for start < at+width && line[start] == ' ' {
			start++
		}
	}
	end := start
	for end < len(line) && line[end] != ' ' {
		end++
	}
	colEnd := max(end, at+width)
	v := line[start:end]
	if v == "" || (right && end < at+width) || strings.TrimLeft(line[end:colEnd], " ") != "" {
		return "", 0, fmt.Errorf("column at %d is %q", at, line[at:colEnd])
	}
	if !last && (len(line) == colEnd || line[colEnd] != ' ') {
		return "", 0, fmt.Errorf("cut at byte %d (after a column from %d)", len(line), at)
	}
	return v, colEnd + 1, nil
}

// tcpRow checks one -tan[e][p] row and returns its key in the table.
func tcpRow(line string, sh rowShape) (string, error) {
	type col struct {
		width int
		right bool
		check func(string) bool
	}
	cols := []col{
		{5, false, func(s string) bool { return s == "tcp" || s == "tcp6" }},
		{6, true, isDigits},
		{6, true, isDigits},
		{addrWidthN, false, endpointRe.MatchString},
		{addrWidthN, false, endpointRe.MatchString},
		{11, false, tcpStateRe.MatchString},
	}
	if sh.extend {
		cols = append(cols, col{10, false, func(s string) bool { return s != "" }}, col{10, false, isDigits})
	}
	if sh.programs {
		cols = append(cols, col{20, false, programRe.MatchString})
	}
	var vals []string
	at := 0
	for i, c := range cols {
		v, next, err := fixedColumn(line, at, c.width, c.right, i == len(cols)-1)
		if err != nil {
			return "", err
		}
		if !c.check(v) {
			return "", fmt.Errorf("column %d is %q", i+1, v)
		}
		vals = append(vals, v)
		at = next
	}
	if at-1 != len(line) {
		return "", fmt.Errorf("%d bytes after the last column", len(line)-(at-1))
	}
	// A 4-tuple is one socket; a listener's remote end is "*".
	return strings.Join([]string{vals[0], vals[3], vals[4]}, " "), nil
}

// addrWidthN is the address column without -W.
const addrWidthN = 23

func isDigits(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

var (
	unixTypes  = map[string]bool{"STREAM": true, "DGRAM": true, "SEQPACKET": true}
	unixStates = map[string]bool{"": true, "LISTENING": true, "CONNECTED": true, "CONNECTING": true, "DISCONNECTING": true}
)

// unixRow checks one -xan[p] row and returns its key (the inode; "" for
// an inode-less row, which has no identity to repeat).
func unixRow(line string, sh rowShape) (string, error) {
	// Proto, RefCnt, Flags, Type and State have fixed widths; State may be
	// empty, so it is read by position, not as a column.
	const fixed = len("unix  ") + 6 + 1 + 11 + 1 + 10 + 1 + 13 + 1
	if len(line) < fixed {
		return "", fmt.Errorf("cut at byte %d, inside the fixed columns", len(line))
	}
	if !strings.HasPrefix(line, "unix  ") {
		return "", errors.New("no unix prefix")
	}
	ref := strings.TrimRight(line[6:12], " ")
	flags := strings.TrimRight(line[13:24], " ")
	typ := strings.TrimRight(line[25:35], " ")
	state := strings.TrimRight(line[36:49], " ")
	if !isDigits(ref) || (flags != "[ ]" && flags != "[ ACC ]") || !unixTypes[typ] || !unixStates[state] ||
		line[12] != ' ' || line[24] != ' ' || line[35] != ' ' || line[49] != ' ' {
		return "", fmt.Errorf("fixed columns %q", line[:fixed])
	}
	rest := line[fixed:]
	inode, _, ok := strings.Cut(rest, " ")
	if !ok || !isDigits(inode) {
		return "", fmt.Errorf("no inode in %q", rest)
	}
	at := fixed
	_, at, err := fixedColumn(line, at, max(8, len(inode)), false, false)
	if err != nil {
		return "", err
	}
	if sh.programs {
		var p string
		p, at, err = fixedColumn(line, at, 20, false, false)
		if err != nil {
			return "", err
		}
		if !programRe.MatchString(p) {
			return "", fmt.Errorf("program %q", p)
		}
	}
	path := line[at:]
	if path != "" && !churnPath.MatchString(path) {
		return "", fmt.Errorf("path %q", path)
	}
	// A listener always has a name: without one, the row was cut before
	// its path.
	if path == "" && (state == "LISTENING" || flags == "[ ACC ]") {
		return "", errors.New("a listener without a path")
	}
	if inode == "0" {
		return "", nil
	}
	return inode, nil
}

// checkRows reads a text output of socket tables: titles, headers and rows
// of the given shape, each a whole line, and no socket twice in a table.
// It returns what is wrong, each with its line number.
func checkRows(out string, sh rowShape) []string {
	var problems []string
	if out == "" {
		return []string{"no output"}
	}
	if !strings.HasSuffix(out, "\n") {
		problems = append(problems, "output does not end with a newline")
	}
	seen := map[string]int{}
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		n := i + 1
		var key string
		var err error
		switch {
		case line == "Active Internet connections (servers and established)",
			line == "Active UNIX domain sockets (servers and established)":
			seen = map[string]int{} // a new table
			continue
		case strings.HasPrefix(line, "Proto "):
			continue
		case strings.HasPrefix(line, "tcp"):
			key, err = tcpRow(line, sh)
		case strings.HasPrefix(line, "unix"):
			key, err = unixRow(line, sh)
		default:
			err = errors.New("not a title, header or row")
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("line %d: %v: %q", n, err, line))
			continue
		}
		if key == "" {
			continue
		}
		if prev, dup := seen[key]; dup {
			problems = append(problems, fmt.Sprintf("line %d: the socket of line %d again (%s): %q", n, prev, key, line))
		}
		seen[key] = n
	}
	return problems
}

// checkJSONLines reads --json output: one document per line, each valid
// against the schema, no socket twice in a document.
func checkJSONLines(out string) []string {
	var problems []string
	if !strings.HasSuffix(out, "\n") {
		problems = append(problems, "output does not end with a newline")
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 64<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Bytes()
		if err := schematest.Check(line); err != nil {
			problems = append(problems, fmt.Sprintf("document %d: %v", n, err))
			continue
		}
		var d jsonDoc
		if err := json.Unmarshal(line, &d); err != nil {
			problems = append(problems, fmt.Sprintf("document %d: %v", n, err))
			continue
		}
		seen := map[string]int{}
		for i, s := range d.Sockets {
			var key string
			switch {
			case s.Protocol == "unix" && s.Inode != 0:
				key = "unix " + strconv.FormatUint(s.Inode, 10)
			case s.Protocol != "unix" && s.Local != nil && s.Remote != nil:
				key = fmt.Sprintf("%s %s %s:%d %s:%d", s.Protocol, s.Family, s.Local.Address, s.Local.Port, s.Remote.Address, s.Remote.Port)
			default:
				continue
			}
			if prev, dup := seen[key]; dup {
				problems = append(problems, fmt.Sprintf("document %d: socket %d is socket %d again (%s)", n, i, prev, key))
			}
			seen[key] = i
		}
	}
	if err := sc.Err(); err != nil {
		problems = append(problems, err.Error())
	}
	if n == 0 {
		problems = append(problems, "no document")
	}
	return problems
}

// TestChurnRowChecker makes sure the checks TestChurn relies on fail on
// what they are meant to catch: a row cut anywhere, two rows run
// together, a row twice, a foreign line, a broken JSON document.
func TestChurnRowChecker(t *testing.T) {
	const (
		inetTitle = "Active Internet connections (servers and established)\n"
		inetHead  = "Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    \n"
		listen    = "tcp        0      0 127.0.0.1:40001         0.0.0.0:*               LISTEN      1234/cli.test       \n"
		est       = "tcp6       0      1 ::1:40001               ::1:51234               ESTABLISHED 99/sleep            \n"
		tw        = "tcp        0      0 127.0.0.1:51236         127.0.0.1:40001         TIME_WAIT   -                   \n"
		unixTitle = "Active UNIX domain sockets (servers and established)\n"
		unixHead  = "Proto RefCnt Flags       Type       State         I-Node   PID/Program name     Path\n"
		ulisten   = "unix  2      [ ACC ]     STREAM     LISTENING     123456   1234/cli.test        @netstat-churn-1-50.sock\n"
		upair     = "unix  3      [ ]         STREAM     CONNECTED     1234567890 99/sleep             \n"
		udgram    = "unix  2      [ ]         DGRAM                    77       -                    \n"
		// A SYN_SENT socket caught between the kernel setting write_seq
		// and snd_una: a Send-Q wider than its column, as net-tools prints.
		wide = "tcp6       0 3037639493 ::1:43434               ::1:33321               SYN_SENT    -                   \n"
	)
	good := inetTitle + inetHead + listen + est + tw + wide + unixTitle + unixHead + ulisten + upair + udgram
	p := rowShape{programs: true}
	if got := checkRows(good, p); len(got) > 0 {
		t.Fatalf("a good output fails: %q", got)
	}
	// Every cut of every row fails, wherever it falls.
	for _, row := range []string{listen, est, tw, wide, ulisten, upair, udgram} {
		for cut := 1; cut < len(row)-1; cut++ {
			torn := good[:strings.Index(good, row)+cut]
			if got := checkRows(torn, p); len(got) == 0 {
				t.Errorf("output cut after %q passes", row[:cut])
			}
			if got := checkRows(torn+"\n", p); len(got) == 0 {
				t.Errorf("row cut to %q (then a newline) passes", row[:cut])
			}
		}
	}
	json := `{"schema":"netstat-go/v1","mode":"sockets","time":"2026-11-29T06:54:59Z","sockets":[],"warnings":[]}` + "\n"
	if got := checkJSONLines(json + json); len(got) > 0 {
		t.Fatalf("good documents fail: %q", got)
	}
	for _, tc := range []struct {
		name, out string
		check     func(string) []string
		want      string // a substring of the first problem
	}{
		{"rows run together", inetTitle + inetHead + strings.TrimSuffix(listen, "\n") + est, func(s string) []string { return checkRows(s, p) }, "line 3"},
		{"a row twice", inetTitle + inetHead + listen + est + listen, func(s string) []string { return checkRows(s, p) }, "the socket of line 3 again"},
		{"a unix row twice", unixTitle + unixHead + upair + udgram + upair, func(s string) []string { return checkRows(s, p) }, "the socket of line 3 again"},
		{"a row missing its program column", inetTitle + inetHead + listen, func(s string) []string { return checkRows(s, rowShape{}) }, "bytes after the last column"},
		{"an unknown line", inetTitle + "warning: something\n", func(s string) []string { return checkRows(s, p) }, "not a title, header or row"},
		{"nothing", "", func(s string) []string { return checkRows(s, p) }, "no output"},
		{"a torn document", json + json[:40] + "\n", checkJSONLines, "document 2"},
		{"no final newline", json + strings.TrimSuffix(json, "\n"), checkJSONLines, "newline"},
		{"a socket twice", `{"schema":"netstat-go/v1","mode":"sockets","time":"2026-11-29T06:54:59Z","sockets":[` +
			`{"protocol":"unix","family":"unix","state":"ESTABLISHED","listening":false,"uid":0,"inode":7,"type":"STREAM","path":"","ref_count":3},` +
			`{"protocol":"unix","family":"unix","state":"ESTABLISHED","listening":false,"uid":0,"inode":7,"type":"STREAM","path":"","ref_count":3}],"warnings":[]}` + "\n",
			checkJSONLines, "again"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.check(tc.out)
			if len(got) == 0 || !strings.Contains(got[0], tc.want) {
				t.Errorf("problems %q, want the first to mention %q", got, tc.want)
			}
		})
	}
	if got, want := shapeOf([]string{"-tanpe", "--source=proc"}), (rowShape{extend: true, programs: true}); got != want {
		t.Errorf("shapeOf = %+v, want %+v", got, want)
	}
}

// churn keeps sockets and processes coming and going in a namespace until
// stopped.
type churn struct {
	stop    chan struct{}
	wg      sync.WaitGroup
	started time.Time
	elapsed time.Duration

	tcp, unix, procs atomic.Int64 // connections, UNIX sockets, processes made

	mu  sync.Mutex
	err error // the first worker's failure
}

func (c *churn) String() string {
	s := c.elapsed.Seconds()
	return fmt.Sprintf("%.0f TCP connections/s, %.0f UNIX sockets/s, %.0f processes/s over %.1f s",
		float64(c.tcp.Load())/s, float64(c.unix.Load())/s, float64(c.procs.Load())/s, s)
}

func (c *churn) stopped() bool {
	select {
	case <-c.stop:
		return true
	default:
		return false
	}
}

func (c *churn) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
}

// stopAndWait ends the churn and returns the first worker's failure.
func (c *churn) stopAndWait() error {
	select {
	case <-c.stop:
	default:
		close(c.stop)
		c.wg.Wait()
		c.elapsed = time.Since(c.started)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// standingTCP and standingUnix are sockets held for the whole run, so that
// every dump spans many netlink batches and /proc reads while the churn
// adds and removes sockets between them.
const (
	standingTCP  = 200 // connections (400 sockets, one listener)
	standingUnix = 500 // pairs
)

// pace keeps a worker to batch operations per few milliseconds: thousands
// a second, while leaving the two CPUs of a CI machine some time for the
// commands under test (-race makes them several times slower).
func pace(i, batch int) {
	if i%batch == batch-1 {
		time.Sleep(5 * time.Millisecond)
	}
}

// startChurn opens the standing sockets in ns and, when churning, starts
// the workers on threads that joined ns: two TCP (IPv4, IPv6), one UNIX,
// two that start processes holding sockets.
func startChurn(tb testing.TB, ns *nstest.Netns, churning bool) *churn {
	tb.Helper()
	var nsfd int
	var err error
	ns.Do(func() { nsfd, err = unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0) })
	if err != nil {
		tb.Fatalf("open the namespace: %v", err)
	}
	c := &churn{stop: make(chan struct{}), started: time.Now()}
	tb.Cleanup(func() {
		c.stopAndWait()
		unix.Close(nsfd)
	})
	ready := make(chan error)
	c.wg.Add(1)
	go inNetns(c, nsfd, func() error {
		fds, err := holdStanding()
		defer closeAll(fds)
		ready <- err
		if err == nil {
			<-c.stop
		}
		return nil
	})
	if err := <-ready; err != nil {
		tb.Fatalf("standing sockets: %v", err)
	}
	if !churning {
		return c
	}
	workers := []func() error{
		func() error { return tcpChurn(c, false) },
		func() error { return tcpChurn(c, true) },
		func() error { return unixChurn(c, 0) },
		func() error { return procChurn(c) },
		func() error { return procChurn(c) },
	}
	for _, w := range workers {
		c.wg.Add(1)
		go inNetns(c, nsfd, w)
	}
	return c
}

// inNetns runs f on a locked thread moved into the namespace nsfd. The
// thread is never unlocked: the runtime ends it with the goroutine rather
// than reuse it in the wrong namespace.
func inNetns(c *churn, nsfd int, f func() error) {
	defer c.wg.Done()
	runtime.LockOSThread()
	if err := unix.Setns(nsfd, unix.CLONE_NEWNET); err != nil {
		c.fail(fmt.Errorf("setns: %w", err))
		return
	}
	if err := f(); err != nil {
		c.fail(err)
	}
}

func closeAll(fds []int) {
	for _, fd := range fds {
		unix.Close(fd)
	}
}

func holdStanding() ([]int, error) {
	var fds []int
	lfd, sa, err := loopbackListener(false)
	if err != nil {
		return fds, err
	}
	fds = append(fds, lfd)
	for range standingTCP {
		cfd, sfd, err := connectAccept(lfd, sa, false)
		fds = append(fds, cfd, sfd)
		if err != nil {
			return fds, err
		}
	}
	for i := range standingUnix {
		typ := unix.SOCK_STREAM
		if i%2 == 1 {
			typ = unix.SOCK_DGRAM
		}
		p, err := unix.Socketpair(unix.AF_UNIX, typ|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return fds, fmt.Errorf("socketpair: %w", err)
		}
		fds = append(fds, p[0], p[1])
	}
	return fds, nil
}

// loopbackListener listens on an ephemeral loopback port.
func loopbackListener(v6 bool) (int, unix.Sockaddr, error) {
	family := unix.AF_INET
	var sa unix.Sockaddr = &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}
	if v6 {
		family = unix.AF_INET6
		sa = &unix.SockaddrInet6{Addr: [16]byte{15: 1}}
	}
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, nil, fmt.Errorf("socket: %w", err)
	}
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return -1, nil, fmt.Errorf("bind: %w", err)
	}
	if err := unix.Listen(fd, 128); err != nil {
		unix.Close(fd)
		return -1, nil, fmt.Errorf("listen: %w", err)
	}
	bound, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		return -1, nil, fmt.Errorf("getsockname: %w", err)
	}
	return fd, bound, nil
}

// connectAccept makes one loopback connection to the listener lfd at sa
// and accepts it (connect on loopback returns once the handshake is done,
// so the accept does not wait).
func connectAccept(lfd int, sa unix.Sockaddr, v6 bool) (cfd, sfd int, err error) {
	cfd, err = dialTCP(sa, v6)
	if err != nil {
		return -1, -1, err
	}
	sfd, _, err = unix.Accept4(lfd, unix.SOCK_CLOEXEC)
	if err != nil {
		unix.Close(cfd)
		return -1, -1, fmt.Errorf("accept: %w", err)
	}
	return cfd, sfd, nil
}

// dialTCP connects a new TCP socket to sa.
func dialTCP(sa unix.Sockaddr, v6 bool) (int, error) {
	family := unix.AF_INET
	if v6 {
		family = unix.AF_INET6
	}
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("socket: %w", err)
	}
	if err := unix.Connect(fd, sa); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("connect: %w", err)
	}
	return fd, nil
}

// tcpChurn connects, sends a byte and closes, over and over. Most
// connections end with a reset (linger 0) so that TIME_WAIT stays a few
// hundred rows; one in 64 closes normally and leaves one. Every 200
// connections the listener goes, with a connection still in its backlog,
// and a new one on another port takes its place.
func tcpChurn(c *churn, v6 bool) error {
	lfd, sa, err := loopbackListener(v6)
	if err != nil {
		return err
	}
	defer func() { unix.Close(lfd) }()
	for i := 0; !c.stopped(); i++ {
		if i%200 == 199 {
			pending, err := dialTCP(sa, v6)
			if err != nil {
				return err
			}
			unix.Close(lfd)
			unix.Close(pending)
			if lfd, sa, err = loopbackListener(v6); err != nil {
				return err
			}
		}
		cfd, sfd, err := connectAccept(lfd, sa, v6)
		if err != nil {
			return err
		}
		unix.Write(cfd, []byte{'x'})
		if i%64 != 0 {
			unix.SetsockoptLinger(cfd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0})
		}
		unix.Close(cfd)
		unix.Close(sfd)
		c.tcp.Add(1)
		pace(i, 5)
	}
	return nil
}

// unixChurn makes and closes socket pairs (stream and datagram), and
// every 50 of them an abstract listener with a connection accepted and one
// left in its backlog.
func unixChurn(c *churn, worker int) error {
	for i := 0; !c.stopped(); i++ {
		typ := unix.SOCK_STREAM
		if i%2 == 1 {
			typ = unix.SOCK_DGRAM
		}
		p, err := unix.Socketpair(unix.AF_UNIX, typ|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("socketpair: %w", err)
		}
		unix.Close(p[0])
		unix.Close(p[1])
		c.unix.Add(2)
		if i%50 == 0 {
			fds, err := unixListenerRound(fmt.Sprintf("@netstat-churn-%d-%d.sock", worker, i))
			closeAll(fds)
			if err != nil {
				return err
			}
			c.unix.Add(int64(len(fds)))
		}
		pace(i, 10)
	}
	return nil
}

func unixListenerRound(name string) ([]int, error) {
	var fds []int
	sa := &unix.SockaddrUnix{Name: name}
	lfd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fds, fmt.Errorf("socket: %w", err)
	}
	fds = append(fds, lfd)
	if err := unix.Bind(lfd, sa); err != nil {
		return fds, fmt.Errorf("bind %s: %w", name, err)
	}
	if err := unix.Listen(lfd, 8); err != nil {
		return fds, fmt.Errorf("listen: %w", err)
	}
	for j := range 2 {
		cfd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return fds, fmt.Errorf("socket: %w", err)
		}
		fds = append(fds, cfd)
		if err := unix.Connect(cfd, sa); err != nil {
			return fds, fmt.Errorf("connect %s: %w", name, err)
		}
		if j == 0 {
			sfd, _, err := unix.Accept4(lfd, unix.SOCK_CLOEXEC)
			if err != nil {
				return fds, fmt.Errorf("accept: %w", err)
			}
			fds = append(fds, sfd)
		}
	}
	return fds, nil
}

// procChurn starts short-lived processes holding a TCP connection's ends
// and a UNIX socket pair that this process has already closed, and reaps
// them.
func procChurn(c *churn) error {
	lfd, sa, err := loopbackListener(false)
	if err != nil {
		return err
	}
	defer unix.Close(lfd)
	for !c.stopped() {
		cfd, sfd, err := connectAccept(lfd, sa, false)
		if err != nil {
			return err
		}
		p, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			unix.Close(cfd)
			unix.Close(sfd)
			return fmt.Errorf("socketpair: %w", err)
		}
		var files []*os.File
		for _, fd := range []int{cfd, sfd, p[0], p[1]} {
			files = append(files, os.NewFile(uintptr(fd), "socket"))
		}
		cmd := exec.Command("/bin/sleep", "0.05")
		cmd.ExtraFiles = files
		err = cmd.Start()
		for _, f := range files {
			f.Close()
		}
		if err != nil {
			return fmt.Errorf("start sleep: %w", err)
		}
		if err := cmd.Wait(); err != nil {
			return fmt.Errorf("sleep: %w", err)
		}
		c.procs.Add(1)
		c.tcp.Add(1)
		c.unix.Add(2)
	}
	return nil
}
