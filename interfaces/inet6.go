package interfaces

import (
	"bufio"
	hexenc "encoding/hex"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
)

// parseIfInet6 reads /proc/net/if_inet6 text: one address a line,
//
//	ADDR(32 hex) IFINDEX PREFIXLEN SCOPE FLAGS NAME
//
// with the numbers in hex, and returns each interface's addresses in the
// file's order.
func parseIfInet6(r io.Reader, path string) (map[string][]IPv6Addr, error) {
	out := make(map[string][]IPv6Addr)
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		bad := func(why string) error { return fmt.Errorf("%s:%d: %s", path, n, why) }
		if len(f) != 6 {
			return nil, bad("want 6 fields")
		}
		if len(f[0]) != 32 {
			return nil, bad("address: want 32 hex digits")
		}
		var a [16]byte
		if _, err := hexenc.Decode(a[:], []byte(f[0])); err != nil {
			return nil, bad("address: " + err.Error())
		}
		plen, err := strconv.ParseUint(f[2], 16, 8)
		if err != nil || plen > 128 {
			return nil, bad("prefix length: want hex 0..80")
		}
		scope, err := strconv.ParseUint(f[3], 16, 16)
		if err != nil {
			return nil, bad("scope: want hex")
		}
		out[f[5]] = append(out[f[5]], IPv6Addr{Addr: netip.AddrFrom16(a), PrefixLen: int(plen), Scope: uint16(scope)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}
