package render

import (
	"encoding/hex"
	"net/netip"
	"strconv"
	"strings"

	"github.com/netstat-go/netstat/groups"
	"github.com/netstat-go/netstat/interfaces"
	"github.com/netstat-go/netstat/internal/linux/procfs"
	"github.com/netstat-go/netstat/routes"
	"github.com/netstat-go/netstat/sockets"
)

// JSONRoute is one route in a --json -r document ("routes").
type JSONRoute struct {
	Family          string `json:"family"`
	Destination     string `json:"destination"`
	PrefixLen       int    `json:"prefix_len"`
	DestinationName string `json:"destination_name,omitempty"`
	// Netmask is the IPv4 prefix as a mask (net-tools' Genmask).
	Netmask     string `json:"netmask,omitempty"`
	Source      string `json:"source,omitempty"`
	SourceLen   *int   `json:"source_prefix_len,omitempty"`
	Gateway     string `json:"gateway"`
	GatewayName string `json:"gateway_name,omitempty"`
	// Flags is net-tools' flag letters; FlagBits the kernel's RTF_* bits.
	Flags     string `json:"flags"`
	FlagBits  uint32 `json:"flag_bits"`
	Metric    uint32 `json:"metric"`
	RefCount  int32  `json:"ref_count"`
	Use       uint32 `json:"use"`
	Interface string `json:"interface"`
	MSS       uint32 `json:"mss"`
	Window    uint32 `json:"window"`
	IRTT      uint32 `json:"irtt"`
	Raw       Raw    `json:"raw,omitempty"`
}

// JSON returns r as a --json route, named as the table names it.
func (t *RouteTable) JSON(r *routes.Route) *JSONRoute {
	d := r.Destination
	j := &JSONRoute{
		Destination: d.Addr().String(),
		PrefixLen:   d.Bits(),
		Gateway:     r.Gateway.String(),
		FlagBits:    uint32(r.Flags),
		Metric:      r.Metric,
		RefCount:    r.RefCount,
		Use:         r.Use,
		MSS:         r.MTU,
		Window:      r.Window,
		IRTT:        r.IRTT,
	}
	j.Interface = text(&j.Raw, "interface", r.Interface)
	if !r.Gateway.IsValid() {
		j.Gateway = "0.0.0.0"
		if r.Family == routes.IPv6 {
			j.Gateway = "::"
		}
	}
	if r.Family == routes.IPv6 {
		j.Family, j.Flags = "inet6", flags6(r.Flags)
		if r.Source.IsValid() {
			j.Source = r.Source.Addr().String()
			j.SourceLen = new(r.Source.Bits())
		}
		if t.Names != nil {
			for _, x := range []struct {
				a   netip.Addr
				key string
				dst *string
			}{{d.Addr(), "destination_name", &j.DestinationName}, {r.Gateway, "gateway_name", &j.GatewayName}} {
				if x.a.IsValid() && !x.a.IsUnspecified() {
					if n, ok := t.Names.Host(x.a); ok {
						*x.dst = text(&j.Raw, x.key, n)
					}
				}
			}
		}
		return j
	}
	j.Family, j.Flags = "inet", flags4(r.Flags)
	j.Netmask = maskOf(d).String()
	if n, ok := t.lookup4(d.Addr(), d.Bits(), true, r.Flags&routes.Host != 0); ok {
		j.DestinationName = text(&j.Raw, "destination_name", n)
	}
	if r.Gateway.IsValid() {
		if n, ok := t.lookup4(r.Gateway, 32, false, true); ok {
			j.GatewayName = text(&j.Raw, "gateway_name", n)
		}
	}
	return j
}

// JSONInterface is one interface (or alias label) in a --json -i document.
type JSONInterface struct {
	Name string `json:"name"`
	MTU  int    `json:"mtu"`
	// Flags names the IFF_* flags set; FlagLetters is net-tools' Flg.
	Flags       []string `json:"flags"`
	FlagLetters string   `json:"flag_letters"`
	FlagBits    uint32   `json:"flag_bits"`
	// Alias marks an IPv4 address label (eth0:1), which has no counters.
	Alias bool       `json:"alias,omitempty"`
	Stats *JSONStats `json:"stats,omitempty"`

	IPv4       *JSONIPv4  `json:"ipv4,omitempty"`
	IPv6       []JSONIPv6 `json:"ipv6,omitempty"`
	HWType     *uint16    `json:"hw_type,omitempty"`
	HWAddr     string     `json:"hw_address,omitempty"`
	TxQueueLen *int       `json:"tx_queue_len,omitempty"`
	Raw        Raw        `json:"raw,omitempty"`
}

// JSONStats are an interface's counters, with the kernel's meanings.
type JSONStats struct {
	RxBytes      uint64 `json:"rx_bytes"`
	RxPackets    uint64 `json:"rx_packets"`
	RxErrors     uint64 `json:"rx_errors"`
	RxDropped    uint64 `json:"rx_dropped"`
	RxFIFO       uint64 `json:"rx_fifo"`
	RxFrame      uint64 `json:"rx_frame"`
	RxCompressed uint64 `json:"rx_compressed"`
	RxMulticast  uint64 `json:"rx_multicast"`
	TxBytes      uint64 `json:"tx_bytes"`
	TxPackets    uint64 `json:"tx_packets"`
	TxErrors     uint64 `json:"tx_errors"`
	TxDropped    uint64 `json:"tx_dropped"`
	TxFIFO       uint64 `json:"tx_fifo"`
	Collisions   uint64 `json:"collisions"`
	TxCarrier    uint64 `json:"tx_carrier"`
	TxCompressed uint64 `json:"tx_compressed"`
}

// JSONIPv4 is an interface's primary IPv4 address.
type JSONIPv4 struct {
	Address     string `json:"address"`
	Netmask     string `json:"netmask,omitempty"`
	Broadcast   string `json:"broadcast,omitempty"`
	Destination string `json:"destination,omitempty"`
}

// JSONIPv6 is one of an interface's IPv6 addresses; Scope names the
// kernel's scope bits ("global", "host", "link", "site", "compat").
type JSONIPv6 struct {
	Address   string `json:"address"`
	PrefixLen int    `json:"prefix_len"`
	Scope     string `json:"scope"`
}

// InterfaceJSON returns ifc as a --json interface; the addresses and
// hardware members are present when ifc has its Detail.
func InterfaceJSON(ifc *interfaces.Interface) *JSONInterface {
	j := &JSONInterface{MTU: ifc.MTU, FlagBits: uint32(ifc.Flags), Flags: []string{}}
	j.Name = text(&j.Raw, "name", ifc.Name)
	if s := ifc.Flags.String(); s != "" {
		j.Flags = strings.Split(s, "|")
	}
	j.FlagLetters = string(AppendFlagLetters(nil, ifc.Flags))
	if st := ifc.Stats; st != nil {
		j.Stats = &JSONStats{st.RxBytes, st.RxPackets, st.RxErrors, st.RxDropped, st.RxFIFO, st.RxFrame,
			st.RxCompressed, st.RxMulticast, st.TxBytes, st.TxPackets, st.TxErrors, st.TxDropped, st.TxFIFO,
			st.Collisions, st.TxCarrier, st.TxCompressed}
	} else {
		j.Alias = true
	}
	d := ifc.Detail
	if d == nil {
		return j
	}
	if d.Addr.IsValid() {
		j.IPv4 = &JSONIPv4{Address: d.Addr.String()}
		// The kernel answers the broadcast and destination ioctls for
		// any interface; they mean something only with their flag.
		for _, x := range []struct {
			a   netip.Addr
			on  bool
			dst *string
		}{
			{d.Netmask, true, &j.IPv4.Netmask},
			{d.Broadcast, ifc.Flags&interfaces.Broadcast != 0, &j.IPv4.Broadcast},
			{d.Destination, ifc.Flags&interfaces.PointToPoint != 0, &j.IPv4.Destination},
		} {
			if x.on && x.a.IsValid() {
				*x.dst = x.a.String()
			}
		}
	}
	for _, a := range d.IPv6 {
		j.IPv6 = append(j.IPv6, JSONIPv6{Address: a.Addr.String(), PrefixLen: a.PrefixLen, Scope: scopeName(a.Scope)})
	}
	if d.HasHW {
		j.HWType = new(d.HWType)
		j.HWAddr = hwAddr(d.HWType, d.HWAddr)
	}
	if d.TxQueueLen >= 0 {
		j.TxQueueLen = new(d.TxQueueLen)
	}
	return j
}

// hwAddr formats a hardware address: colon-separated hex for Ethernet's 6
// bytes, the whole (trailing zeros trimmed) area otherwise.
func hwAddr(typ uint16, a []byte) string {
	if typ == interfaces.HWEther && len(a) >= 6 {
		a = a[:6]
	} else {
		for len(a) > 0 && a[len(a)-1] == 0 {
			a = a[:len(a)-1]
		}
	}
	var b []byte
	for i, c := range a {
		if i > 0 {
			b = append(b, ':')
		}
		b = hex.AppendEncode(b, []byte{c})
	}
	return string(b)
}

func scopeName(scope uint16) string {
	switch scope {
	case 0x00:
		return "global"
	case 0x10:
		return "host"
	case 0x20:
		return "link"
	case 0x40:
		return "site"
	case 0x80:
		return "compat"
	}
	return "0x" + strconv.FormatUint(uint64(scope), 16)
}

// JSONGroup is one multicast membership in a --json -g document.
type JSONGroup struct {
	Family    string `json:"family"`
	Interface string `json:"interface"`
	IfIndex   uint32 `json:"if_index"`
	Group     string `json:"group"`
	GroupName string `json:"group_name,omitempty"`
	Users     uint32 `json:"ref_count"`
	Raw       Raw    `json:"raw,omitempty"`
}

// GroupJSON returns m as a --json membership; names may be nil (-n).
func GroupJSON(m *groups.Membership, names Namer) *JSONGroup {
	j := &JSONGroup{Family: "inet", IfIndex: m.Index, Group: m.Group.String(), Users: m.Users}
	if m.Group.Is6() {
		j.Family = "inet6"
	}
	j.Interface = text(&j.Raw, "interface", m.Interface)
	if names != nil {
		if n, ok := names.Host(m.Group); ok {
			j.GroupName = text(&j.Raw, "group_name", n)
		}
	}
	return j
}

// JSONSummary is the --summary document's "summary" member.
type JSONSummary struct {
	Sockets int64          `json:"sockets"`
	TCP     JSONSummaryTCP `json:"tcp"`
	// Per protocol, sockets in use by family (for frag: queues).
	Transports map[string]JSONFamilies `json:"transports"`
}

// JSONSummaryTCP is the TCP line of --summary.
type JSONSummaryTCP struct {
	Total       int64 `json:"total"`
	Allocated   int64 `json:"allocated"`
	Established int64 `json:"established"`
	Closed      int64 `json:"closed"`
	Orphaned    int64 `json:"orphaned"`
	TimeWait    int64 `json:"timewait"`
}

// JSONFamilies is one --summary transport row.
type JSONFamilies struct {
	Total int64 `json:"total"`
	IPv4  int64 `json:"ipv4"`
	IPv6  int64 `json:"ipv6"`
}

// SummaryJSON returns s with the figures --summary prints.
func SummaryJSON(s *sockets.Summary) *JSONSummary {
	fam := func(v4, v6 int64) JSONFamilies { return JSONFamilies{v4 + v6, v4, v6} }
	return &JSONSummary{
		Sockets: s.Sockets,
		TCP: JSONSummaryTCP{
			Total:       s.TCPAlloc + s.TCPTimeWait,
			Allocated:   s.TCPAlloc,
			Established: s.TCPEstablished,
			Closed:      s.TCPAlloc - (s.TCP4 + s.TCP6 - s.TCPTimeWait),
			Orphaned:    s.TCPOrphans,
			TimeWait:    s.TCPTimeWait,
		},
		Transports: map[string]JSONFamilies{
			"raw":     fam(s.Raw4, s.Raw6),
			"udp":     fam(s.UDP4, s.UDP6),
			"udplite": fam(s.UDPLite4, s.UDPLite6),
			"tcp":     fam(s.TCP4, s.TCP6),
			"inet":    fam(s.Raw4+s.UDP4+s.UDPLite4+s.TCP4, s.Raw6+s.UDP6+s.UDPLite6+s.TCP6),
			"frag":    fam(s.Frag4, s.Frag6),
		},
	}
}

// AppendStatsJSON appends the statistics (-s) as one JSON object of
// sections in file order, each an object of counters in file order, with
// the kernel's own names. Values of 2^63 and above are the kernel's signed
// counters (Tcp MaxConn's -1) and are written as negative numbers.
func AppendStatsJSON(b []byte, sections []procfs.SNMPSection) []byte {
	b = append(b, '{')
	for i, sec := range sections {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendMarshal(b, sec.Name)
		b = append(b, ':', '{')
		for k, c := range sec.Counters {
			if k > 0 {
				b = append(b, ',')
			}
			b = appendMarshal(b, c.Name)
			b = append(b, ':')
			b = strconv.AppendInt(b, int64(c.Value), 10)
		}
		b = append(b, '}')
	}
	return append(b, '}')
}
