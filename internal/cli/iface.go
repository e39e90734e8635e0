package cli

import (
	"io"

	"github.com/netstat-go/netstat/interfaces"
	"github.com/netstat-go/netstat/internal/render"
)

// runInterfaces prints the kernel interface table (-i): every interface
// with -a, otherwise only those that are up, sorted by name.
func runInterfaces(o *Options, stdout, stderr io.Writer) error {
	if o.Extend > 0 {
		// The long form (-ie): ifconfig's layout, every interface that is
		// up (all with -a), a blank line after each.
		list, err := interfaces.ListDetailed()
		if err != nil {
			return err
		}
		w := newRowWriter(stdout)
		w.WriteString(render.IfaceTitle)
		var b []byte
		for i := range list {
			if !o.All && list[i].Flags&interfaces.Up == 0 {
				continue
			}
			b = render.AppendIfaceLong(b[:0], &list[i])
			w.Write(b)
		}
		return w.Flush()
	}
	list, err := interfaces.List()
	if err != nil {
		return err
	}
	t := &render.IfaceTable{Wide: o.Wide, Bytes: o.Bytes}
	w := newRowWriter(stdout)
	w.WriteString(render.IfaceTitle)
	w.WriteString(t.Header())
	var b []byte
	for i := range list {
		if !o.All && list[i].Flags&interfaces.Up == 0 {
			continue
		}
		b = t.AppendIface(b[:0], &list[i])
		w.Write(b)
	}
	return w.Flush()
}
