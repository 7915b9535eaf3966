package analyze

import "testing"

func TestFingerprint(t *testing.T) {
	r := &Rule{ID: "CORS-P16"}
	base := Finding{Rule: r, Origin: "https://app.test", Method: "PUT", URL: "https://api.test/v1/users/42/orders?page=2#x"}
	fp := Fingerprint(&base)
	if len(fp) != 16 {
		t.Fatalf("fingerprint %q is not 16 hex digits", fp)
	}
	same := []Finding{
		{Rule: r, Origin: "https://app.test", Method: "PUT", URL: "https://api.test/v1/users/7/orders"},
		{Rule: r, Origin: "HTTPS://APP.TEST", Method: "put", URL: "https://API.test/v1/users/9f1c2e9a-1b2c-4d5e-8f90-123456789abc/orders?x=1", Entry: 9, Line: 400},
	}
	for _, f := range same {
		if got := Fingerprint(&f); got != fp {
			t.Errorf("%+v: fingerprint %s, want %s (same problem)", f, got, fp)
		}
	}
	other := []Finding{
		{Rule: &Rule{ID: "CORS-P13"}, Origin: "https://app.test", Method: "PUT", URL: "https://api.test/v1/users/42/orders"},
		{Rule: r, Origin: "https://admin.test", Method: "PUT", URL: "https://api.test/v1/users/42/orders"},
		{Rule: r, Origin: "https://app.test", Method: "POST", URL: "https://api.test/v1/users/42/orders"},
		{Rule: r, Origin: "https://app.test", Method: "PUT", URL: "https://api.test/v1/users/42/invoices"},
		{Rule: r, Origin: "https://app.test", Method: "PUT", URL: "https://staging.api.test/v1/users/42/orders"},
	}
	for _, f := range other {
		if got := Fingerprint(&f); got == fp {
			t.Errorf("%+v: same fingerprint as %+v", f, base)
		}
	}
}
