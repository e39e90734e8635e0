// Package sockets lists the sockets of the running system: TCP, UDP,
// UDP-Lite and raw sockets over IPv4 and IPv6, and UNIX domain sockets.
//
// The types here are platform-neutral. On Linux the sockets come from the
// kernel's NETLINK_SOCK_DIAG interface (inet_diag, unix_diag) and, where a
// protocol's diag module is missing or netlink is refused, from the text files
// under /proc/net. Other systems return an error wrapping ErrNotSupported.
//
// Listing streams: Walk hands each socket to a callback as it is decoded, so
// memory stays flat however many sockets the system holds.
//
// On request (Query.TCPInfo, Query.Memory) sockets also carry TCP internals
// (the kernel's struct tcp_info and congestion algorithm) and memory
// counters, as `ss -tim` shows them. These come only from sock_diag; the
// /proc fallback leaves them invalid.
package sockets
