// Command floor is the benchmark's lower bound: the least work that lists
// what `netstat -tan`, `netstat -tanp` and a filtered `netstat -tan` list,
// with nothing a user would want (no formatting, no names), written
// directly on golang.org/x/sys/unix. Issue 8's targets are ratios to it.
//
//	floor            TCP sock_diag dump (IPv4 and IPv6, every state) that
//	                 only counts the sockets
//	floor -procs     the same, keeping each socket's inode, then a scan of
//	                 /proc/*/fd by two goroutines (getdents, readlinkat
//	                 relative to the directory fd) counting the descriptors
//	                 that hold a dumped socket
//	floor -sport P   the dump with inet_diag bytecode "sport == P": the
//	                 kernel's own filtered dump
//
// It prints "sockets N" (and "owned M", the descriptors found, with
// -procs) on standard output.
package main
