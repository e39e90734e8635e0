#!/usr/bin/env python3
"""Regenerates the real /proc/net captures in this directory.

Run as root:  unshare -n python3 capture.py
(the fresh network namespace keeps the host's sockets out of the files and
makes the fixed port numbers below safe).

It creates sockets in known states, then copies /proc/net/{tcp,tcp6,udp,
udp6,udplite,udplite6,raw,raw6,unix} verbatim and writes manifest.json:
facts about every socket learned from the socket API (not from /proc), which
TestCaptureManifest checks the parser's output against. The full expected
rows in capture_test.go are written out by hand (numbers such as inodes and
timers change with every run): update them after regenerating.
"""
import json, os, select, socket, struct, subprocess, time

HERE = os.path.dirname(os.path.abspath(__file__))
IPPROTO_UDPLITE = 136
manifest = []   # facts checked by the Go test
keep = []       # sockets must stay open until the files are read
UNIX_FILES = (b"sock with spaces", b" leading space", b"\xff\xfe-not-utf8 ")


def sh(*cmd):
    subprocess.run(cmd, check=True)


def ino(s):
    return os.fstat(s.fileno()).st_ino


def note(file, s, state, **kw):
    """Records what the socket API says about s (kw overrides)."""
    fam = s.family
    d = {"file": file, "state": state, "inode": ino(s) if s else 0}
    if s is not None:
        la = s.getsockname()
        d["local"], d["lport"] = la[0], la[1]
        try:
            ra = s.getpeername()
            d["remote"], d["rport"] = ra[0], ra[1]
        except OSError:
            d["remote"] = "::" if fam == socket.AF_INET6 else "0.0.0.0"
            d["rport"] = 0
    d.update(kw)
    manifest.append(d)
    keep.append(s)


def as_uid(uid, fn):
    """Runs fn with effective uid uid: a socket's uid column is its
    creator's fsuid."""
    os.seteuid(uid)
    try:
        return fn()
    finally:
        os.seteuid(0)


def listener(fam, addr, port, **kw):
    s = socket.socket(fam, socket.SOCK_STREAM)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, kw.pop("v6only", 1))
    s.bind((addr, port))
    s.listen(kw.pop("backlog", 16))
    return s


def pair(fam, lsock, dst, src=None):
    c = socket.socket(fam, socket.SOCK_STREAM)
    if src:
        c.bind(src)
    c.connect(dst)
    a, _ = lsock.accept()
    return c, a


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def spoofed_syn(src, sport, dst, dport):
    """Sends a SYN from an address routed out of d0, so the
    SYN-ACK is lost and the server side stays in SYN_RECV."""
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 12345, 0, 5 << 4, 0x02, 65535, 0, 0)
    ph = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(ph + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    s.sendto(ip + tcp, (dst, 0))
    return s


def main():
    sh("ip", "link", "set", "lo", "up")
    # A veth pair whose far end has no address: packets to 10.0.0.2 and
    # fd00::2 leave through d0 and are never answered.
    sh("ip", "link", "add", "d0", "type", "veth", "peer", "name", "d1")
    sh("ip", "link", "set", "d1", "up")
    sh("ip", "addr", "add", "10.0.0.1/24", "dev", "d0")
    sh("ip", "-6", "addr", "add", "fd00::1/64", "dev", "d0", "nodad")
    sh("ip", "link", "set", "d0", "up")
    os.chdir(HERE)

    # ---- tcp
    L = listener(socket.AF_INET, "127.0.0.1", 5001)
    note("tcp", L, "LISTEN")
    Lany = as_uid(1000, lambda: listener(socket.AF_INET, "0.0.0.0", 5002, backlog=7))
    note("tcp", Lany, "LISTEN", uid=1000)
    Lbig = as_uid(4000000000, lambda: listener(socket.AF_INET, "10.0.0.1", 5003))
    note("tcp", Lbig, "LISTEN", uid=4000000000)
    c1, a1 = pair(socket.AF_INET, L, ("127.0.0.1", 5001), ("127.0.0.1", 40001))
    c1.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)  # timer 02
    c1.sendall(b"x" * 1000)  # unread: a1 has rx_queue 1000
    note("tcp", c1, "ESTABLISHED")
    note("tcp", a1, "ESTABLISHED")
    c2, a2 = pair(socket.AF_INET, L, ("127.0.0.1", 5001), ("127.0.0.1", 40002))
    c2.shutdown(socket.SHUT_WR)  # c2 FIN_WAIT2, a2 CLOSE_WAIT
    note("tcp", c2, "FIN_WAIT2")
    note("tcp", a2, "CLOSE_WAIT")
    c3, a3 = pair(socket.AF_INET, L, ("127.0.0.1", 5001), ("127.0.0.1", 40003))
    c3.close()
    time.sleep(0.1)
    a3.close()  # the active closer (c3) lingers in TIME_WAIT with inode 0
    manifest.append({"file": "tcp", "state": "TIME_WAIT", "inode": 0,
                     "local": "127.0.0.1", "lport": 40003, "remote": "127.0.0.1", "rport": 5001})
    keep.append(spoofed_syn("10.0.0.2", 40004, "10.0.0.1", 5003))
    # A request socket prints its listener's uid but no inode.
    manifest.append({"file": "tcp", "state": "SYN_RECV", "inode": 0, "uid": 4000000000,
                     "local": "10.0.0.1", "lport": 5003, "remote": "10.0.0.2", "rport": 40004})
    ss = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ss.setblocking(False)
    ss.bind(("10.0.0.1", 40005))
    ss.connect_ex(("10.0.0.2", 80))  # SYN lost behind d0: SYN_SENT, timer 01
    note("tcp", ss, "SYN_SENT", remote="10.0.0.2", rport=80)

    # ---- tcp6
    L6 = listener(socket.AF_INET6, "::", 6001, v6only=0)  # dual stack
    note("tcp6", L6, "LISTEN")
    c, a = pair(socket.AF_INET, L6, ("127.0.0.1", 6001), ("127.0.0.1", 41001))
    keep.append(c)  # the IPv4 client is in /proc/net/tcp
    note("tcp6", a, "ESTABLISHED", local="::ffff:127.0.0.1", remote="::ffff:127.0.0.1")
    L61 = listener(socket.AF_INET6, "::1", 6002)
    note("tcp6", L61, "LISTEN")
    c, a = pair(socket.AF_INET6, L61, ("::1", 6002), ("::1", 41002))
    note("tcp6", c, "ESTABLISHED")
    note("tcp6", a, "ESTABLISHED")
    m = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    m.bind(("::ffff:127.0.0.1", 41003))
    m.connect(("::ffff:127.0.0.1", 5001))  # an IPv6 socket talking IPv4
    note("tcp6", m, "ESTABLISHED")
    keep.append(L.accept()[0])  # its peer, in /proc/net/tcp (not checked)
    L6u = listener(socket.AF_INET6, "fd00::1", 6003)
    note("tcp6", L6u, "LISTEN")
    c, a = pair(socket.AF_INET6, L6u, ("fd00::1", 6003), ("fd00::1", 41004))
    c.close()
    time.sleep(0.1)
    a.close()
    manifest.append({"file": "tcp6", "state": "TIME_WAIT", "inode": 0,
                     "local": "fd00::1", "lport": 41004, "remote": "fd00::1", "rport": 6003})
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s6.setblocking(False)
    s6.bind(("fd00::1", 41005))
    s6.connect_ex(("fd00::2", 80))
    note("tcp6", s6, "SYN_SENT", remote="fd00::2", rport=80)

    # ---- udp, udp6, udplite, udplite6
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("0.0.0.0", 7001))
    note("udp", u, "CLOSE")  # unconnected UDP shows state 07
    uc = as_uid(1000, lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
    uc.bind(("127.0.0.1", 7002))
    uc.connect(("127.0.0.1", 7001))
    uc.send(b"y" * 100)  # queued unread on u
    note("udp", uc, "ESTABLISHED", uid=1000)
    ud = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ud.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)  # the minimum
    ud.bind(("127.0.0.1", 7003))
    for _ in range(50):
        uc.sendto(b"z" * 1000, ("127.0.0.1", 7003))  # most are dropped
    note("udp", ud, "CLOSE")
    u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    u6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    u6.bind(("::", 7101))
    note("udp6", u6, "CLOSE")
    u61 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    u61.bind(("::1", 7102))
    u61.connect(("::1", 7101))
    note("udp6", u61, "ESTABLISHED")
    u6m = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    u6m.bind(("::ffff:127.0.0.1", 7103))
    u6m.connect(("::ffff:127.0.0.1", 7001))
    note("udp6", u6m, "ESTABLISHED")
    ul = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, IPPROTO_UDPLITE)
    ul.bind(("127.0.0.1", 7201))
    note("udplite", ul, "CLOSE")
    ul6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM, IPPROTO_UDPLITE)
    ul6.bind(("::1", 7301))
    ul6.connect(("::1", 7302))
    note("udplite6", ul6, "ESTABLISHED")

    # ---- raw, raw6: the "port" column is the protocol number
    r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    note("raw", r, "CLOSE", lport=1)
    r2 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
    r2.bind(("127.0.0.1", 0))
    note("raw", r2, "CLOSE", lport=17)
    ping = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ping.sendto(b"\x08\x00\xf7\xff\x00\x00\x00\x00", ("127.0.0.1", 0))  # r and ping queue it
    note("raw", ping, "CLOSE", lport=1)
    r6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    note("raw6", r6, "CLOSE", lport=58)
    r6c = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 253)  # experimental protocol
    r6c.connect(("::1", 0))
    note("raw6", r6c, "ESTABLISHED", lport=253, remote="::1", rport=0)

    # ---- unix
    def unote(s, path, state, flags=0):
        # Paths as hex: JSON strings cannot hold bytes that are not UTF-8.
        manifest.append({"file": "unix", "inode": ino(s), "path_hex": path.hex(), "state": state,
                         "flags": flags, "type": s.type})
        keep.append(s)
    for n in UNIX_FILES:
        try:
            os.unlink(n)
        except FileNotFoundError:
            pass
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(b"sock with spaces")  # relative paths are printed as given
    ls.listen()
    unote(ls, b"sock with spaces", 1, flags=0x10000)
    cs = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    cs.connect(b"sock with spaces")
    unote(cs, b"", 3)
    unote(ls.accept()[0], b"sock with spaces", 3)  # accepted: inherits the name
    ab = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    ab.bind(b"\0abstract\0with nul")  # NULs print as '@'
    unote(ab, b"@abstract@with nul", 1)
    x, y = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    unote(x, b"", 3)
    unote(y, b"", 3)
    sp = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sp.bind(b" leading space")
    unote(sp, b" leading space", 1)
    nu = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    nu.bind(b"\xff\xfe-not-utf8 ")  # and a trailing space
    unote(nu, b"\xff\xfe-not-utf8 ", 1)
    auto = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    auto.bind(b"")  # autobind: a 5 hex digit abstract name
    unote(auto, b"@" + auto.getsockname()[1:], 1)

    time.sleep(1.2)  # let the SYN_SENT sockets retransmit once
    for f in ("tcp", "tcp6", "udp", "udp6", "udplite", "udplite6", "raw", "raw6", "unix"):
        with open("/proc/net/" + f, "rb") as src, open(f, "wb") as dst:
            dst.write(src.read())
    with open("manifest.json", "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    for n in UNIX_FILES:
        os.unlink(n)

    # A path with a newline splits its row in two (see doc.go). Captured
    # separately so the main unix capture stays parseable.
    for s in keep:
        if s is not None and s.family == socket.AF_UNIX:
            s.close()
    nl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    nl.bind(b"\0evil\n0000000000000000: 00000002 00000000 00010000 0001 01 999 /forged")
    with open("/proc/net/unix", "rb") as src, open("unix-newline", "wb") as dst:
        dst.write(src.read())


main()
