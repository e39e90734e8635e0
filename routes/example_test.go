package routes_test

import (
	"fmt"

	"github.com/netstat-go/netstat/routes"
)

// Print the IPv4 routes that are up, as `netstat -rn` lists them.
func ExampleList() {
	rs, err := routes.List(routes.Config{}, routes.IPv4)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rs {
		if r.Flags&routes.Up != 0 {
			fmt.Println(r.Destination, r.Gateway, r.Interface)
		}
	}
}
