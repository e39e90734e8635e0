package cli

// usageText is net-tools netstat 2.10's usage message, reproduced because
// scripts and people compare against it. The address-family list at the end
// is kept separate: for -h net-tools prints it on standard error while the
// rest goes to standard output.
const usageText = `usage: netstat [-vWeenNcCF] [<Af>] -r         netstat {-V|--version|-h|--help}
       netstat [-vWnNcaeol] [<Socket> ...]
       netstat { [-vWeenNac] -i | [-cnNe] -M | -s [-6tuw] }

        -r, --route              display routing table
        -i, --interfaces         display interface table
        -g, --groups             display multicast group memberships
        -s, --statistics         display networking statistics (like SNMP)
        -M, --masquerade         display masqueraded connections

        -v, --verbose            be verbose
        -W, --wide               don't truncate IP addresses
        -n, --numeric            don't resolve names
        --numeric-hosts          don't resolve host names
        --numeric-ports          don't resolve port names
        --numeric-users          don't resolve user names
        -N, --symbolic           resolve hardware names
        -e, --extend             display other/more information
        -p, --programs           display PID/Program name for sockets
        -o, --timers             display timers
        -c, --continuous         continuous listing

        -l, --listening          display listening server sockets
        -a, --all                display all sockets (default: connected)
        -F, --fib                display Forwarding Information Base (default)
        -C, --cache              display routing cache instead of FIB
        -Z, --context            display SELinux security context for sockets

  <Socket>={-t|--tcp} {-u|--udp} {-U|--udplite} {-S|--sctp} {-w|--raw}
           {-x|--unix} --ax25 --ipx --netrom
  <AF>=Use '-6|-4' or '-A <af>' or '--<af>'; default: inet
`

// extensionsText follows the usage for -h (not after a mistake, where
// net-tools' text alone is printed): what this netstat adds.
const extensionsText = `
  Extensions (long options only; README.md documents them):
        --json                   one JSON document per round (NDJSON when repeating)
        FILTER                   ss filter: state NAME, sport/dport/src/dst/dev, and/or/not
        --pid N, --user U, --program NAME   sockets of one process, user or program
        --summary                socket counts, as ss -s
        --tcp-info               TCP internals (tcp_info) at the end of each TCP row
        --memory                 socket memory (skmem) at the end of each row
        --netns NAME|PATH|PID    look into one network namespace
        --all-netns              look into every network namespace
        --source=auto|netlink|proc   where sockets are read from
  None needs root except -p (for other users' processes) and entering a
  namespace (--netns, --all-netns: CAP_SYS_ADMIN).
`

const afListText = `  List of possible address families (which support routing):
    inet (DARPA Internet) inet6 (IPv6) ax25 (AMPR AX.25) 
    netrom (AMPR NET/ROM) rose (AMPR ROSE) ipx (Novell IPX) 
    ddp (Appletalk DDP) x25 (CCITT X.25) 
`

// versionText answers -V. It names this program honestly; the "AF:" line
// keeps net-tools' layout so that scripts probing for IPv6 support still work.
const versionText = `netstat-go ` + Version + ` (net-tools 2.10 compatible)
AF: (inet) +UNIX +INET +INET6
`

// Version is this program's version.
const Version = "0.1.0"
