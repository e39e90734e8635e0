package interfaces

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"unsafe"

	"github.com/netstat-go/netstat/internal/linux/procfs"
	"golang.org/x/sys/unix"
)

// list is the Auto source: rtnetlink, or /proc and ioctls when rtnetlink
// fails (refused by a seccomp or LSM policy, or a kernel reply it cannot
// use).
func list() ([]Interface, error) {
	if out, err := sources[Netlink](); err == nil {
		return out, nil
	}
	return sources[Proc]()
}

// listProc reads /proc/net/dev for names and counters, SIOCGIFCONF for IPv4
// alias labels, and SIOCGIFFLAGS / SIOCGIFMTU for flags and MTU.
func listProc() ([]Interface, error) {
	path := "/proc/thread-self/net/dev"
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		path = "/proc/self/net/dev"
		f, err = os.Open(path)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Interface
	err = procfs.ParseNetDev(f, path, func(r *procfs.NetDevRow) error {
		out = append(out, Interface{Name: string(r.Name), Stats: &Stats{
			RxBytes: r.RxBytes, RxPackets: r.RxPackets, RxErrors: r.RxErrs, RxDropped: r.RxDrop,
			RxFIFO: r.RxFIFO, RxFrame: r.RxFrame, RxCompressed: r.RxCompressed, RxMulticast: r.RxMulticast,
			TxBytes: r.TxBytes, TxPackets: r.TxPackets, TxErrors: r.TxErrs, TxDropped: r.TxDrop,
			TxFIFO: r.TxFIFO, Collisions: r.TxColls, TxCarrier: r.TxCarrier, TxCompressed: r.TxCompressed,
		}})
		return nil
	})
	if err != nil {
		return nil, err
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("socket for interface ioctls: %w", err)
	}
	defer unix.Close(fd)
	labels, err := ifconf(fd)
	if err != nil {
		return nil, err
	}
	for _, name := range labels {
		if !slices.ContainsFunc(out, func(i Interface) bool { return i.Name == name }) {
			out = append(out, Interface{Name: name})
		}
	}
	keep := out[:0]
	for _, ifc := range out {
		ifr, err := unix.NewIfreq(ifc.Name)
		if err != nil {
			continue
		}
		if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
			if errors.Is(err, unix.ENODEV) {
				continue // gone since /proc/net/dev was read
			}
			return nil, fmt.Errorf("SIOCGIFFLAGS %s: %w", ifc.Name, err)
		}
		ifc.Flags = Flags(ifr.Uint16())
		ifr, _ = unix.NewIfreq(ifc.Name)
		if err := unix.IoctlIfreq(fd, unix.SIOCGIFMTU, ifr); err == nil {
			ifc.MTU = int(int32(ifr.Uint32()))
		}
		keep = append(keep, ifc)
	}
	slices.SortStableFunc(keep, func(a, b Interface) int { return Compare(a.Name, b.Name) })
	return keep, nil
}

// ifreqSize is sizeof(struct ifreq): the name and a union whose largest
// member is struct ifmap (two unsigned longs and five bytes, padded).
const ifreqSize = unix.IFNAMSIZ + 2*unsafe.Sizeof(uintptr(0)) + 8

type ifconfReq struct {
	Len int32
	Buf uintptr
}

// ifconf returns the names SIOCGIFCONF reports: one per IPv4 address, its
// label (the interface's name, or an alias such as "eth0:1").
func ifconf(fd int) ([]string, error) {
	for n := 64; ; n *= 2 {
		buf := make([]byte, n*int(ifreqSize))
		req := ifconfReq{Len: int32(len(buf)), Buf: uintptr(unsafe.Pointer(&buf[0]))}
		_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.SIOCGIFCONF, uintptr(unsafe.Pointer(&req)))
		runtime.KeepAlive(buf)
		if errno != 0 {
			return nil, fmt.Errorf("SIOCGIFCONF: %w", errno)
		}
		if int(req.Len) >= len(buf) && n < 1<<16 {
			continue // may have been cut: ask again with more room
		}
		var names []string
		for off := 0; off+int(ifreqSize) <= int(req.Len); off += int(ifreqSize) {
			name := buf[off : off+unix.IFNAMSIZ]
			if i := slices.Index(name, 0); i >= 0 {
				name = name[:i]
			}
			if len(name) > 0 && !slices.Contains(names, string(name)) {
				names = append(names, string(name))
			}
		}
		return names, nil
	}
}
