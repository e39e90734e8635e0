package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/pflag"
)

// Options is what the command line asks for, after parsing and before any
// kernel data is read.
type Options struct {
	All, Listening bool

	// Protocol flags (-t -u -U -w -x -S) as given.
	TCP, UDP, UDPLite, Raw, Unix, SCTP bool
	// Address-family flags (-4 -6 -A --inet --inet6 --unix) as given.
	Inet, Inet6, UnixAF bool
	// unsupported holds the net-tools families we do not list (ax25, ipx,
	// ...), in the order given, each reported once as net-tools does.
	unsupported []string

	NumericHosts, NumericPorts, NumericUsers bool
	Wide                                     bool
	Extend                                   int
	Verbose                                  bool

	Programs, Timers, Context, Continuous bool
	Route, Interfaces, Groups, Statistics bool
	Masquerade                            bool
	Symbolic, FIB, Cache                  bool
	// Bytes (-b, BSD) adds byte counts to -i.
	Bytes bool
	// Summary (--summary) prints socket counts as ss -s does.
	Summary bool
	// PID, User and Program (--pid, --user, --program) keep the sockets
	// of one process, one user (the socket's owner uid) or one program
	// (the name -p shows).
	PID           int
	User, Program string
	// JSON (--json) prints one JSON document per round instead of text.
	JSON bool
	// Netns (--netns) is the network namespace to look into: a name, a
	// path or a PID; AllNetns (--all-netns) looks into every one.
	Netns    string
	AllNetns bool
	// TCPInfo (--tcp-info) and Memory (--memory) add TCP internals and
	// socket memory to each socket.
	TCPInfo, Memory bool

	Help, Version bool
	question      bool

	// Source picks where sockets come from: "auto", "netlink" or "proc".
	Source string

	// Args are the operands left after the options.
	Args []string
}

// usageError is a command-line mistake: net-tools prints the message, then
// its usage, on standard error and exits with status 3.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// familyError is an unknown -A family: a one-line message and status 1.
type familyError struct{ name string }

func (e *familyError) Error() string { return fmt.Sprintf("Unknown address family `%s'.", e.name) }

// familyFlags maps -A names to what they select. Names net-tools knows but
// this program cannot list are recorded so that the same "no support"
// message comes out; ddp, econet and ash are accepted and select nothing,
// as in net-tools.
func (o *Options) addFamily(name string) error {
	switch name {
	case "inet":
		o.Inet = true
	case "inet6":
		o.Inet6 = true
	case "unix":
		o.UnixAF = true
	case "ax25", "ipx", "netrom", "x25", "rose", "bluetooth":
		o.unsupported = append(o.unsupported, name)
	case "ddp", "econet", "ash":
	default:
		return &familyError{name}
	}
	return nil
}

// familyValue is the -A/--protocol value: a comma-separated family list.
type familyValue struct{ o *Options }

func (v familyValue) String() string { return "" }
func (v familyValue) Type() string   { return "family" }
func (v familyValue) Set(s string) error {
	for _, name := range strings.Split(s, ",") {
		if err := v.o.addFamily(name); err != nil {
			return err
		}
	}
	return nil
}

// setFunc is a no-argument flag that runs a function, for the long options
// that stand for a family (--inet, --ax25, ...).
type setFunc func() error

func (f setFunc) String() string   { return "" }
func (f setFunc) Type() string     { return "bool" }
func (f setFunc) IsBoolFlag() bool { return true }
func (f setFunc) Set(s string) error {
	if s != "true" {
		return errNoArgument
	}
	return f()
}

var (
	errNoArgument = errors.New("doesn't allow an argument")
	// errStop ends parsing without an error (-V, -h).
	errStop = errors.New("stop parsing")
	// errSELinux is -Z's refusal where SELinux is not enabled.
	errSELinux = errors.New("SELinux is not enabled on this machine.")
)

func newFlagSet(o *Options) *pflag.FlagSet {
	fs := pflag.NewFlagSet("netstat", pflag.ContinueOnError)
	fs.SetOutput(discard{})
	fs.Usage = func() {}
	fs.SortFlags = false
	b := func(p *bool, long, short string) {
		f := fs.VarPF(newBool(p), long, short, "")
		f.NoOptDefVal = "true"
	}
	b(&o.Route, "route", "r")
	b(&o.Interfaces, "interfaces", "i")
	b(&o.Bytes, "bytes", "b")
	b(&o.Summary, "summary", "")
	b(&o.JSON, "json", "")
	fs.StringVar(&o.Netns, "netns", "", "")
	b(&o.AllNetns, "all-netns", "")
	b(&o.TCPInfo, "tcp-info", "")
	b(&o.Memory, "memory", "")
	fs.IntVar(&o.PID, "pid", 0, "")
	fs.StringVar(&o.User, "user", "", "")
	fs.StringVar(&o.Program, "program", "", "")
	b(&o.Groups, "groups", "g")
	b(&o.Statistics, "statistics", "s")
	b(&o.Masquerade, "masquerade", "M")
	b(&o.Verbose, "verbose", "v")
	b(&o.Wide, "wide", "W")
	numeric := setFunc(func() error {
		o.NumericHosts, o.NumericPorts, o.NumericUsers = true, true, true
		return nil
	})
	fs.VarPF(numeric, "numeric", "n", "").NoOptDefVal = "true"
	b(&o.NumericHosts, "numeric-hosts", "")
	b(&o.NumericPorts, "numeric-ports", "")
	b(&o.NumericUsers, "numeric-users", "")
	b(&o.Symbolic, "symbolic", "N")
	fs.CountVarP(&o.Extend, "extend", "e", "")
	b(&o.Programs, "programs", "p")
	b(&o.Timers, "timers", "o")
	b(&o.Continuous, "continuous", "c")
	b(&o.Listening, "listening", "l")
	b(&o.All, "all", "a")
	b(&o.FIB, "fib", "F")
	b(&o.Cache, "cache", "C")
	// -Z fails at once where SELinux is off, as net-tools does: options
	// before it take effect, options after it are never read.
	fs.VarPF(setFunc(func() error {
		if !selinuxEnabled() {
			return errSELinux
		}
		o.Context, o.Programs = true, true
		return nil
	}), "context", "Z", "").NoOptDefVal = "true"
	b(&o.TCP, "tcp", "t")
	b(&o.UDP, "udp", "u")
	b(&o.UDPLite, "udplite", "U")
	b(&o.SCTP, "sctp", "S")
	b(&o.Raw, "raw", "w")
	b(&o.Unix, "unix", "x")
	fs.VarP(familyValue{o}, "protocol", "A", "")
	fam := func(long, short, name string) {
		fs.VarPF(setFunc(func() error { return o.addFamily(name) }), long, short, "").NoOptDefVal = "true"
	}
	fam("inet", "4", "inet")
	fam("inet6", "6", "inet6")
	fam("ip", "", "inet")
	fam("tcpip", "", "inet")
	fam("ax25", "", "ax25")
	fam("ipx", "", "ipx")
	fam("netrom", "", "netrom")
	fam("x25", "", "x25")
	fam("rose", "", "rose")
	fam("ddp", "", "ddp")
	fam("appletalk", "", "ddp")
	fam("bluetooth", "", "bluetooth")
	fam("l2cap", "", "bluetooth")
	fam("rfcomm", "", "bluetooth")
	// -V and -h end option parsing where they stand, like net-tools.
	fs.VarPF(setFunc(func() error { o.Version = true; return errStop }), "version", "V", "").NoOptDefVal = "true"
	fs.VarPF(setFunc(func() error { o.Help = true; return errStop }), "help", "h", "").NoOptDefVal = "true"
	fs.StringVar(&o.Source, "source", "auto", "")
	// -? is net-tools' (and Windows') request for usage; net-tools answers
	// it like a mistake: usage on standard error, status 3.
	b(&o.question, "question-mark", "?")
	_ = fs.MarkHidden("question-mark")
	_ = fs.MarkHidden("source")
	return fs
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// newBool is a plain bool flag that refuses "--tcp=x" the way getopt does.
func newBool(p *bool) setFunc { return func() error { *p = true; return nil } }

// Parse reads a command line (without the program name) the way net-tools'
// getopt_long does: clustered short options, -Ainet and -A inet, unique
// prefixes of long options, and glibc's wording for mistakes.
func Parse(args []string) (*Options, error) {
	o := &Options{}
	fs := newFlagSet(o)
	args, err := expandLongPrefixes(fs, args)
	if err != nil {
		return nil, err
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, errStop) {
			return o, nil
		}
		return nil, translate(fs, err)
	}
	if o.Source != "auto" && o.Source != "netlink" && o.Source != "proc" {
		return nil, &usageError{fmt.Sprintf("netstat: invalid --source %q (want auto, netlink or proc)", o.Source)}
	}
	if o.question {
		return nil, &usageError{}
	}
	if o.Netns != "" && o.AllNetns {
		return nil, &usageError{"netstat: --netns and --all-netns exclude each other"}
	}
	o.Args = fs.Args()
	// BSD and Windows: "netstat -s -p tcp" names the protocol whose
	// statistics to show. With -s, -p has no Linux meaning to clash with.
	if o.Statistics && o.Programs && len(o.Args) > 0 {
		if err := o.statsProtocol(o.Args[0]); err != nil {
			return nil, err
		}
		o.Args, o.Programs = o.Args[1:], false
	}
	return o, nil
}

// statsProtocol selects the statistics of one protocol named after -s -p.
func (o *Options) statsProtocol(name string) error {
	switch strings.ToLower(name) {
	case "tcp":
		o.TCP = true
	case "udp":
		o.UDP = true
	case "udplite":
		o.UDPLite = true
	case "raw", "ip", "icmp":
		o.Raw = true
	case "tcp6", "tcpv6":
		o.TCP, o.Inet6 = true, true
	case "udp6", "udpv6":
		o.UDP, o.Inet6 = true, true
	case "ip6", "ipv6", "icmp6", "raw6":
		o.Raw, o.Inet6 = true, true
	default:
		return &usageError{fmt.Sprintf("netstat: unknown protocol `%s' for -p", name)}
	}
	return nil
}

// expandLongPrefixes replaces each abbreviated long option by its full name,
// as getopt_long accepts any unique prefix; pflag does not.
func expandLongPrefixes(fs *pflag.FlagSet, args []string) ([]string, error) {
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...), nil
		}
		if !strings.HasPrefix(a, "--") {
			out = append(out, a)
			continue
		}
		name, value, hasValue := strings.Cut(a[2:], "=")
		if fs.Lookup(name) != nil {
			out = append(out, a)
			continue
		}
		var matches []*pflag.Flag
		fs.VisitAll(func(f *pflag.Flag) {
			if !f.Hidden && strings.HasPrefix(f.Name, name) {
				matches = append(matches, f)
			}
		})
		// An abbreviation net-tools accepts keeps its meaning when an
		// extension of ours shares the prefix (--prog is --programs).
		if len(matches) > 1 {
			var classic []*pflag.Flag
			for _, m := range matches {
				if !extensions[m.Name] {
					classic = append(classic, m)
				}
			}
			if len(classic) == 1 {
				matches = classic
			}
		}
		switch {
		case len(matches) == 1:
			full := "--" + matches[0].Name
			if hasValue {
				full += "=" + value
			}
			out = append(out, full)
		case len(matches) > 1:
			var b strings.Builder
			fmt.Fprintf(&b, "netstat: option '--%s' is ambiguous; possibilities:", name)
			for _, m := range matches {
				fmt.Fprintf(&b, " '--%s'", m.Name)
			}
			return nil, &usageError{b.String()}
		default:
			out = append(out, a)
		}
	}
	return out, nil
}

// extensions are the long options net-tools does not have.
var extensions = map[string]bool{"bytes": true, "summary": true, "pid": true, "user": true, "program": true, "json": true,
	"netns": true, "all-netns": true, "tcp-info": true, "memory": true}

// translate turns pflag's errors into glibc getopt's messages.
func translate(fs *pflag.FlagSet, err error) error {
	var fam *familyError
	if errors.As(err, &fam) {
		return fam
	}
	if errors.Is(err, errSELinux) {
		return errSELinux
	}
	var notExist *pflag.NotExistError
	if errors.As(err, &notExist) {
		if notExist.GetSpecifiedShortnames() != "" {
			return &usageError{fmt.Sprintf("netstat: invalid option -- '%s'", notExist.GetSpecifiedName())}
		}
		return &usageError{fmt.Sprintf("netstat: unrecognized option '--%s'", notExist.GetSpecifiedName())}
	}
	var needs *pflag.ValueRequiredError
	if errors.As(err, &needs) {
		if needs.GetSpecifiedShortnames() != "" {
			return &usageError{fmt.Sprintf("netstat: option requires an argument -- '%s'", needs.GetSpecifiedName())}
		}
		return &usageError{fmt.Sprintf("netstat: option '--%s' requires an argument", needs.GetSpecifiedName())}
	}
	var invalid *pflag.InvalidValueError
	if errors.As(err, &invalid) && errors.Is(err, errNoArgument) {
		return &usageError{fmt.Sprintf("netstat: option '--%s' doesn't allow an argument", invalid.GetFlag().Name)}
	}
	return &usageError{"netstat: " + err.Error()}
}
