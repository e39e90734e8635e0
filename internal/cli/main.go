package cli

import (
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"

	"github.com/netstat-go/netstat/internal/resolve"
	"github.com/netstat-go/netstat/netns"
)

// Exit statuses, as net-tools uses them.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 3
)

// Main runs netstat with args (without the program name) and returns the
// exit status. It is the only place that prints errors and picks statuses.
func Main(args []string, stdout, stderr io.Writer) int {
	quietPipe()
	o, err := Parse(args)
	if err != nil {
		var ue *usageError
		if errors.As(err, &ue) {
			if ue.msg != "" {
				fmt.Fprintln(stderr, ue.msg)
			}
			io.WriteString(stderr, usageText+afListText)
			return exitUsage
		}
		fmt.Fprintln(stderr, err)
		return exitError
	}
	switch {
	case o.Version:
		io.WriteString(stdout, versionText)
		return exitOK
	case o.Help:
		// net-tools prints the usage on standard output but the family
		// list on standard error; keep that so redirections behave alike.
		io.WriteString(stdout, usageText+extensionsText)
		io.WriteString(stderr, afListText)
		return exitOK
	}
	if o.Masquerade {
		// No kernel since 2.2 has /proc/net/ip_masquerade; net-tools says
		// so and fails. Conntrack NAT entries are a possible successor.
		fmt.Fprintln(stderr, "netstat: no support for `ip_masquerade' on this system.")
		return exitError
	}
	res := resolve.New(resolve.Config{})
	round := func() error { return runSockets(o, res, stdout, stderr) }
	switch {
	case o.Route:
		round = func() error { return runRoutes(o, res, stdout, stderr) }
	case o.Interfaces:
		round = func() error { return runInterfaces(o, stdout, stderr) }
	case o.Groups:
		round = func() error { return runGroups(o, res, stdout, stderr) }
	case o.Statistics:
		round = func() error { return runStats(o, stdout, stderr) }
	case o.Summary:
		round = func() error { return runSummary(stdout) }
	}
	var j *jsonOut
	if o.JSON {
		j = &jsonOut{o: o, res: res, stdout: stdout, stderr: stderr, now: time.Now}
		round = j.round()
	}
	sc, err := openScope(o)
	if err != nil {
		return finish(err, stderr)
	}
	defer sc.close()
	if j != nil && sc.one != nil {
		j.ns = new(sc.one.Namespace())
	}
	sockets := !(o.Route || o.Interfaces || o.Groups || o.Statistics || o.Summary)
	switch {
	case sc.all && !sockets:
		// The socket listing tags each socket with its namespace; the
		// other modes print each namespace's table in turn.
		perSpace := round
		round = eachSpace(func(n *netns.Namespace) error {
			if j != nil {
				j.ns = n
			} else {
				fmt.Fprintf(stdout, "Network namespace %s:\n", nsTitle(n))
			}
			return perSpace()
		}, stdout, stderr)
	default:
		round = sc.inScope(round)
	}
	return finish(repeat(interval(o), round), stderr)
}

// statusError carries an exit status chosen by a mode, after its output and
// messages are already written (net-tools' "no support" cases).
type statusError int

func (e statusError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// finish maps a mode's error to a status. A closed pipe on standard output
// ends the program quietly, as `netstat | head` expects.
func finish(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var st statusError
	if errors.As(err, &st) {
		return int(st)
	}
	if errors.Is(err, syscall.EPIPE) {
		return exitOK
	}
	fmt.Fprintf(stderr, "netstat: %v\n", err)
	return exitError
}
