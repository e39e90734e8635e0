// Package groups lists the multicast groups that network interfaces have
// joined (IPv4 IGMP and IPv6 MLD memberships): what `netstat -g` shows.
//
// On Linux, List reads /proc/thread-self/net/igmp and igmp6 (the calling
// thread's network namespace). Other systems return an error wrapping
// ErrNotSupported.
package groups
