// Command netstat shows sockets, the processes that own them, routes,
// interfaces, multicast groups and protocol statistics, with the options and
// output of net-tools netstat.
package main

import (
	"os"

	"github.com/netstat-go/netstat/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) }
