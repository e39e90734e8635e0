package groups

import (
	"errors"
	"io"
	"os"

	"github.com/netstat-go/netstat/internal/linux/procfs"
)

func list(fam Family) ([]Membership, error) {
	var out []Membership
	if fam&IPv4 != 0 {
		err := read("igmp", func(r io.Reader, name string) error {
			return procfs.ParseIGMP(r, name, func(row *procfs.IGMPRow) error {
				out = append(out, Membership{row.Index, string(row.Device), row.Group, row.Users})
				return nil
			})
		})
		if err != nil {
			return nil, err
		}
	}
	if fam&IPv6 != 0 {
		err := read("igmp6", func(r io.Reader, name string) error {
			return procfs.ParseIGMP6(r, name, func(row *procfs.IGMP6Row) error {
				out = append(out, Membership{row.Index, string(row.Device), row.Group, row.Users})
				return nil
			})
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// read opens /proc/thread-self/net/FILE (/proc/self/net on kernels before
// 3.17). A missing file means the kernel lacks that protocol: no groups.
func read(file string, parse func(io.Reader, string) error) error {
	path := "/proc/thread-self/net/" + file
	if _, err := os.Stat("/proc/thread-self/net"); err != nil {
		path = "/proc/self/net/" + file
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	return parse(f, path)
}
