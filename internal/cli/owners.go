package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/netstat-go/netstat/internal/procmap"
	"github.com/netstat-go/netstat/internal/render"
	"github.com/netstat-go/netstat/sockets"
)

// Notes net-tools prints on standard error when -p could not see every
// process; exit status stays 0.
const (
	noteNotAll = "(Not all processes could be identified, non-owned process info\n" +
		" will not be shown, you would have to be root to see it all.)"
	noteNoInfo = "(No info could be read for \"-p\": geteuid()=%d but you should be root.)"
)

// findOwners scans /proc for the processes holding the listed sockets:
// for each, the descriptors of its lowest-PID holder, as net-tools shows,
// or of every holder when the run needs them all. It also returns
// net-tools' note for when some process's descriptors could not be read
// ("" when none is due); the caller prints it before any table.
func findOwners(ctx context.Context, o *Options, inet, unix *rowStore) (map[uint64][]procmap.Owner, string, error) {
	wanted := make(map[uint64]struct{}, inet.len()+unix.len())
	for _, rows := range []*rowStore{inet, unix} {
		_ = rows.each(func(_ int, s *sockets.Socket) error {
			if s.Inode != 0 {
				wanted[s.Inode] = struct{}{}
			}
			return nil
		})
	}
	scanner := procmap.New("")
	euid := os.Geteuid()
	// Unprivileged, net-tools' note depends on every process (was any
	// unreadable, was any socket seen), so the scan cannot stop early.
	// --pid and --program select a socket by any of its holders, not only
	// the one -p shows; --pid needs to read that process alone.
	// --json lists every holder.
	scanner.AllOwners = euid != 0 || o.PID != 0 || o.Program != "" || o.JSON
	if o.PID != 0 {
		scanner.PIDs = []int{o.PID}
	}
	owners, stats, err := scanner.Scan(ctx, wanted)
	if err != nil {
		return nil, "", fmt.Errorf("reading processes: %w", err)
	}
	// Root without capabilities can be denied too; net-tools then says
	// geteuid()=0.
	note := ""
	if stats.Denied > 0 && o.Programs {
		if stats.Sockets == 0 {
			note = fmt.Sprintf(noteNoInfo, euid)
		} else {
			note = noteNotAll
		}
	}
	return owners, note, nil
}

// ownerLookup answers the PID/Program name column: the lowest PID holding
// the socket, as net-tools shows.
func ownerLookup(owners map[uint64][]procmap.Owner) func(uint64) (int, string, bool) {
	return func(inode uint64) (int, string, bool) {
		o := owners[inode]
		if len(o) == 0 {
			return 0, "", false
		}
		return o[0].PID, o[0].Name, true
	}
}

// processLookup answers JSON's processes: every descriptor found for the
// socket, lowest PID first.
func processLookup(owners map[uint64][]procmap.Owner) func(uint64) []render.Process {
	return func(inode uint64) []render.Process {
		os := owners[inode]
		ps := make([]render.Process, len(os))
		for i, o := range os {
			ps[i] = render.Process{PID: o.PID, Name: o.Name, FD: o.FD}
		}
		return ps
	}
}

// heldBy selects the rows some holder of which matches --pid and
// --program.
func heldBy(owners map[uint64][]procmap.Owner, o *Options) func(*sockets.Socket) bool {
	return func(s *sockets.Socket) bool {
		for _, ow := range owners[s.Inode] {
			if (o.PID == 0 || ow.PID == o.PID) && (o.Program == "" || ow.Name == o.Program) {
				return true
			}
		}
		return false
	}
}
