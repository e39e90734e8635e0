package interfaces_test

import (
	"fmt"

	"github.com/netstat-go/netstat/interfaces"
)

// Print each interface that is up with its received and sent packets.
func ExampleList() {
	ifs, err := interfaces.List()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ifc := range ifs {
		if ifc.Flags&interfaces.Up != 0 && ifc.Stats != nil {
			fmt.Println(ifc.Name, ifc.Stats.RxPackets, ifc.Stats.TxPackets)
		}
	}
}
