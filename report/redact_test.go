package report

import (
	"strings"
	"testing"
)

func TestRedactHeader(t *testing.T) {
	var r redactor
	for _, c := range []struct{ name, in, want string }{
		{"Authorization", "Bearer abc.def.ghi", "Bearer <redacted>"},
		{"authorization", "Basic dXNlcjpwYXNz", "Basic <redacted>"},
		{"Authorization", "justatoken", "<redacted>"},
		{"Authorization", "AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=abc", "AWS4-HMAC-SHA256 <redacted>"},
		{"Proxy-Authorization", "Negotiate YIIG", "Negotiate <redacted>"},
		{"Cookie", "sid=abc; theme=dark", "sid=<redacted>; theme=<redacted>"},
		{"cookie", "lonely", "<redacted>"},
		{"Set-Cookie", "sid=abc; Path=/; HttpOnly; SameSite=None", "sid=<redacted>; Path=/; HttpOnly; SameSite=None"},
		{"set-cookie", "a=1; Secure\nb=2; Path=/x", "a=<redacted>; Secure\nb=<redacted>; Path=/x"},
		{"X-API-Key", "k", "<redacted>"},
		{"apikey", "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.sig", "<redacted>"},
		{"X-CSRF-Token", "t0k3n", "<redacted>"},
		{"X-Amz-Security-Token", "FQoG", "<redacted>"},
		{"X-Client-Secret", "s", "<redacted>"},
		{"X-Hub-Signature", "sha1=abc", "<redacted>"},
		{"Idempotency-Key", "42", "42"},
		{"X-Functions-Key", "0123456789abcdef0123", "<redacted>"},
		{"X-Partner-Key", "0123456789abcdef0123", "<redacted>"},
		{"X-Partner-Key", "short", "short"},
		// CORS headers name credentials, they never hold them.
		{"Access-Control-Allow-Credentials", "true", "true"},
		{"Access-Control-Allow-Headers", "authorization, x-api-key", "authorization, x-api-key"},
		{"Access-Control-Request-Headers", "x-csrf-token", "x-csrf-token"},
		// Plain headers still lose JWTs and URL tokens.
		{"X-Client-Info", "v1 eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln tail", "v1 <redacted> tail"},
		{"Location", "https://app.test/cb?code=abc&state=1", "https://app.test/cb?code=<redacted>&state=1"},
		{"Referer", "https://u:pw@app.test/", "https://u:<redacted>@app.test/"},
		{"Vary", "Origin", "Origin"},
		{"Content-Type", "application/json", "application/json"},
		{"Authorization", "", ""},
	} {
		if got := r.header(c.name, c.in); got != c.want {
			t.Errorf("header(%q, %q) = %q, want %q", c.name, c.in, got, c.want)
		}
		if got := (redactor{show: true}).header(c.name, c.in); got != c.in {
			t.Errorf("show: header(%q, %q) = %q", c.name, c.in, got)
		}
	}
}

func TestRedactText(t *testing.T) {
	var r redactor
	for _, c := range []struct{ in, want string }{
		{"https://a.test/x?access_token=abc&page=2", "https://a.test/x?access_token=<redacted>&page=2"},
		{"https://a.test/x?page=2&ID_TOKEN=abc", "https://a.test/x?page=2&ID_TOKEN=<redacted>"},
		{"https://a.test/x#access_token=abc&token_type=bearer", "https://a.test/x#access_token=<redacted>&token_type=bearer"},
		{"https://a.test/x;jsessionid=ABC123?y=1", "https://a.test/x;jsessionid=<redacted>?y=1"},
		{"https://s3.test/o?X-Amz-Signature=ff&X-Amz-Credential=AK&X-Amz-Date=1", "https://s3.test/o?X-Amz-Signature=<redacted>&X-Amz-Credential=<redacted>&X-Amz-Date=1"},
		{"https://a.test/?key=k&sig=s&signature=s2&apikey=a&api_key=b&auth=c&password=p&session=s&sessionid=i&jwt=j&__clerk_db_jwt=d&refresh_token=r&code=c2",
			"https://a.test/?key=<redacted>&sig=<redacted>&signature=<redacted>&apikey=<redacted>&api_key=<redacted>&auth=<redacted>&password=<redacted>&session=<redacted>&sessionid=<redacted>&jwt=<redacted>&__clerk_db_jwt=<redacted>&refresh_token=<redacted>&code=<redacted>"},
		{"https://a.test/?keyword=cors&monkey=1&state=xyz&page=2", "https://a.test/?keyword=cors&monkey=1&state=xyz&page=2"},
		{"https://a.test/?token=", "https://a.test/?token="},
		{"Access to fetch at 'https://a.test/?token=abc' from origin", "Access to fetch at 'https://a.test/?token=<redacted>' from origin"},
		{"ftp://user:secret@host/x and http://host/", "ftp://user:<redacted>@host/x and http://host/"},
		{"the value eyJhbGciOiJub25lIn0.eyJ4IjoxfQ. is unsigned", "the value <redacted> is unsigned"},
		{"Bearer abcdefgh1234 was sent", "Bearer <redacted> was sent"},
		{"a basic preflight; Bearer tokens; Basic realm", "a basic preflight; Bearer tokens; Basic realm"},
		{"no secrets here: origin http://localhost:5173", "no secrets here: origin http://localhost:5173"},
		{"", ""},
	} {
		if got := r.text(c.in); got != c.want {
			t.Errorf("text(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// FuzzRedact checks that redaction never lets a planted token through and
// never grows a string without a reason.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{"https://a.test/?access_token=", "Bearer ", "eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.", "x=1;sid="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, prefix string) {
		const tok = "PLANTEDTOKEN42"
		var r redactor
		for _, s := range []string{
			"https://a.test/p?" + prefix + "&access_token=" + tok,
			prefix + " Authorization value",
		} {
			got := r.text(s)
			if strings.Contains(s, "access_token="+tok) && strings.Contains(got, tok) {
				t.Errorf("text(%q) = %q keeps the token", s, got)
			}
		}
		if got := r.header("Authorization", prefix+" "+tok); strings.Contains(got, tok) {
			t.Errorf("Authorization %q kept the token: %q", prefix+" "+tok, got)
		}
		if got := r.header("Cookie", prefix+"; a="+tok); strings.Contains(got, tok) {
			t.Errorf("Cookie kept the token: %q", got)
		}
	})
}
