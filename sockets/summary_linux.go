package sockets

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/netstat-go/netstat/internal/linux/procfs"
)

func readSummary(cfg Config) (Summary, error) {
	dir := cfg.ProcNet
	if dir == "" {
		dir = "/proc/thread-self/net"
	}
	var s Summary
	set := map[string]*int64{
		"sockets.used": &s.Sockets,
		"TCP.inuse":    &s.TCP4, "TCP.orphan": &s.TCPOrphans, "TCP.tw": &s.TCPTimeWait, "TCP.alloc": &s.TCPAlloc,
		"UDP.inuse": &s.UDP4, "UDPLITE.inuse": &s.UDPLite4, "RAW.inuse": &s.Raw4, "FRAG.inuse": &s.Frag4,
		"TCP6.inuse": &s.TCP6, "UDP6.inuse": &s.UDP6, "UDPLITE6.inuse": &s.UDPLite6, "RAW6.inuse": &s.Raw6, "FRAG6.inuse": &s.Frag6,
	}
	read := func(name string, parse func(*os.File) ([]procfs.SNMPSection, error)) error {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && name != "sockstat" {
				return nil // no IPv6 in this kernel
			}
			return err
		}
		defer f.Close()
		secs, err := parse(f)
		if err != nil {
			return err
		}
		for _, sec := range secs {
			for _, c := range sec.Counters {
				if p := set[sec.Name+"."+c.Name]; p != nil {
					*p = int64(c.Value)
				}
			}
		}
		return nil
	}
	sockstat := func(f *os.File) ([]procfs.SNMPSection, error) { return procfs.ParseSockstat(f, f.Name()) }
	for _, name := range []string{"sockstat", "sockstat6"} {
		if err := read(name, sockstat); err != nil {
			return Summary{}, fmt.Errorf("socket summary: %w", err)
		}
	}
	set = map[string]*int64{"Tcp.CurrEstab": &s.TCPEstablished}
	if err := read("snmp", func(f *os.File) ([]procfs.SNMPSection, error) { return procfs.ParseSNMP(f, f.Name()) }); err != nil {
		return Summary{}, fmt.Errorf("socket summary: %w", err)
	}
	return s, nil
}
