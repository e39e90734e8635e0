package interfaces

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// listDetailed is list plus, per interface, the IPv4 address, netmask,
// broadcast and destination addresses (SIOCGIFADDR, SIOCGIFNETMASK,
// SIOCGIFBRDADDR, SIOCGIFDSTADDR), hardware type and address
// (SIOCGIFHWADDR), transmit queue length (SIOCGIFTXQLEN) and the IPv6
// addresses of /proc/net/if_inet6.
func listDetailed() ([]Interface, error) {
	ifs, err := list()
	if err != nil {
		return nil, err
	}
	v6, err := readIfInet6()
	if err != nil {
		return nil, err
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("socket for interface ioctls: %w", err)
	}
	defer unix.Close(fd)
	for i := range ifs {
		ifc := &ifs[i]
		d := &Detail{TxQueueLen: -1}
		ifc.Detail = d
		if ifc.Stats != nil {
			d.IPv6 = v6[ifc.Name]
		}
		if a, ok := inet4(fd, ifc.Name, unix.SIOCGIFADDR); ok {
			d.Addr = a
			d.Netmask, _ = inet4(fd, ifc.Name, unix.SIOCGIFNETMASK)
			d.Broadcast, _ = inet4(fd, ifc.Name, unix.SIOCGIFBRDADDR)
			d.Destination, _ = inet4(fd, ifc.Name, unix.SIOCGIFDSTADDR)
		}
		var raw [ifreqSize]byte
		if ioctlRaw(fd, ifc.Name, unix.SIOCGIFHWADDR, raw[:]) == nil {
			d.HasHW = true
			d.HWType = binary.NativeEndian.Uint16(raw[unix.IFNAMSIZ:])
			d.HWAddr = append([]byte(nil), raw[unix.IFNAMSIZ+2:unix.IFNAMSIZ+18]...)
		}
		if ifr, err := unix.NewIfreq(ifc.Name); err == nil {
			if unix.IoctlIfreq(fd, unix.SIOCGIFTXQLEN, ifr) == nil {
				d.TxQueueLen = int(int32(ifr.Uint32()))
			}
		}
	}
	return ifs, nil
}

func readIfInet6() (map[string][]IPv6Addr, error) {
	path := "/proc/thread-self/net/if_inet6"
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		path = "/proc/self/net/if_inet6"
		f, err = os.Open(path)
	}
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil // IPv6 disabled
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseIfInet6(f, path)
}

func inet4(fd int, name string, req uint) (netip.Addr, bool) {
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return netip.Addr{}, false
	}
	if unix.IoctlIfreq(fd, req, ifr) != nil {
		return netip.Addr{}, false
	}
	a, err := ifr.Inet4Addr()
	if err != nil {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4([4]byte(a)), true
}

// ioctlRaw runs an ifreq ioctl on a zeroed struct ifreq buffer.
func ioctlRaw(fd int, name string, req uint, buf []byte) error {
	if len(name) >= unix.IFNAMSIZ {
		return unix.EINVAL
	}
	clear(buf)
	copy(buf, name)
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(unsafe.Pointer(&buf[0])))
	if errno != 0 {
		return errno
	}
	return nil
}
