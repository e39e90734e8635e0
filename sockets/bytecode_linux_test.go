package sockets_test

import (
	"net"
	"testing"

	"github.com/netstat-go/netstat/internal/filter"
	"github.com/netstat-go/netstat/internal/nstest"
	"github.com/netstat-go/netstat/sockets"
)

// TestBytecodeReachesKernel: with Query.Bytecode and no Match, only the
// kernel can drop sockets, so a narrower result proves the request carried
// INET_DIAG_REQ_BYTECODE and the kernel ran it.
func TestBytecodeReachesKernel(t *testing.T) {
	ns := nstest.New(t)
	expr, err := filter.ParseExpr([]string{"sport", "=", ":7000"}, filter.Names{})
	if err != nil {
		t.Fatal(err)
	}
	prog, exact, err := filter.Compile(expr, nil)
	if err != nil || !exact || len(prog) == 0 {
		t.Fatalf("Compile: %d bytes, exact %v, %v", len(prog), exact, err)
	}
	var ports []uint16
	ns.Do(func() {
		for _, a := range []string{"127.0.0.1:7000", "127.0.0.1:7001", "127.0.0.1:7002"} {
			l, err := net.Listen("tcp4", a)
			if err != nil {
				t.Error(err)
				return
			}
			defer l.Close()
		}
		for _, src := range []sockets.Source{sockets.Netlink, sockets.Proc} {
			l := sockets.NewLister(sockets.Config{Source: src})
			q := sockets.Query{Protocols: []sockets.Protocol{sockets.TCP}, IPv4: true, Listening: true, Connected: true, Bytecode: prog}
			n := 0
			err := l.Walk(q, func(s *sockets.Socket) error {
				if src == sockets.Netlink {
					ports = append(ports, s.Local.Port())
				}
				n++
				return nil
			})
			l.Close()
			if err != nil {
				t.Error(err)
			}
			// /proc ignores the program: all three listeners.
			if src == sockets.Proc && n != 3 {
				t.Errorf("/proc gave %d sockets, want 3", n)
			}
		}
	})
	if len(ports) != 1 || ports[0] != 7000 {
		t.Errorf("netlink with bytecode gave ports %v, want [7000]", ports)
	}
}
