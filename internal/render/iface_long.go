package render

import (
	"net/netip"
	"strconv"

	"github.com/netstat-go/netstat/interfaces"
)

// AppendIfaceLong appends the long form of an interface (-ie), as
// net-tools prints it (ifconfig's layout), blank line included:
//
//	NAME: flags=N<UP,BROADCAST,RUNNING,MULTICAST>  mtu M
//	        inet A  netmask M  broadcast B          (destination D with POINTOPOINT)
//	        inet6 A  prefixlen P  scopeid 0xS<link>  (one line per address)
//	        ether MAC  txqueuelen Q  (Ethernet)
//	        RX packets N  bytes B (X.Y KiB)
//	        RX errors 0  dropped 0  overruns 0  frame 0
//	        TX packets N  bytes B (X.Y KiB)
//	        TX errors 0  dropped 0 overruns 0  carrier 0  collisions 0
//
// N is the 16-bit flags word as a signed number, the names in bit order.
// With PORTSEL a line "        media unknown" follows the hardware line
// ("media unknownautoselect" with AUTOMEDIA too). An alias label (no
// Stats) has only its flags, inet and hardware lines.
func AppendIfaceLong(b []byte, ifc *interfaces.Interface) []byte {
	b = AppendEscaped(b, ifc.Name)
	b = append(b, ": flags="...)
	b = strconv.AppendInt(b, int64(int16(ifc.Flags)), 10)
	b = append(b, '<')
	first := true
	for i, n := range longFlagNames {
		if n != "" && ifc.Flags&(1<<i) != 0 {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(b, n...)
		}
	}
	b = append(b, ">  mtu "...)
	b = strconv.AppendInt(b, int64(ifc.MTU), 10)
	b = append(b, '\n')
	d := ifc.Detail
	if d == nil {
		d = &interfaces.Detail{TxQueueLen: -1}
	}
	if d.Addr.IsValid() {
		b = append(b, "        inet "...)
		b = appendV4(b, d.Addr)
		b = append(b, "  netmask "...)
		b = appendV4(b, d.Netmask)
		if ifc.Flags&interfaces.Broadcast != 0 {
			b = append(b, "  broadcast "...)
			b = appendV4(b, d.Broadcast)
		}
		if ifc.Flags&interfaces.PointToPoint != 0 {
			b = append(b, "  destination "...)
			b = appendV4(b, d.Destination)
		}
		b = append(b, '\n')
	}
	for _, a := range d.IPv6 {
		b = append(b, "        inet6 "...)
		if a.Addr.Is4In6() {
			b = a.Addr.Unmap().AppendTo(b)
		} else {
			b = appendIPv6(b, a.Addr)
		}
		b = append(b, "  prefixlen "...)
		b = strconv.AppendInt(b, int64(a.PrefixLen), 10)
		b = append(b, "  scopeid 0x"...)
		b = strconv.AppendUint(b, uint64(a.Scope), 16)
		b = appendScope(b, a.Scope)
		b = append(b, '\n')
	}
	if d.HasHW {
		b = append(b, "        "...)
		var title string
		switch d.HWType {
		case interfaces.HWEther:
			b = append(b, "ether "...)
			for i := 0; i < 6 && i < len(d.HWAddr); i++ {
				if i > 0 {
					b = append(b, ':')
				}
				b = appendHex2(b, d.HWAddr[i], lowerHex)
			}
			title = "Ethernet"
		case interfaces.HWLoopback:
			b = append(b, "loop"...)
			title = "Local Loopback"
		default:
			b = append(b, "unspec "...)
			for i, c := range d.HWAddr {
				if i > 0 {
					b = append(b, '-')
				}
				b = appendHex2(b, c, upperHex)
			}
			title = "UNSPEC"
		}
		b = append(b, "  txqueuelen "...)
		b = strconv.AppendInt(b, int64(d.TxQueueLen), 10)
		b = append(b, "  ("...)
		b = append(b, title...)
		b = append(b, ")\n"...)
	}
	if ifc.Flags&interfaces.PortSel != 0 {
		// The port (struct ifmap's if_port) is not read: no driver of
		// today sets PORTSEL, so it is taken to be 0, "unknown".
		b = append(b, "        media unknown"...)
		if ifc.Flags&interfaces.AutoMedia != 0 {
			b = append(b, "autoselect"...)
		}
		b = append(b, '\n')
	}
	if s := ifc.Stats; s != nil {
		b = appendPackets(b, "RX", s.RxPackets, s.RxBytes)
		b = append(b, "        RX errors "...)
		b = strconv.AppendUint(b, s.RxErrors, 10)
		b = append(b, "  dropped "...)
		b = strconv.AppendUint(b, s.RxDropped, 10)
		b = append(b, "  overruns "...)
		b = strconv.AppendUint(b, s.RxFIFO, 10)
		b = append(b, "  frame "...)
		b = strconv.AppendUint(b, s.RxFrame, 10)
		b = append(b, '\n')
		b = appendPackets(b, "TX", s.TxPackets, s.TxBytes)
		b = append(b, "        TX errors "...)
		b = strconv.AppendUint(b, s.TxErrors, 10)
		b = append(b, "  dropped "...)
		b = strconv.AppendUint(b, s.TxDropped, 10)
		b = append(b, " overruns "...)
		b = strconv.AppendUint(b, s.TxFIFO, 10)
		b = append(b, "  carrier "...)
		b = strconv.AppendUint(b, s.TxCarrier, 10)
		b = append(b, "  collisions "...)
		b = strconv.AppendUint(b, s.Collisions, 10)
		b = append(b, '\n')
	}
	return append(b, '\n')
}

// longFlagNames are the flags' names in bit order; net-tools names neither
// PORTSEL nor AUTOMEDIA (they show as the media line instead).
var longFlagNames = [...]string{"UP", "BROADCAST", "DEBUG", "LOOPBACK", "POINTOPOINT", "NOTRAILERS",
	"RUNNING", "NOARP", "PROMISC", "ALLMULTI", "MASTER", "SLAVE", "MULTICAST", "", "", "DYNAMIC"}

const (
	lowerHex = "0123456789abcdef"
	upperHex = "0123456789ABCDEF"
)

func appendHex2(b []byte, c byte, digits string) []byte {
	return append(b, digits[c>>4], digits[c&15])
}

func appendV4(b []byte, a netip.Addr) []byte {
	if !a.IsValid() {
		a = netip.IPv4Unspecified()
	}
	return a.Unmap().AppendTo(b)
}

// appendScope appends the scope names in angle brackets: host, link,
// site and compat for their bits, and global when none of host, link and
// site is set (so "compat,global" for an IPv4-compatible address).
func appendScope(b []byte, scope uint16) []byte {
	b = append(b, '<')
	n := len(b)
	for _, s := range [...]struct {
		bit  uint16
		name string
	}{{0x10, "host"}, {0x20, "link"}, {0x40, "site"}, {0x80, "compat"}} {
		if scope&s.bit != 0 {
			if len(b) > n {
				b = append(b, ',')
			}
			b = append(b, s.name...)
		}
	}
	if scope&0x70 == 0 {
		if len(b) > n {
			b = append(b, ',')
		}
		b = append(b, "global"...)
	}
	return append(b, '>')
}

// AppendHumanBytes appends n in the largest binary unit (B, KiB, MiB,
// GiB, TiB) it is more than 1024 of, with one decimal, truncated (not
// rounded): 1024 is "1024.0 B", 1025 is "1.0 KiB", 1610 is "1.5 KiB".
func AppendHumanBytes(b []byte, n uint64) []byte {
	units := [...]string{"B", "KiB", "MiB", "GiB", "TiB"}
	k := 0
	var u uint64 = 1
	for k+1 < len(units) && n/u > 1024 || k+1 < len(units) && n/u == 1024 && n%u != 0 {
		u *= 1024
		k++
	}
	b = strconv.AppendUint(b, n/u, 10)
	b = append(b, '.')
	b = strconv.AppendUint(b, (n%u)*10/u, 10)
	b = append(b, ' ')
	return append(b, units[k]...)
}

// appendPackets appends "        RX packets N  bytes B (H)" and a newline.
func appendPackets(b []byte, dir string, packets, bytes uint64) []byte {
	b = append(b, "        "...)
	b = append(b, dir...)
	b = append(b, " packets "...)
	b = strconv.AppendUint(b, packets, 10)
	b = append(b, "  bytes "...)
	b = strconv.AppendUint(b, bytes, 10)
	b = append(b, " ("...)
	b = AppendHumanBytes(b, bytes)
	return append(b, ")\n"...)
}
