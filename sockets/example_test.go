package sockets_test

import (
	"fmt"

	"github.com/netstat-go/netstat/sockets"
)

// List the TCP sockets that listen, IPv4 and IPv6.
func ExampleLister_Walk() {
	l := sockets.NewLister(sockets.Config{})
	defer l.Close()
	err := l.Walk(sockets.Query{
		Protocols: []sockets.Protocol{sockets.TCP},
		IPv4:      true,
		IPv6:      true,
		Listening: true,
	}, func(s *sockets.Socket) error {
		fmt.Println(s.Local, s.State, s.Inode)
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
}

// Show each TCP connection's round-trip time, congestion window and
// socket memory, as ss -tim would.
func ExampleLister_Walk_tcpInfo() {
	l := sockets.NewLister(sockets.Config{})
	defer l.Close()
	err := l.Walk(sockets.Query{
		Protocols: []sockets.Protocol{sockets.TCP},
		IPv4:      true,
		IPv6:      true,
		Connected: true,
		TCPInfo:   true,
		Memory:    true,
	}, func(s *sockets.Socket) error {
		if s.Internals == nil || !s.Internals.TCPInfo.Valid() { // TIME_WAIT, SYN_RECV, or read from /proc
			return nil
		}
		fmt.Printf("%v -> %v %s rtt %.3fms cwnd %d acked %d rcvbuf %d\n",
			s.Local, s.Remote, s.Internals.Congestion, float64(s.Internals.TCPInfo.RTT)/1000,
			s.Internals.TCPInfo.SndCwnd, s.Internals.TCPInfo.BytesAcked, s.Internals.Memory.RcvBuf)
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
}
