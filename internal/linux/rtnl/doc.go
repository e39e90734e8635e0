// Package rtnl is the NETLINK_ROUTE transport the routes and interfaces
// packages share: a dump request, and the walk over its replies with one
// reused receive buffer. What the messages mean is up to the callers; the
// walk itself is pure and portable, so it can be fuzzed anywhere.
package rtnl
