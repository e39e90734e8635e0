package render

import (
	"strconv"

	"github.com/netstat-go/netstat/interfaces"
)

// IfaceTitle is the line above the interface table (-i).
const IfaceTitle = "Kernel Interface table\n"

// IfaceTable holds the column choices of an interface listing.
type IfaceTable struct {
	// Wide (-W) prints names longer than 15 bytes whole; otherwise they are
	// cut to 15, as net-tools cuts them. (Linux names are at most 15 bytes,
	// so this matters only for other sources of names.)
	Wide bool
	// Bytes (BSD's -b with -i) appends RX-BYTES and TX-BYTES columns,
	// each right-aligned in 12 columns.
	Bytes bool
}

// Header is the column header of the interface table.
func (t *IfaceTable) Header() string {
	h := "Iface             MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg"
	if t.Bytes {
		h += "     RX-BYTES     TX-BYTES"
	}
	return h + "\n"
}

// ifaceNameWidth is net-tools' name column: 15 bytes and a space.
const ifaceNameWidth = 15

// AppendIface appends the interface's row:
//
//	NAME(15) MTU(5) RX-OK(8) RX-ERR(6) RX-DRP(6) RX-OVR(-6) TX-OK(8) TX-ERR(6) TX-DRP(6) TX-OVR(6) FLAGS
//
// where numbers wider than their column push the rest of the row right.
// An alias label has no counters: net-tools prints "- no statistics
// available -" in their place.
func (t *IfaceTable) AppendIface(b []byte, ifc *interfaces.Interface) []byte {
	start := len(b)
	b = AppendEscaped(b, ifc.Name)
	if !t.Wide && len(b)-start > ifaceNameWidth {
		b = b[:start+ifaceNameWidth]
	}
	b = pad(b, start, ifaceNameWidth)
	b = append(b, ' ')
	m := len(b)
	b = strconv.AppendInt(b, int64(ifc.MTU), 10)
	b = rightAlign(b, m, 5)
	s := ifc.Stats
	if s == nil {
		b = append(b, "      - no statistics available -                       "...)
	} else {
		b = append(b, ' ')
		b = padLeftUint(b, s.RxPackets, 8)
		b = append(b, ' ')
		b = padLeftUint(b, s.RxErrors, 6)
		b = append(b, ' ')
		b = padLeftUint(b, s.RxDropped, 6)
		b = append(b, ' ')
		m = len(b)
		b = strconv.AppendUint(b, s.RxFIFO, 10)
		b = pad(b, m, 6)
		b = append(b, ' ')
		b = padLeftUint(b, s.TxPackets, 8)
		b = append(b, ' ')
		b = padLeftUint(b, s.TxErrors, 6)
		b = append(b, ' ')
		b = padLeftUint(b, s.TxDropped, 6)
		b = append(b, ' ')
		b = padLeftUint(b, s.TxFIFO, 6)
	}
	b = append(b, ' ')
	b = AppendFlagLetters(b, ifc.Flags)
	if t.Bytes {
		var rx, tx uint64
		if s != nil {
			rx, tx = s.RxBytes, s.TxBytes
		}
		b = append(b, ' ')
		b = padLeftUint(b, rx, 12)
		b = append(b, ' ')
		b = padLeftUint(b, tx, 12)
	}
	return append(b, '\n')
}

// flagLetters is the Flg column: one letter per flag, in net-tools' order
// (not the bits' order): A all-multicast, B broadcast, D debug, L loopback,
// M multicast, d dynamic, P promiscuous, N no trailers, O no ARP,
// P point-to-point, s slave, m master, R running, U up.
var flagLetters = []struct {
	f interfaces.Flags
	c byte
}{
	{interfaces.AllMulti, 'A'}, {interfaces.Broadcast, 'B'}, {interfaces.Debug, 'D'},
	{interfaces.Loopback, 'L'}, {interfaces.Multicast, 'M'}, {interfaces.Dynamic, 'd'},
	{interfaces.Promisc, 'P'}, {interfaces.NoTrailers, 'N'}, {interfaces.NoARP, 'O'},
	{interfaces.PointToPoint, 'P'}, {interfaces.Slave, 's'}, {interfaces.Master, 'm'},
	{interfaces.Running, 'R'}, {interfaces.Up, 'U'},
}

// AppendFlagLetters appends the Flg column for f ("[NO FLAGS]" for none).
func AppendFlagLetters(b []byte, f interfaces.Flags) []byte {
	if f == 0 {
		return append(b, "[NO FLAGS]"...)
	}
	for _, l := range flagLetters {
		if f&l.f != 0 {
			b = append(b, l.c)
		}
	}
	return b
}

// rightAlign moves what was appended since start to the right of a field
// width bytes wide.
func rightAlign(b []byte, start, width int) []byte {
	n := len(b) - start
	if n >= width {
		return b
	}
	b = append(b, make([]byte, width-n)...)
	copy(b[start+width-n:], b[start:start+n])
	for i := start; i < start+width-n; i++ {
		b[i] = ' '
	}
	return b
}
