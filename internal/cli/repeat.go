package cli

import (
	"context"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// interval is how often to redisplay: one second for -c, or a trailing
// whole number of seconds (`netstat -tn 5`, the BSD and Windows habit); 0
// means once. Other operands are a socket filter (see filterArgs).
func interval(o *Options) time.Duration {
	if n := len(o.Args); n > 0 && isInterval(o.Args[n-1]) {
		secs, _ := strconv.Atoi(o.Args[n-1])
		return time.Duration(secs) * time.Second
	}
	if o.Continuous {
		return time.Second
	}
	return 0
}

// repeat runs one round, then again every d until SIGINT or SIGTERM; a
// round in progress when the signal comes is finished first, so the output
// always ends with a whole table. Ending this way is success. A round's
// error ends the loop with that error.
func repeat(d time.Duration, round func() error) error {
	if d == 0 {
		return round()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		if err := round(); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

// filterArgs are the operands that make up a socket filter: all but a
// trailing interval.
func filterArgs(o *Options) []string {
	if n := len(o.Args); n > 0 && isInterval(o.Args[n-1]) {
		return o.Args[:n-1]
	}
	return o.Args
}

func isInterval(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n > 0
}
