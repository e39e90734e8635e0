package procmap_test

import (
	"context"
	"fmt"
	"os"

	"github.com/netstat-go/netstat/internal/procmap"
)

// What netstat -p does with the sockets it is about to print.
func ExampleScanner_Scan() {
	wanted := map[uint64]struct{}{12345: {}, 67890: {}} // inodes of the listed sockets
	s := procmap.New("")
	// Only a full scan counts every denied process, which decides
	// net-tools' note; root is never denied.
	s.AllOwners = os.Geteuid() != 0
	owners, stats, err := s.Scan(context.Background(), wanted)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	if stats.Denied > 0 && stats.Sockets == 0 {
		fmt.Fprintf(os.Stderr, "(No info could be read for \"-p\": geteuid()=%d but you should be root.)\n", os.Geteuid())
	} else if stats.Denied > 0 {
		fmt.Fprint(os.Stderr, "(Not all processes could be identified, non-owned process info\n"+
			" will not be shown, you would have to be root to see it all.)\n")
	}
	for ino := range wanted {
		col := "-"
		if o := owners[ino]; len(o) > 0 {
			col = fmt.Sprintf("%d/%s", o[0].PID, o[0].Name) // the lowest PID, as net-tools
			if len(col) > 19 {
				col = col[:19] // net-tools cuts bytes; escape control characters too
			}
		}
		fmt.Printf("%d %-20s\n", ino, col)
	}
}
