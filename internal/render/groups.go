package render

import (
	"strconv"

	"github.com/netstat-go/netstat/groups"
)

// GroupsTitle is the title and header of the group memberships (-g),
// whichever families are listed.
const GroupsTitle = "IPv6/IPv4 Group Memberships\n" +
	"Interface       RefCnt Group\n" +
	"--------------- ------ ---------------------\n"

// AppendGroup appends one membership: the interface name left-aligned in
// 15 columns, the count in 6, then the group (its host name from names,
// unless names is nil or has none).
func AppendGroup(b []byte, m *groups.Membership, names Namer) []byte {
	start := len(b)
	b = AppendEscaped(b, m.Interface)
	b = pad(b, start, 15)
	b = append(b, ' ')
	start = len(b)
	b = strconv.AppendUint(b, uint64(m.Users), 10)
	b = pad(b, start, 6)
	b = append(b, ' ')
	if names != nil {
		if n, ok := names.Host(m.Group); ok {
			b = AppendEscaped(b, n)
			return append(b, '\n')
		}
	}
	b = m.Group.AppendTo(b)
	return append(b, '\n')
}
