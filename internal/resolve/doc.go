// Package resolve turns the numbers in a socket table into the names that
// net-tools netstat prints: service names for ports, protocol names for raw
// sockets, user names for UIDs and host names for addresses.
//
// It reads the same files the C library would (/etc/services,
// /etc/protocols, /etc/passwd, /etc/hosts) with parsers that follow glibc's
// "files" back end field by field, and falls back to reverse DNS for hosts.
// The rules were checked against /usr/bin/netstat (net-tools 2.10) and
// getent on Debian 12, not taken from their source (which is GPL):
//
//   - Ports and protocol numbers: when a file lists the same port/protocol
//     (or protocol number) twice, netstat prints the LAST entry, because
//     net-tools reads the whole table and keeps the newest entry first; a
//     getservbyport/getprotobynumber call, and so getent, would return the
//     first. The port field is read like strtoul with base 0 (so "0x1389"
//     is 5001 and "05005" is octal 2565), values above 2^32-1 are dropped,
//     and the rest is truncated to 16 bits as glibc does. Protocol names
//     are case-sensitive ("tcp", not "TCP").
//   - Users: the first /etc/passwd line for a UID wins, as with getpwuid.
//     Names synthesized by other NSS modules (systemd's "root" and
//     "nobody") are not known; Debian's /etc/passwd lists both anyway.
//   - Hosts: the first /etc/hosts line whose address matches wins and its
//     first name is printed; a line with an address and no names matches
//     with an empty name, and netstat prints just ":port". An IPv4 query
//     also matches a "::ffff:a.b.c.d" line, and 127.0.0.1 matches a "::1"
//     line (so where "::1 name" comes first, the tcp rows show it too);
//     an IPv4-mapped IPv6 query
//     matches only such "::ffff:" lines, never a plain IPv4 line, and then
//     asks DNS for the in-addr.arpa name. That is why netstat shows
//     "127.0.0.1" in a tcp6 row even though /etc/hosts names 127.0.0.1:
//     the lookup of ::ffff:127.0.0.1 failed, and net-tools prints the
//     failed mapped address in dotted form. Callers therefore resolve
//     mapped addresses like any other and print a.Unmap() on a miss.
//   - DNS: a reverse lookup is done only after a hosts-file miss, the first
//     PTR name is used, without its trailing dot. Unlike glibc (which
//     waits 5s twice per row with a dead server, 10s per row) every lookup
//     has a deadline, the results are cached, and one run's total DNS time
//     is capped by a budget.
//
// Unspecified addresses (0.0.0.0, ::) are never resolved: netstat prints
// them numerically.
package resolve
