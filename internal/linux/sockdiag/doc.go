// Package sockdiag talks to the Linux kernel's NETLINK_SOCK_DIAG interface,
// the netlink protocol that dumps sockets (what ss(8) uses), so that netstat
// does not have to parse /proc/net/{tcp,udp,unix,...} text.
//
// The package has two halves:
//
//   - Portable codecs (InetRequest, InetRawRequest, UnixRequest, DecodeInet,
//     DecodeUnix, DecodeTCPInfo, DecodeMemInfo, DecodeBBRInfo, Messages).
//     They only shuffle bytes, so they build and are unit tested and
//     fuzzed on every GOOS. The decoders and Messages work in place, never
//     allocate on the success path and never panic on malformed input;
//     they return errors wrapping ErrMalformed instead. The decoders of
//     the optional attributes (tcp_info, memory, BBR) accept any length,
//     since each kernel version sends its own size of struct.
//   - A Linux transport (Conn, Dial, Conn.Dump) built directly on raw
//     socket system calls. On other systems Dial returns an error wrapping
//     ErrNotSupported, so callers can fall back to another source.
//
// A typical dump:
//
//	c, err := sockdiag.Dial()
//	...
//	defer c.Close()
//	req := sockdiag.InetRequest(1, sockdiag.AFInet, sockdiag.IPProtoTCP, sockdiag.AllStates, 0)
//	var m sockdiag.InetMsg
//	err = c.Dump(req, func(payload []byte) error {
//		if err := sockdiag.DecodeInet(payload, &m); err != nil {
//			return err
//		}
//		// use m; copy anything that must outlive the callback
//		return nil
//	})
//
// Everything the kernel sends in netlink is in host byte order except the
// ports and addresses of struct inet_diag_sockid, which are in network byte
// order; the decoders convert ports to host order and leave addresses as the
// raw bytes the kernel sent.
//
// Struct layouts and constants come from the Linux UAPI headers
// linux/netlink.h, linux/sock_diag.h, linux/inet_diag.h and
// linux/unix_diag.h (which carry the Linux-syscall-note exception); no code
// is taken from GPL programs.
package sockdiag
