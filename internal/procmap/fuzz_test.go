package procmap

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// The fuzz targets are one-liners over fuzzOracle, which compares the
// hand-written, allocation-free parser with a plain reference written
// with strings and strconv. Seed corpora: testdata/fuzz/<FuzzName>/.

func FuzzParseSocketLink(f *testing.F) { fuzzOracle(f, socketLinkResult, refSocketLink) }

func FuzzProgramName(f *testing.F) { fuzzOracle(f, programNameResult, refProgramName) }

func fuzzOracle[R comparable](f *testing.F, got, want func(t *testing.T, in []byte) R) {
	f.Fuzz(func(t *testing.T, in []byte) {
		keep := bytes.Clone(in)
		g, w := got(t, in), want(t, keep)
		if g != w {
			t.Fatalf("input %q: got %v, reference says %v", in, g, w)
		}
		if !bytes.Equal(in, keep) {
			t.Fatalf("input changed to %q", in)
		}
	})
}

type linkResult struct {
	inode uint64
	ok    bool
}

func socketLinkResult(t *testing.T, in []byte) linkResult {
	inode, ok := parseSocketLink(in)
	if ok {
		// Whatever is accepted is exactly one of the kernel's spellings.
		n := strconv.FormatUint(inode, 10)
		if s := string(in); s != "socket:["+n+"]" && s != "[0000]:"+n {
			t.Fatalf("accepted %q as inode %d", in, inode)
		}
	}
	return linkResult{inode, ok}
}

func refSocketLink(_ *testing.T, in []byte) linkResult {
	s := string(in)
	digits, ok := strings.CutPrefix(s, "socket:[")
	if ok {
		digits, ok = strings.CutSuffix(digits, "]")
	} else {
		digits, ok = strings.CutPrefix(s, "[0000]:")
	}
	if !ok {
		return linkResult{}
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || n == 0 || strconv.FormatUint(n, 10) != digits {
		return linkResult{}
	}
	return linkResult{n, true}
}

func programNameResult(t *testing.T, in []byte) string {
	name := programName(in)
	if len(name) > 0 && (cap(name) == 0 || &name[:cap(name)][cap(name)-1] != &in[:cap(in)][cap(in)-1]) {
		t.Fatalf("programName(%q) = %q is not a subslice of its input", in, name)
	}
	if bytes.IndexByte(name, 0) >= 0 || len(name) > cmdlineMax {
		t.Fatalf("programName(%q) = %q", in, name)
	}
	return string(name)
}

// refProgramName restates doc.go's rule: argv[0] within the first 511
// bytes; for an absolute path, the part after the last slash.
func refProgramName(_ *testing.T, in []byte) string {
	s := string(in)
	if len(s) > 511 {
		s = s[:511]
	}
	argv0, _, _ := strings.Cut(s, "\x00")
	if strings.HasPrefix(argv0, "/") {
		_, argv0, _ = cutLast(argv0, "/")
	}
	return argv0
}

func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}
