package procmap

import "bytes"

// These parsers run once per open file of every process scanned, so they
// work on the bytes they are given and never allocate. They are portable
// (no system calls), so they are tested and fuzzed on every GOOS.

// cmdlineMax is how much of /proc/PID/cmdline net-tools looks at: the name
// of a process whose first argument is longer is taken from its first 511
// bytes (checked by experiment, see doc.go).
const cmdlineMax = 511

// programName returns the name net-tools prints for a process whose
// /proc/PID/cmdline holds cmdline: the first argument, as far as the first
// cmdlineMax bytes hold it, and when that starts with '/' only what follows
// its last '/' (so "/usr/bin/" gives "", while "bin/sh" stays as it is).
// The result is a subslice of cmdline.
func programName(cmdline []byte) []byte {
	if len(cmdline) > cmdlineMax {
		cmdline = cmdline[:cmdlineMax]
	}
	if i := bytes.IndexByte(cmdline, 0); i >= 0 {
		cmdline = cmdline[:i]
	}
	if len(cmdline) > 0 && cmdline[0] == '/' {
		cmdline = cmdline[bytes.LastIndexByte(cmdline, '/')+1:]
	}
	return cmdline
}

// parseSocketLink returns the inode of a socket from the target of a
// /proc/PID/fd link: "socket:[12345]" as Linux prints it since 2.2, or
// "[0000]:12345" as Linux 2.0 did (net-tools still accepts that form, and
// it costs nothing here). Only the kernel's own spelling is accepted: a
// positive decimal number without sign, spaces or leading zeros, that fits
// in 64 bits, and nothing after it. Anything else (files, pipes,
// "anon_inode:[eventpoll]", truncated links) is not a socket.
func parseSocketLink(link []byte) (uint64, bool) {
	const modern, old = "socket:[", "[0000]:"
	switch {
	case len(link) > len(modern) && string(link[:len(modern)]) == modern:
		digits := link[len(modern):]
		if digits[len(digits)-1] != ']' {
			return 0, false
		}
		return parseDecimal(digits[:len(digits)-1], false)
	case len(link) > len(old) && string(link[:len(old)]) == old:
		return parseDecimal(link[len(old):], false)
	}
	return 0, false
}

// parseDecimal parses a canonical unsigned decimal number as the kernel
// prints inode numbers, PIDs and fd numbers: at least one digit, no sign,
// no leading zeros, no overflow. zero says whether "0" itself is allowed
// (it is a valid fd number, but never an inode or a PID).
func parseDecimal(b []byte, zero bool) (uint64, bool) {
	if len(b) == 0 || len(b) > 20 || b[0] == '0' && (len(b) > 1 || !zero) {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		d := uint64(c - '0')
		if d > 9 {
			return 0, false
		}
		if n > (1<<64-1-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}
