// Package render formats sockets the way net-tools netstat 2.10 prints them:
// the same titles, headers, column widths, truncation and state names, so
// that scripts written against net-tools keep working.
//
// The functions append to a caller's buffer and never write or allocate per
// row beyond what name lookups return: the caller flushes whole rows.
package render
