package netns_test

import (
	"fmt"
	"net"
	"os"

	"github.com/netstat-go/netstat/netns"
)

// List the network namespaces of the host, with their names and processes.
func ExampleAll() {
	scan, err := netns.All()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, n := range scan.Namespaces {
		fmt.Printf("%d %s %v\n", n.Inode, n, n.PIDs)
	}
	if scan.Unreadable > 0 {
		fmt.Fprintf(os.Stderr, "%d processes could not be inspected; run as root to see them\n", scan.Unreadable)
	}
}

// Open a listener inside the namespace "blue" (ip netns add blue). The
// socket stays in that namespace and can be used anywhere afterwards.
func ExampleHandle_Do() {
	h, err := netns.Open("blue")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer h.Close()
	var ln net.Listener
	err = h.Do(func() error {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ln.Close()
	fmt.Println("listening in", h.Namespace(), "on", ln.Addr())
}
