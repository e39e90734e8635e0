// Command loadgen opens a known, static set of sockets in a private network
// namespace and holds them, so that socket listers can be timed on the same
// load: N loopback TCP connections (2N sockets: the client end and the
// accepted end), M bound UDP sockets and K UNIX socket pairs, spread over P
// child processes.
//
//	loadgen -conns 100000 -udp 0 -unix 0 -procs 1
//
// It makes its own network namespace (unshare(CLONE_NEWNET), then it
// re-executes itself so that every thread lives there), brings lo up and
// never touches the host's namespace. One process may hold at most the
// hard RLIMIT_NOFILE descriptors (20 000 on the benchmark machine), so P is
// raised to the smallest count that fits the sockets: at N = 100 000 that is
// 11 whatever -procs says. The P used is printed.
//
// Each child listens on 127.0.0.1:(-port + index) and connects to itself
// from its own source address, 127.(1+index/256).(index%256).1, with
// explicit source ports: no ephemeral port range is exhausted whatever N.
// Child 0 also listens on -marker-port with -marker connections, a handful
// of sockets that a filter such as 'sport = :1999' selects.
//
// Once everything is open it prints "key value" lines (procs, tcp,
// listeners, marker_port, marker_sockets, udp, unix) and then "ready" on
// standard output, and holds until standard input closes (unless
// -stdin=false) or it gets SIGINT or SIGTERM; then its children exit and
// the namespace goes with them. Its pid's /proc/PID/ns/net is the
// namespace to enter (nsenter --net=/proc/PID/ns/net, or setns).
package main
