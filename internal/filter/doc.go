// Package filter parses and evaluates socket filters written in the language
// of iproute2's ss(8): state selection ("state established", "exclude
// listening", the groups all, connected, synchronized, bucket and big) and
// expressions over ports, addresses and devices ("dport = :443 and dst
// 10.0.0.0/8", "( sport = :ssh or sport = :http ) and not src [::1]").
//
// Parse turns command-line words into a Filter. An Expr evaluates in
// userland (Eval), which is what the /proc fallback uses, and compiles to
// INET_DIAG bytecode (Compile) so that the kernel drops sockets before they
// are copied out. Compile reports whether its program is exact; when it is
// not, the program selects a superset and Eval must run on what it returns.
//
// The package is portable: the bytecode is built with the Linux UAPI numbers
// restated here, so it compiles and is tested on every GOOS.
package filter
