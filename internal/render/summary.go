package render

import (
	"strconv"

	"github.com/netstat-go/netstat/sockets"
)

// AppendSummary appends the socket summary (--summary) in the layout of
// `ss -s`, which people who use it already read: totals, the TCP state
// line, and a Transport/Total/IP/IPv6 table.
func AppendSummary(b []byte, s *sockets.Summary) []byte {
	b = append(b, "Total: "...)
	b = strconv.AppendInt(b, s.Sockets, 10)
	b = append(b, "\nTCP:   "...)
	// ss counts TIME_WAIT sockets, which are not allocated sockets, in
	// the TCP total.
	b = strconv.AppendInt(b, s.TCPAlloc+s.TCPTimeWait, 10)
	b = append(b, " (estab "...)
	b = strconv.AppendInt(b, s.TCPEstablished, 10)
	b = append(b, ", closed "...)
	// ss's arithmetic, so that the figures agree with ss -s.
	b = strconv.AppendInt(b, s.TCPAlloc-(s.TCP4+s.TCP6-s.TCPTimeWait), 10)
	b = append(b, ", orphaned "...)
	b = strconv.AppendInt(b, s.TCPOrphans, 10)
	b = append(b, ", timewait "...)
	b = strconv.AppendInt(b, s.TCPTimeWait, 10)
	b = append(b, ")\n\nTransport Total     IP        IPv6\n"...)
	row := func(b []byte, name string, v4, v6 int64) []byte {
		b = append(b, name...)
		b = append(b, '\t', ' ', ' ')
		for i, v := range [3]int64{v4 + v6, v4, v6} {
			if i > 0 {
				b = append(b, ' ')
			}
			start := len(b)
			b = strconv.AppendInt(b, v, 10)
			b = pad(b, start, 9)
		}
		return append(b, '\n')
	}
	b = row(b, "RAW", s.Raw4, s.Raw6)
	b = row(b, "UDP", s.UDP4, s.UDP6)
	b = row(b, "TCP", s.TCP4, s.TCP6)
	b = row(b, "INET", s.Raw4+s.UDP4+s.TCP4, s.Raw6+s.UDP6+s.TCP6)
	b = row(b, "FRAG", s.Frag4, s.Frag6)
	return append(b, '\n')
}
