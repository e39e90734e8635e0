package cli

import (
	"io"

	"github.com/netstat-go/netstat/internal/render"
	"github.com/netstat-go/netstat/sockets"
)

// runSummary prints the socket summary (--summary), ss -s's figures.
func runSummary(stdout io.Writer) error {
	s, err := sockets.ReadSummary(sockets.Config{})
	if err != nil {
		return err
	}
	_, err = stdout.Write(render.AppendSummary(nil, &s))
	return err
}
