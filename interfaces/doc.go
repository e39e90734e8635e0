// Package interfaces lists network interfaces with their flags, MTU and
// 64-bit traffic counters: what `netstat -i` shows.
//
// On Linux, List reads the interface names and counters from
// /proc/thread-self/net/dev (the calling thread's network namespace), the
// flags and MTU with the SIOCGIFFLAGS and SIOCGIFMTU ioctls, and the IPv4
// address labels ("eth0:1" aliases, which have flags but no counters) with
// SIOCGIFCONF, as net-tools does. ListDetailed adds what `netstat -ie`
// shows: IPv4 addresses, netmasks, broadcast and destination addresses,
// hardware type and address and transmit queue length (ioctls), and IPv6
// addresses (/proc/net/if_inet6). Other systems return an error wrapping
// ErrNotSupported.
package interfaces
