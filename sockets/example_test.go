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
