// Command scale measures how peak memory and wall time grow with the socket
// count (issue 7, point 7): for each size it opens N UNIX sockets (N/2
// socket pairs) or N loopback TCP sockets in a private network namespace,
// runs this module's netstat and, for comparison, net-tools netstat and
// iproute2 ss there, checks that each printed one row per socket, and
// reports each command's wall time and peak RSS. From the module root, as
// root:
//
//	go run ./bench/scale                                   # 10k, 100k, 1M UNIX; 10k, 100k TCP
//	go run ./bench/scale -unix 10000 -tcp 0 -runs 1        # quick
//	go run ./bench/scale -o docs/scale.md                  # also write the report there
//
// The sockets come from ./bench/loadgen (built here with ./cmd/netstat, or
// -netstat names a binary): it makes its own namespace and spreads the
// sockets over child processes, since one process may hold at most the
// hard RLIMIT_NOFILE descriptors (20 000 on the project's machine; root
// cannot raise it), about 10 000 socket pairs each. The commands run from a
// thread that entered that namespace, so they see exactly those sockets.
//
// Peak RSS is VmHWM read from /proc/PID/status at the command's exit
// (stopped there by ptrace), not ru_maxrss: Go starts children with vfork,
// and exec carries the parent's high-water mark into the child's maxrss.
// Standard output is counted as it streams, never held: a row is a line
// starting with "tcp"/"unix" (netstat), an object with that "protocol"
// (--json), or a line after the header (ss).
package main
