package render

import (
	"encoding/json"
	"iter"
	"net/netip"
	"strconv"

	"github.com/netstat-go/netstat/sockets"
)

// JSONSocket is one socket in a --json document (the "sockets" array);
// docs/schema/netstat-go.v1.schema.json describes every member. Nothing is
// truncated; names are present only where the run resolves names and one
// was found.
type JSONSocket struct {
	Protocol string `json:"protocol"`
	Family   string `json:"family"`
	// State is the kernel's state by name (sockets.State.String), for
	// every protocol, UNIX sockets included.
	State string `json:"state"`
	// Listening is net-tools' notion of a server (-l shows it).
	Listening bool `json:"listening"`

	Local  *JSONEndpoint `json:"local,omitempty"`
	Remote *JSONEndpoint `json:"remote,omitempty"`
	RecvQ  *uint64       `json:"recv_q,omitempty"`
	SendQ  *uint64       `json:"send_q,omitempty"`

	UID     uint32 `json:"uid"`
	User    string `json:"user,omitempty"`
	Inode   uint64 `json:"inode"`
	IfIndex uint32 `json:"if_index,omitempty"`

	Timer *JSONTimer `json:"timer,omitempty"`

	// UNIX sockets.
	Type      string   `json:"type,omitempty"`
	Path      *string  `json:"path,omitempty"`
	Flags     []string `json:"flags,omitempty"`
	PeerInode uint64   `json:"peer_inode,omitempty"`
	RefCount  *uint32  `json:"ref_count,omitempty"`
	// Embryo marks a connection still waiting in a listener's backlog.
	Embryo bool `json:"embryo,omitempty"`

	// Processes holds every descriptor that refers to the socket, with -p
	// (an empty array when none was found); absent without -p.
	Processes *[]JSONProcess `json:"processes,omitempty"`
	// Context is the SELinux context of the first process, with -Z.
	Context string `json:"security_context,omitempty"`
	// Netns is the socket's network namespace, with --all-netns.
	Netns *JSONNetns `json:"netns,omitempty"`
	// TCPInfo is every tcp_info field the kernel sent, named as in
	// linux/tcp.h without "tcpi_", in the kernel's units, plus
	// "congestion"; BBR is BBR's state. With --tcp-info, TCP sockets.
	TCPInfo json.RawMessage `json:"tcp_info,omitempty"`
	BBR     *JSONBBR        `json:"bbr,omitempty"`
	// Memory is the socket's SK_MEMINFO_* counters, with --memory.
	Memory json.RawMessage `json:"memory,omitempty"`

	Raw Raw `json:"raw,omitempty"`
}

// JSONBBR is the BBR congestion control's state: bandwidth in bytes per
// second, minimum RTT in microseconds, gains in 1/256.
type JSONBBR struct {
	Bw         uint64 `json:"bw"`
	MinRTT     uint32 `json:"min_rtt"`
	PacingGain uint32 `json:"pacing_gain"`
	CwndGain   uint32 `json:"cwnd_gain"`
}

// JSONNetns names a network namespace: the inode of its nsfs file (as in
// "net:[4026531840]"), and its name under /var/run/netns when it has one.
type JSONNetns struct {
	Inode uint64 `json:"inode"`
	Name  string `json:"name,omitempty"`
	Raw   Raw    `json:"raw,omitempty"`
}

// NetnsJSON returns the JSON form of a namespace.
func NetnsJSON(inode uint64, name string) *JSONNetns {
	j := &JSONNetns{Inode: inode}
	j.Name = text(&j.Raw, "name", name)
	return j
}

// JSONEndpoint is one end of an Internet socket. A raw socket's port is
// its IP protocol number, and its service the protocol's name.
type JSONEndpoint struct {
	Address string `json:"address"`
	Port    uint16 `json:"port"`
	Host    string `json:"host,omitempty"`
	Service string `json:"service,omitempty"`
	Raw     Raw    `json:"raw,omitempty"`
}

// JSONTimer is a TCP socket's active timer (-o's column, unrounded).
type JSONTimer struct {
	// Name is "off", "on" (retransmit), "keepalive", "timewait", "probe"
	// (zero window) or "unkn-N".
	Name        string `json:"name"`
	ExpiresMS   uint64 `json:"expires_ms"`
	Retransmits uint8  `json:"retransmits"`
	Probes      uint8  `json:"probes"`
}

// JSONProcess is one descriptor of a process that holds a socket.
type JSONProcess struct {
	PID  int    `json:"pid"`
	Name string `json:"name"`
	FD   int    `json:"fd"`
	Raw  Raw    `json:"raw,omitempty"`
}

// Process is what Table.Processes reports for a socket.
type Process struct {
	PID  int
	Name string
	FD   int
}

// JSON returns s as a --json socket, under the table's choices of names
// (NumericHosts, NumericPorts, NumericUsers, Names), processes (Programs
// with Processes) and contexts (Contexts with Context). Width and column
// choices do not apply.
func (t *Table) JSON(s *sockets.Socket) *JSONSocket {
	j := &JSONSocket{
		Protocol:  s.Protocol.String(),
		Family:    s.Family.String(),
		State:     s.State.String(),
		Listening: s.Listening(),
		UID:       s.UID,
		Inode:     s.Inode,
		IfIndex:   s.IfIndex,
	}
	if name, ok := t.user(s.UID); ok {
		j.User = text(&j.Raw, "user", name)
	}
	if s.Protocol == sockets.Unix {
		j.Family = sockets.Local.String()
		j.Type = s.Type.String()
		j.Path = new(text(&j.Raw, "path", s.Path))
		if s.State == sockets.Listen && !s.Embryo {
			j.Flags = []string{"ACC"}
		}
		j.PeerInode = s.Peer
		j.RefCount = new(s.RefCount)
		j.Embryo = s.Embryo
	} else {
		j.Local = t.jsonEndpoint(s.Local, s.Protocol)
		j.Remote = t.jsonEndpoint(s.Remote, s.Protocol)
		j.RecvQ, j.SendQ = new(s.RecvQ), new(s.SendQ)
		if s.Protocol == sockets.TCP {
			j.Timer = &JSONTimer{
				Name:        timerName(s.Timer),
				Retransmits: s.Retransmits,
				Probes:      s.Probes,
			}
			if s.Timer != 0 {
				j.Timer.ExpiresMS = s.Expires
			}
		}
	}
	if in := s.Internals; in != nil {
		if t.TCPInfo && in.TCPInfo.Valid() {
			key := "congestion"
			if in.Congestion == "" {
				key = ""
			}
			j.TCPInfo = appendCounters(nil, key, in.Congestion, in.TCPInfo.All())
			if bb := &in.BBR; bb.Valid() {
				j.BBR = &JSONBBR{bb.Bw, bb.MinRTT, bb.PacingGain, bb.CwndGain}
			}
		}
		if t.Memory && in.Memory.Valid() {
			j.Memory = appendCounters(nil, "", "", in.Memory.All())
		}
	}
	if t.Programs || t.Contexts {
		procs := []JSONProcess{}
		if t.Processes != nil && s.Inode != 0 {
			for _, p := range t.Processes(s.Inode) {
				jp := JSONProcess{PID: p.PID, FD: p.FD}
				jp.Name = text(&jp.Raw, "name", p.Name)
				procs = append(procs, jp)
			}
		}
		if t.Programs {
			j.Processes = &procs
		}
		if t.Contexts && len(procs) > 0 && t.Context != nil {
			if c, ok := t.Context(procs[0].PID); ok {
				j.Context = text(&j.Raw, "security_context", c)
			}
		}
	}
	return j
}

func (t *Table) jsonEndpoint(ap netip.AddrPort, proto sockets.Protocol) *JSONEndpoint {
	a := ap.Addr()
	e := &JSONEndpoint{Address: "0.0.0.0", Port: ap.Port()}
	if a.IsValid() {
		e.Address = a.String()
		if !t.NumericHosts && !a.IsUnspecified() {
			if name, ok := t.host(a); ok {
				e.Host = text(&e.Raw, "host", name)
			}
		}
	}
	if e.Port != 0 {
		if name, ok := t.portName(e.Port, proto); ok {
			e.Service = text(&e.Raw, "service", name)
		}
	}
	return e
}

func timerName(timer uint8) string {
	switch timer {
	case 0:
		return "off"
	case 1:
		return "on"
	case 2:
		return "keepalive"
	case 3:
		return "timewait"
	case 4:
		return "probe"
	}
	return "unkn-" + strconv.Itoa(int(timer))
}

// appendCounters appends a JSON object of counters in the order given,
// after a first text member when key is not "".
func appendCounters(b []byte, key, value string, counters iter.Seq2[string, uint64]) []byte {
	b = append(b, '{')
	n := 0
	if key != "" {
		b = appendMarshal(b, key)
		b = append(b, ':')
		b = appendMarshal(b, value)
		n++
	}
	for name, v := range counters {
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = appendMarshal(b, name)
		b = append(b, ':')
		b = strconv.AppendUint(b, v, 10)
	}
	return append(b, '}')
}
