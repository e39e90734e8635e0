package cli

import (
	"fmt"
	"io"
	"strconv"

	"github.com/netstat-go/netstat/internal/render"
	"github.com/netstat-go/netstat/netns"
)

// scope is the network namespaces a run looks into. The zero scope is the
// calling thread's own.
type scope struct {
	// one is --netns's namespace.
	one *netns.Handle
	// all is --all-netns: every namespace, found anew each round.
	all bool
}

// space is one namespace of a round, open for entering.
type space struct {
	ns netns.Namespace
	h  *netns.Handle
}

// openScope opens --netns's namespace; the caller closes it.
func openScope(o *Options) (scope, error) {
	if o.AllNetns {
		return scope{all: true}, nil
	}
	if o.Netns == "" {
		return scope{}, nil
	}
	h, err := netns.Open(o.Netns)
	if err != nil {
		return scope{}, fmt.Errorf("--netns %s: %w", o.Netns, err)
	}
	return scope{one: h}, nil
}

func (s scope) close() {
	if s.one != nil {
		s.one.Close()
	}
}

// spaces opens every network namespace of the host for one round of
// --all-netns, and says once on standard error when some processes' could
// not be read. The caller closes them with closeSpaces.
func spaces(stderr io.Writer) ([]space, []string, error) {
	scan, err := netns.All()
	if err != nil {
		return nil, nil, fmt.Errorf("listing network namespaces: %w", err)
	}
	var warnings []string
	if scan.Unreadable > 0 {
		procs := "processes"
		if scan.Unreadable == 1 {
			procs = "process"
		}
		w := fmt.Sprintf("(The network namespace of %d %s could not be read; a namespace only such processes use is not shown.)", scan.Unreadable, procs)
		fmt.Fprintln(stderr, w)
		warnings = append(warnings, w)
	}
	var ss []space
	for _, n := range scan.Namespaces {
		h, err := netns.OpenNamespace(n)
		if err != nil {
			// Gone since the scan (its last process exited): it has no
			// sockets left to show.
			continue
		}
		ss = append(ss, space{ns: n, h: h})
	}
	return ss, warnings, nil
}

func closeSpaces(ss []space) {
	for _, s := range ss {
		s.h.Close()
	}
}

// inScope runs round in the run's namespace: directly, or inside --netns's
// on a thread of its own. --all-netns is handled by the modes themselves
// (sockets are tagged) or by eachSpace.
func (s scope) inScope(round func() error) func() error {
	if s.one == nil {
		return round
	}
	return func() error { return s.one.Do(round) }
}

// eachSpace runs a mode's round in every namespace, each under a line
// naming it: what --all-netns does for the modes other than sockets.
func eachSpace(round func(ns *netns.Namespace) error, stdout, stderr io.Writer) func() error {
	return func() error {
		ss, _, err := spaces(stderr)
		if err != nil {
			return err
		}
		defer closeSpaces(ss)
		for i := range ss {
			n := &ss[i].ns
			if err := ss[i].h.Do(func() error { return round(n) }); err != nil {
				return err
			}
		}
		return nil
	}
}

// nsTitle names a namespace in the line above its tables: "blue
// (net:[4026532281])", or the inode alone.
func nsTitle(n *netns.Namespace) string {
	inode := "net:[" + strconv.FormatUint(n.Inode, 10) + "]"
	if n.Name == "" {
		return inode
	}
	return string(render.AppendEscaped(nil, n.Name)) + " (" + inode + ")"
}
