package filter

import "github.com/netstat-go/netstat/sockets"

func bit(s sockets.State) sockets.StateSet { return 1 << s }

// State groups, with the membership ss(8) gives them (iproute2 6.1 sends
// exactly these idiag_states masks; checked with strace). Like ss, "all" is
// bits 0 to 11: it includes bit 0, which no socket uses, and leaves out
// NEW_SYN_RECV (12), which the kernel reports as SYN_RECV.
const (
	StatesAll          sockets.StateSet = 1<<(sockets.Closing+1) - 1
	StatesConnected                     = StatesAll &^ (1<<sockets.Listen | 1<<sockets.Close)
	StatesSynchronized                  = StatesConnected &^ (1 << sockets.SynSent)
	StatesBucket       sockets.StateSet = 1<<sockets.SynRecv | 1<<sockets.TimeWait
	StatesBig                           = StatesAll &^ StatesBucket
)

var stateWords = map[string]sockets.StateSet{
	"established":  bit(sockets.Established),
	"syn-sent":     bit(sockets.SynSent),
	"syn-recv":     bit(sockets.SynRecv),
	"fin-wait-1":   bit(sockets.FinWait1),
	"fin-wait-2":   bit(sockets.FinWait2),
	"time-wait":    bit(sockets.TimeWait),
	"closed":       bit(sockets.Close),
	"close-wait":   bit(sockets.CloseWait),
	"last-ack":     bit(sockets.LastAck),
	"listening":    bit(sockets.Listen),
	"closing":      bit(sockets.Closing),
	"all":          StatesAll,
	"connected":    StatesConnected,
	"synchronized": StatesSynchronized,
	"bucket":       StatesBucket,
	"big":          StatesBig,
}

// LookupState returns the states an ss state name or group name stands for.
func LookupState(name string) (sockets.StateSet, bool) {
	s, ok := stateWords[name]
	return s, ok
}

// MatchState reports whether a socket in state st passes the state set ss
// (zero means no selection: every state passes). A NEW_SYN_RECV socket (a
// request socket) counts as SYN_RECV, as the kernel reports it.
func MatchState(set sockets.StateSet, st sockets.State) bool {
	if set == 0 {
		return true
	}
	if st == sockets.NewSynRecv {
		st = sockets.SynRecv
	}
	return set.Has(st)
}
