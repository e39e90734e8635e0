package filter

import (
	"errors"
	"testing"
)

func FuzzParse(f *testing.F) { f.Fuzz(func(t *testing.T, s string) { checkParse(t, s) }) }

// checkParse parses s and, when it parses, checks that String parses back
// to the same text, that the compiled program passes the kernel's audit and
// that it selects what Eval selects on evalSockets.
func checkParse(t *testing.T, s string) {
	t.Helper()
	flt, err := Parse([]string{s}, testNames)
	if err != nil {
		var pe *Error
		if !errors.As(err, &pe) {
			t.Fatalf("%q: error %T is not *Error", s, err)
		}
		return
	}
	if flt.Expr == nil {
		return
	}
	str := flt.Expr.String()
	e2, err := ParseExpr([]string{str}, Names{})
	if err != nil {
		t.Fatalf("%q: String %q does not parse: %v", s, str, err)
	}
	if e2.String() != str {
		t.Fatalf("%q: String %q reparses as %q", s, str, e2.String())
	}
	bc, exact, err := Compile(flt.Expr, nil)
	if err != nil {
		if errors.Is(err, ErrTooLong) {
			return
		}
		t.Fatalf("%q: Compile: %v", s, err)
	}
	if bc == nil {
		return
	}
	if err := audit(bc); err != nil {
		t.Fatalf("%q: audit: %v", s, err)
	}
	for i, sk := range evalSockets {
		k, u := run(bc, entryOf(sk)), flt.Expr.Eval(sk)
		if exact && k != u || !exact && u && !k {
			t.Fatalf("%q: socket %d: kernel %v, Eval %v (exact %v)", s, i, k, u, exact)
		}
	}
}
