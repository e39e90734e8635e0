// Package procmap finds the processes that hold sockets open: the
// "PID/Program name" column of netstat -p, and the data for filters on
// PIDs and program names.
//
// The kernel says which socket an fd is only through the fd's link in
// /proc/PID/fd ("socket:[12345]", the socket's inode), so every tool that
// does this reads the fd table of every process, and that is the expensive
// part of netstat -p. Scanner.Scan therefore
//
//   - runs only when asked, for the set of inodes the caller still wants
//     (the sockets that survived selection), and by default stops as soon
//     as each of them has an owner;
//   - reads several processes at a time (two goroutines per CPU: the work
//     is system calls, 95% of the CPU time in the kernel);
//   - reads as little as it can: per process one openat of PID/fd, getdents
//     into a reused buffer, one readlinkat per fd into a reused buffer with
//     the name passed from the getdents buffer as it is, a parser that does
//     not allocate, and /proc/PID/cmdline only for processes holding a
//     wanted socket. Allocations are per owner found, not per fd.
//
// # What net-tools prints
//
// These rules were found by running /usr/bin/netstat -tlnp (net-tools
// 2.10, Debian 12, Linux 6.18) against python3 listeners started in a
// private network namespace with bash's `exec -a ARGV0`, and against fake
// /proc trees bind-mounted over /proc in a private mount namespace; not
// from net-tools' source, which is GPL.
//
// The program name comes from /proc/PID/cmdline, never from comm (a
// process renamed with prctl(PR_SET_NAME) keeps its argv[0] name), and
// only the first 511 bytes of that file are looked at:
//
//   - the name is argv[0], i.e. those bytes up to the first NUL;
//   - if it starts with '/', everything up to its last '/' is removed
//     ("/usr/local/bin/mydaemon" → "mydaemon", "/usr/bin/" → "", "/" → "");
//     a relative path is kept whole ("relative/dir/prog", "./prog",
//     "prog/");
//   - a cmdline that is empty (a process that cleared its arguments with
//     prctl(PR_SET_MM_MAP)) or starts with NUL (one that zeroed its argv)
//     gives an empty name, printed as "PID/"; there is no fallback to comm;
//   - a cmdline with no NUL at all (setproctitle-style, where the kernel
//     may run on into the environment) is taken as one string;
//   - an argv[0] longer than 511 bytes is cut there before the '/' rule, so
//     a '/' at byte 511 or later is not seen;
//   - the bytes are printed raw: spaces, tabs, newlines, ESC and invalid
//     UTF-8 come out as they are, so a newline in argv[0] breaks the row
//     (this project's renderer escapes them instead).
//
// A process whose cmdline cannot be opened (it exited between the two
// reads) gets no owner: net-tools prints "-" for its sockets, as for
// sockets nobody holds. Owner.Name follows all of these rules and is
// returned uncut.
//
// The column: "PID/name" is cut to 19 bytes (bytes, not characters: a
// UTF-8 sequence may be split), then padded to 20 columns, with -W too.
// So PID 11404 leaves 13 bytes of name ("11404/a-very-long-p"), PID 3
// leaves 17.
//
// Shared sockets (inherited across fork, passed over a UNIX socket): net-tools
// shows one owner, the first process in /proc's directory order that holds
// the socket. The real /proc lists PIDs in ascending order, so that is the
// lowest PID: a parent at PID 100 whose child got PID 11 (forced through
// ns_last_pid in a PID namespace) is shown as "11/...". Scan returns owners
// ordered by PID and FD, so owners[0] is net-tools' choice; without
// AllOwners it returns only that process's descriptors.
//
// Only /proc/PID/fd, the thread group leader's fd table, is read: a
// socket opened by a thread after unshare(CLONE_FILES) is in that thread's
// table alone (/proc/PID/task/TID/fd) and net-tools shows "-" for it; so
// does Scan.
//
// # Permissions and the note
//
// As a user other than root (or as root without CAP_DAC_OVERRIDE and
// CAP_SYS_PTRACE), opening the fd directory of another user's process fails
// with EACCES. net-tools then prints to standard error, before anything
// else (it reads /proc before printing the header):
//
//	(Not all processes could be identified, non-owned process info
//	 will not be shown, you would have to be root to see it all.)
//
// or, if it found no socket at all in the processes it could read (its own
// process included; the sockets need not be in the listed network
// namespace),
//
//	(No info could be read for "-p": geteuid()=1000 but you should be root.)
//
// and nothing when no fd directory was denied, even if it could read no
// link (root without capabilities opens root's fd directories but is
// refused each readlink by the ptrace check), and nothing for processes
// that vanished (ENOENT). Stats.Denied and Stats.Sockets carry exactly
// what that choice needs: Denied counts fd directories refused with EACCES
// or EPERM, and Sockets counts socket links read, wanted or not. Both are
// complete only when the scan read every process: with AllOwners, or when
// some wanted inode has no owner; so a caller that may have to print the
// note (geteuid() != 0) should set AllOwners. With an empty wanted set and
// no AllOwners, Scan reads nothing.
//
// # Races
//
// Processes exit and PIDs are reused while /proc is read. A process whose
// directory, fd table or cmdline is gone (ENOENT, ESRCH) is skipped and
// counted in Stats.Vanished; an fd closed between getdents and readlinkat
// is skipped. cmdline is opened as "../cmdline" relative to the fd
// directory already open, which the kernel ties to the process it was
// opened for: if that process has exited and its PID was reused, the open
// fails with ESRCH rather than naming the new process (checked in a PID
// namespace with ns_last_pid). Errors that say nothing about one process
// (EMFILE, ENOMEM, an unreadable root) fail the scan instead, since
// skipping would silently drop owners.
//
// # Systems
//
// Linux only; elsewhere Scan returns an error wrapping ErrNotSupported
// that names the system. The parsers are portable and fuzzed everywhere.
package procmap
