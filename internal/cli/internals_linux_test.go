package cli_test

import (
	"encoding/json"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/netstat-go/netstat/internal/nstest"
)

// ssTokens reads ss -tinmH's two lines per socket into the tokens of each
// connection, keyed by "local remote". Tokens that move on a quiet
// connection (timers, times since the last packet, rates) are left out.
func ssTokens(out string) map[string]map[string]string {
	conns := map[string]map[string]string{}
	var cur map[string]string
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "\t") && !strings.HasPrefix(line, " ") {
			f := strings.Fields(line)
			if len(f) < 5 {
				continue
			}
			cur = map[string]string{}
			conns[f[3]+" "+f[4]] = cur
			continue
		}
		if cur == nil {
			continue
		}
		for _, tok := range strings.Fields(line) {
			k, v, _ := strings.Cut(tok, ":")
			cur[k] = v
		}
	}
	return conns
}

// stableTokens are the tokens both tools print that cannot move on a
// connection nobody uses.
var stableTokens = []string{"wscale", "mss", "pmtu", "rcvmss", "advmss", "cwnd", "bytes_acked",
	"bytes_received", "bytes_sent", "segs_out", "segs_in", "data_segs_out", "data_segs_in", "skmem"}

// TestTCPInfoSameAsSS compares --tcp-info --memory, in text and in JSON,
// with ss -tinm on the same quiet connection, after a known transfer.
func TestTCPInfoSameAsSS(t *testing.T) {
	ns := nstest.New(t)
	if _, err := ns.Command("ss", "-V"); err != nil {
		t.Skip("ss is not installed")
	}
	const sent = 123456
	var client, server net.Conn
	ns.Do(func() {
		l, err := net.Listen("tcp4", "127.0.0.1:7300")
		must(t, err)
		defer l.Close()
		client, err = net.Dial("tcp4", "127.0.0.1:7300")
		must(t, err)
		server, err = l.Accept()
		must(t, err)
	})
	t.Cleanup(func() { client.Close(); server.Close() })
	go client.Write(make([]byte, sent))
	_, err := io.ReadFull(server, make([]byte, sent))
	must(t, err)
	time.Sleep(200 * time.Millisecond) // the last ACK, and delayed ACKs

	ss, err := ns.Command("ss", "-tinmH")
	if err != nil {
		t.Fatalf("ss: %v %s", err, ss)
	}
	want := ssTokens(string(ss))
	if len(want) != 2 {
		t.Fatalf("ss shows %d connections:\n%s", len(want), ss)
	}

	out, errOut, status := ns.Run(selfEnv, os.Args[0], "-tn", "--tcp-info", "--memory")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	got := map[string]map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 7 || f[0] != "tcp" {
			continue
		}
		toks := map[string]string{}
		for _, tok := range f[6:] {
			k, v, _ := strings.Cut(tok, ":")
			toks[k] = v
		}
		got[f[3]+" "+f[4]] = toks
	}
	for conn, w := range want {
		g, ok := got[conn]
		if !ok {
			t.Errorf("%s: not in our output:\n%s", conn, out)
			continue
		}
		for _, k := range stableTokens {
			// We always print bytes_acked and bytes_received; ss
			// leaves zero counters out.
			if w[k] != g[k] && !(w[k] == "" && g[k] == "0") {
				t.Errorf("%s: %s is %q in ss, %q here", conn, k, w[k], g[k])
			}
		}
	}
	if n, _ := strconv.Atoi(got["127.0.0.1:7300 "+client.LocalAddr().String()]["bytes_received"]); n != sent {
		t.Errorf("server bytes_received %d, want %d", n, sent)
	}

	// JSON carries the same numbers under the kernel's names.
	out, errOut, status = ns.Run(selfEnv, os.Args[0], "--json", "-tn", "--tcp-info", "--memory")
	if status != 0 {
		t.Fatalf("json: status %d: %s", status, errOut)
	}
	d := decodeDoc(t, out)
	if len(d.Sockets) != 2 {
		t.Fatalf("%d sockets in JSON", len(d.Sockets))
	}
	for _, s := range d.Sockets {
		conn := s.Local.Address + ":" + strconv.Itoa(int(s.Local.Port)) + " " + s.Remote.Address + ":" + strconv.Itoa(int(s.Remote.Port))
		var info map[string]any
		must(t, json.Unmarshal(s.TCPInfo, &info))
		var mem map[string]uint64
		must(t, json.Unmarshal(s.Memory, &mem))
		w := want[conn]
		for jsonName, ssName := range map[string]string{"bytes_acked": "bytes_acked", "bytes_received": "bytes_received", "snd_cwnd": "cwnd", "snd_mss": "mss", "pmtu": "pmtu"} {
			v := strconv.FormatFloat(info[jsonName].(float64), 'f', -1, 64)
			if w[ssName] == "" && v == "0" {
				continue // ss leaves zero counters out
			}
			if v != w[ssName] {
				t.Errorf("%s: JSON %s %s, ss %s %s", conn, jsonName, v, ssName, w[ssName])
			}
		}
		if _, ok := w[info["congestion"].(string)]; !ok {
			t.Errorf("%s: congestion %q not among ss's words %v", conn, info["congestion"], w)
		}
		skmem := "(r" + strconv.FormatUint(mem["rmem_alloc"], 10) + ",rb" + strconv.FormatUint(mem["rcvbuf"], 10) +
			",t" + strconv.FormatUint(mem["wmem_alloc"], 10) + ",tb" + strconv.FormatUint(mem["sndbuf"], 10) +
			",f" + strconv.FormatUint(mem["fwd_alloc"], 10) + ",w" + strconv.FormatUint(mem["wmem_queued"], 10) +
			",o" + strconv.FormatUint(mem["optmem"], 10) + ",bl" + strconv.FormatUint(mem["backlog"], 10) +
			",d" + strconv.FormatUint(mem["drops"], 10) + ")"
		if diff := cmp.Diff(w["skmem"], skmem); diff != "" {
			t.Errorf("%s: memory (-ss +json):\n%s", conn, diff)
		}
	}

	// Without the options, neither text nor JSON carries any of it.
	out, _, _ = ns.Run(selfEnv, os.Args[0], "--json", "-tn")
	if strings.Contains(string(out), "tcp_info") || strings.Contains(string(out), "memory") {
		t.Errorf("internals without --tcp-info/--memory: %s", out)
	}
}
