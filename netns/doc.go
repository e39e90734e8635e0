// Package netns finds the host's network namespaces and runs code inside one
// of them without moving the rest of the program.
//
// A network namespace has its own interfaces, routes, sockets and
// /proc/net files. A namespace is named by a spec, as `netstat --netns`
// takes it (see Open): a name under /var/run/netns (what `ip netns add`
// creates), a path to a namespace file (/proc/PID/ns/net, a bind mount such
// as /var/run/docker/netns/ID), or the PID of a process whose namespace to
// use. All lists every namespace the host's processes and the netns
// directories reveal.
//
// # Entering a namespace
//
// A namespace belongs to an OS thread, not to a process: setns(2) moves only
// the calling thread. Handle.Do therefore runs a function on a fresh
// goroutine locked to its own thread, moves that thread into the namespace,
// and moves it back afterwards. The caller's thread and every other thread of
// the program stay where they were. If the thread cannot be moved back it is
// never unlocked, so the Go runtime ends it rather than reuse it in the wrong
// namespace.
//
// What happens inside the namespace must happen synchronously on the
// function's own goroutine:
//
//   - sockets (including netlink sockets) created inside fn belong to the
//     namespace, and stay in it after Do returns; they may then be used from
//     any goroutine;
//   - /proc/thread-self/net shows the namespace's files, while /proc/net and
//     /proc/self/net still show the namespace of the process's main thread;
//   - goroutines that fn starts run on other threads, in the program's own
//     namespace;
//   - processes that fn starts with os/exec inherit the namespace.
//
// Entering another namespace needs CAP_SYS_ADMIN (in practice, root); Do
// then fails with an error for which errors.Is(err, os.ErrPermission) holds.
// Listing namespaces needs no privilege, but an unprivileged caller cannot
// see the namespaces of other users' processes: All counts those processes so
// that a caller can say so.
//
// Only Linux has network namespaces. Elsewhere every function returns an
// error wrapping ErrNotSupported.
package netns
