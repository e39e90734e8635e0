package groups_test

import (
	"fmt"

	"github.com/netstat-go/netstat/groups"
)

// Print the multicast groups joined on each interface, IPv4 and IPv6.
func ExampleList() {
	ms, err := groups.List(groups.IPv4 | groups.IPv6)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range ms {
		fmt.Println(m.Interface, m.Group, m.Users)
	}
}
