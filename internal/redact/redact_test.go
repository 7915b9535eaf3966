package redact

import (
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func TestHeader(t *testing.T) {
	var r Redactor
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
		// Custom credential headers that apps send and preflights list.
		{"X-CSRFToken", "Zq3bH9", "<redacted>"},
		{"X-XSRF-TOKEN", "Zq3bH9", "<redacted>"},
		{"X-Authorization", "Bearer abc123def", "Bearer <redacted>"},
		{"Authentication", "Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b", "Token <redacted>"},
		{"Session-Id", "s-1", "<redacted>"},
		{"X-Session-Id", "s-1", "<redacted>"},
		{"X-Firebase-AppCheck", "abc", "<redacted>"},
		{"X-Access-Key", "ak1", "<redacted>"},
		{"Sec-WebSocket-Protocol", "bearer, abcdefghijklmnop123", "bearer, <redacted>"},
		{"Sec-WebSocket-Protocol", "graphql-ws, access_token, s3cr3t", "graphql-ws, access_token, <redacted>"},
		{"Sec-WebSocket-Protocol", "graphql-transport-ws", "graphql-transport-ws"},
		{"Sec-WebSocket-Protocol", "v10.stomp, v11.stomp", "v10.stomp, v11.stomp"},
		{"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==", "<redacted>"},
		// CORS headers name credentials, they never hold them.
		{"Access-Control-Allow-Credentials", "true", "true"},
		{"Access-Control-Allow-Headers", "authorization, x-api-key", "authorization, x-api-key"},
		{"Access-Control-Request-Headers", "x-csrf-token", "x-csrf-token"},
		{"Sec-Fetch-Mode", "cors", "cors"},
		// Plain headers still lose JWTs, URL tokens and scheme credentials.
		{"X-Client-Info", "v1 eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln tail", "v1 <redacted> tail"},
		{"Location", "https://app.test/cb?code=abc&state=1", "https://app.test/cb?code=<redacted>&state=<redacted>"},
		{"Referer", "https://u:pw@app.test/", "https://u:<redacted>@app.test/"},
		{"X-Forwarded-Auth", "SSWS 00abcdefGHIJ123", "SSWS <redacted>"},
		{"Vary", "Origin", "Origin"},
		{"Content-Type", "application/json", "application/json"},
		{"Authorization", "", ""},
	} {
		if got := r.Header(c.name, c.in); got != c.want {
			t.Errorf("Header(%q, %q) = %q, want %q", c.name, c.in, got, c.want)
		}
		show := Redactor{Show: true}
		if got := show.Header(c.name, c.in); got != c.in {
			t.Errorf("show: Header(%q, %q) = %q", c.name, c.in, got)
		}
	}
}

func TestText(t *testing.T) {
	var r Redactor
	for _, c := range []struct{ in, want string }{
		{"https://a.test/x?access_token=abc&page=2", "https://a.test/x?access_token=<redacted>&page=2"},
		{"https://a.test/x?page=2&ID_TOKEN=abc", "https://a.test/x?page=2&ID_TOKEN=<redacted>"},
		{"https://a.test/x#access_token=abc&token_type=bearer", "https://a.test/x#access_token=<redacted>&token_type=bearer"},
		{"https://a.test/x;jsessionid=ABC123?y=1", "https://a.test/x;jsessionid=<redacted>?y=1"},
		// Secrets in the path: a Telegram bot token, Slack and Discord
		// webhook secrets, a token after a segment that names it.
		{"https://api.telegram.org/bot123456789:AAHsecretTelegramBotTokenXYZ123456/sendMessage", "https://api.telegram.org/bot<redacted>/sendMessage"},
		{"POST https://hooks.slack.com/services/T0123ABCD/B0456EFGH/S3cr3tSlackHookZZ9x8y7w failed", "POST https://hooks.slack.com/services/T0123ABCD/B0456EFGH/<redacted> failed"},
		{"https://discord.com/api/webhooks/123456789012345678/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH", "https://discord.com/api/webhooks/123456789012345678/<redacted>"},
		{"https://app.test/password-reset/Zq8sK2mP4xR7tV9wY1bN3cF5hJ6?x=1", "https://app.test/password-reset/<redacted>?x=1"},
		{"'https://app.test/Verify_Email/0f9e8d7c6b5a49382716/' blocked", "'https://app.test/Verify_Email/<redacted>/' blocked"},
		// Routes and words after those segments stay.
		{"https://app.test/tokens/list", "https://app.test/tokens/list"},
		{"https://app.test/reset/confirm-your-password-now", "https://app.test/reset/confirm-your-password-now"},
		{"https://app.test/invite/42", "https://app.test/invite/42"},
		{"https://app.test/services/billing/v2/abcdefghij0123456789", "https://app.test/services/billing/v2/abcdefghij0123456789"},
		{"https://app.test/botanical/123456789:short", "https://app.test/botanical/123456789:short"},
		{"https://s3.test/o?X-Amz-Signature=ff&X-Amz-Credential=AK&X-Amz-Date=1", "https://s3.test/o?X-Amz-Signature=<redacted>&X-Amz-Credential=<redacted>&X-Amz-Date=1"},
		{"https://a.test/?key=k&sig=s&signature=s2&apikey=a&api_key=b&auth=c&password=p&session=s&sessionid=i&jwt=j&__clerk_db_jwt=d&refresh_token=r&code=c2",
			"https://a.test/?key=<redacted>&sig=<redacted>&signature=<redacted>&apikey=<redacted>&api_key=<redacted>&auth=<redacted>&password=<redacted>&session=<redacted>&sessionid=<redacted>&jwt=<redacted>&__clerk_db_jwt=<redacted>&refresh_token=<redacted>&code=<redacted>"},
		{"https://a.test/?keyword=cors&monkey=1&page=2&zip_code=12345", "https://a.test/?keyword=cors&monkey=1&page=2&zip_code=12345"},
		{"https://v.test/?esig=1~2d97df&sigh=DE4K_cw&hmac=ab12&AWSAccessKeyId=AKIAX&Expires=1&design=2", "https://v.test/?esig=<redacted>&sigh=<redacted>&hmac=<redacted>&AWSAccessKeyId=<redacted>&Expires=1&design=2"},
		{"https://a.test/?token=", "https://a.test/?token="},
		{"Access to fetch at 'https://a.test/?token=abc' from origin", "Access to fetch at 'https://a.test/?token=<redacted>' from origin"},
		{"ftp://user:secret@host/x and http://host/", "ftp://user:<redacted>@host/x and http://host/"},
		{"the value eyJhbGciOiJub25lIn0.eyJ4IjoxfQ. is unsigned", "the value <redacted> is unsigned"},
		{"Bearer abcdefgh1234 was sent", "Bearer <redacted> was sent"},
		{"a basic preflight; Bearer tokens; Basic realm; token expired", "a basic preflight; Bearer tokens; Basic realm; token expired"},
		{"no secrets here: origin http://localhost:5173", "no secrets here: origin http://localhost:5173"},
		{"https://a.test/p?b=1#frag", "https://a.test/p?b=1#frag"},
		{"mailto-like user@example.com stays", "mailto-like user@example.com stays"},
		{"key sk_live_4eC39HqLyjWDarjtT1zdp7dc, token ghp_16C7e42F292c6912E7710c838347Ae178B4a and AKIAIOSFODNN7EXAMPLE in a traceback",
			"key <redacted>, token <redacted> and <redacted> in a traceback"},
		{"xoxb-123456789012-abcdefABCDEF and AIzaSyA-1234567890abcdefghijklmnopqrstu", "<redacted> and <redacted>"},
		{"words: high through ghost task_test_runner AKIAshort", "words: high through ghost task_test_runner AKIAshort"},
		{"", ""},
	} {
		if got := r.Text(c.in); got != c.want {
			t.Errorf("Text(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// TestLeaks holds one case per leak issue 15 lists: each secret must vanish,
// and what explains the request (host, path, names) must stay.
func TestLeaks(t *testing.T) {
	for _, c := range []struct {
		what, in, secret, keep string
	}{
		{"token as userinfo user name", "https://ghp_16C7e42F292c6912E7710c838347Ae178B4a@api.example/repos", "ghp_16C7e42F292c6912E7710c838347Ae178B4a", "api.example/repos"},
		{"token as user name, empty password", "https://sk_live_4eC39HqLyjWDarjtT1zdp7dc:@api.stripe.test/v1", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "api.stripe.test/v1"},
		{"OAuth state", "https://app.test/cb?state=af0ifjsldkj&x=1", "af0ifjsldkj", "&x=1"},
		{"OIDC session_state", "https://app.test/cb#session_state=9f1c2e.abcd&x=1", "9f1c2e.abcd", "&x=1"},
		{"auth_code", "https://app.test/cb?auth_code=AC123456", "AC123456", "auth_code="},
		{"oauth_verifier", "https://app.test/cb?oauth_token=t0k&oauth_verifier=V3R1F13R", "V3R1F13R", "oauth_verifier="},
		{"SAML artifact", "https://sp.test/acs?SAMLart=AAQAAMFbLinlXaCM", "AAQAAMFbLinlXaCM", "SAMLart="},
		{"bracketed access_token", "https://a.test/api?data[access_token]=BRK_TOKEN_1&page=2", "BRK_TOKEN_1", "page=2"},
		{"bracketed api_key", "https://a.test/api?user[api_key]=BRK_KEY_2", "BRK_KEY_2", "user[api_key]="},
		{"percent-encoded code", "https://a.test/cb?%63ode=PCT_CODE_3", "PCT_CODE_3", "%63ode="},
		{"percent-encoded password", "https://a.test/login?pass%77ord=PCT_PW_4", "PCT_PW_4", "pass%77ord="},
		{"code inside an encoded redirect_uri", "https://idp.test/auth?redirect_uri=https%3A%2F%2Fapp.test%2Fcb%3Fcode%3DNESTED_CODE_5%26x%3D1&client_id=web", "NESTED_CODE_5", "client_id=web"},
		{"code inside a twice-encoded redirect_uri", "https://idp.test/a?next=https%253A%252F%252Fapp.test%252Fcb%253Fcode%253DNESTED_CODE_6", "NESTED_CODE_6", "next="},
		{"part after ';'", "https://a.test/x?access_token=first;SEMI_TAIL_7&page=2", "SEMI_TAIL_7", "page=2"},
		{"Token scheme in text", "sent Token 9944b09199c62bcf9418ad846dd0e4bb", "9944b09199c62bcf9418ad846dd0e4bb", "sent Token"},
		{"SSWS scheme in text", "header SSWS 00QCjAl4MlV-WPXM-ABCDEFGHIJ", "00QCjAl4MlV-WPXM-ABCDEFGHIJ", "SSWS"},
		{"Bot scheme in text", "Bot MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs", "MTk4NjIyNDgzNDcxOTI1MjQ4", "Bot"},
		{"lower-case basic", "x-forwarded: basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA==", "basic"},
	} {
		var r Redactor
		got := r.Text(c.in)
		if strings.Contains(got, c.secret) {
			t.Errorf("%s: Text(%q) = %q keeps the secret", c.what, c.in, got)
		}
		if !strings.Contains(got, c.keep) {
			t.Errorf("%s: Text(%q) = %q lost %q", c.what, c.in, got, c.keep)
		}
	}
}

// TestKnownCookieValues: a cookie value reappearing in a URL under a
// harmless name is hidden once learnt; short values are not learnt.
func TestKnownCookieValues(t *testing.T) {
	var r Redactor
	r.Learn("CK-5f2a9c81d7e4")
	r.Learn("en")
	in := "https://t.test/p?mbox3rdPartyId=CK-5f2a9c81d7e4&lang=en&u=CK-5f2a9c81d7e4%20"
	got := r.Text(in)
	want := "https://t.test/p?mbox3rdPartyId=<redacted>&lang=en&u=<redacted>"
	if got != want {
		t.Errorf("Text(%q)\n got %q\nwant %q", in, got, want)
	}
}

// TestMark: a Mark function sees the secret itself, so that the same secret
// gets the same placeholder.
func TestMark(t *testing.T) {
	seen := map[string]string{}
	r := Redactor{Mark: func(s string) string {
		if p, ok := seen[s]; ok {
			return p
		}
		p := "REDACTED-" + string(rune('A'+len(seen)))
		seen[s] = p
		return p
	}}
	a := r.Header("Cookie", "sid=S1; o=S2")
	b := r.Text("https://x.test/?token=S1&sid=S2")
	c := r.Header("Authorization", "Bearer S1")
	if a != "sid=REDACTED-A; o=REDACTED-B" || b != "https://x.test/?token=REDACTED-A&sid=REDACTED-B" || c != "Bearer REDACTED-A" {
		t.Errorf("placeholders not consistent: %q, %q, %q", a, b, c)
	}
	if again := r.Text(b); again != b {
		t.Errorf("a placeholder was redacted again: %q", again)
	}
}

// FuzzRedact checks that redaction never lets a planted token through.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{"https://a.test/?access_token=", "Bearer ", "eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.", "x=1;sid=", "a[", "%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, prefix string) {
		const tok = "PLANTEDTOKEN42"
		var r Redactor
		for _, s := range []string{
			"https://a.test/p?" + prefix + "&access_token=" + tok,
			prefix + " Authorization value",
		} {
			got := r.Text(s)
			if strings.Contains(s, "&access_token="+tok) && strings.Contains(got, tok) {
				t.Errorf("Text(%q) = %q keeps the token", s, got)
			}
		}
		if got := r.Header("Authorization", prefix+" "+tok); strings.Contains(got, tok) {
			t.Errorf("Authorization %q kept the token: %q", prefix+" "+tok, got)
		}
		if got := r.Header("Cookie", prefix+"; a="+tok); strings.Contains(got, tok) {
			t.Errorf("Cookie kept the token: %q", got)
		}
	})
}

// TestParamStarts checks the hand-written scanner against the regexp it
// replaced, on random text over separators, name bytes, '=' and others,
// and on a long value.
func TestParamStarts(t *testing.T) {
	re := regexp.MustCompile(`([?&#;])([A-Za-z0-9_.\-\[\]%$]+)=`)
	rng := rand.New(rand.NewPCG(7, 8))
	alphabet := "?&#;=aZ09_.-[]%$/:@ é\x00"
	for trial := range 20000 {
		n := rng.IntN(40)
		if trial%100 == 0 {
			n = 3000
		}
		var b strings.Builder
		for range n {
			b.WriteByte(alphabet[rng.IntN(len(alphabet))])
		}
		s := b.String()
		if got, want := paramStarts(s), re.FindAllStringSubmatchIndex(s, -1); !reflect.DeepEqual(got, want) {
			t.Fatalf("paramStarts(%q) = %v, want %v", s, got, want)
		}
	}
	long := "https://api.example.com/x?q=" + strings.Repeat("a", 100000) + "&token=abc&;x="
	if got, want := paramStarts(long), re.FindAllStringSubmatchIndex(long, -1); !reflect.DeepEqual(got, want) {
		t.Fatalf("a long value: %v, want %v", got, want)
	}
}

// TestAssignments: values assigned to credential names in a server's text
// are hidden; a colon before a word is prose.
func TestAssignments(t *testing.T) {
	var r Redactor
	for _, c := range []struct{ in, want string }{
		{"Unauthorized: token=abc123 expired", "Unauthorized: token=<redacted> expired"},
		{"<pre>password='hunter2'</pre>", "<pre>password='<redacted>'</pre>"},
		{"SECRET_KEY = \"k9\"", "SECRET_KEY = \"<redacted>\""},
		{"CSRF token: missing", "CSRF token: missing"},
		{"token: Zq8sK2mP4x", "token: <redacted>"},
		{"error: password=hunter2x", "error: password=<redacted>"},
		{"Exception: SECRET_KEY = 'k9'", "Exception: SECRET_KEY = '<redacted>'"},
		{"Forbidden", "Forbidden"},
		{"page=2 size: 10", "page=2 size: 10"},
	} {
		if got := r.Assignments(c.in); got != c.want {
			t.Errorf("Assignments(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if show := (Redactor{Show: true}); show.Assignments("token=abc123") != "token=abc123" {
		t.Error("Show: the value was hidden")
	}
}

// FuzzText: redaction never panics, and text redacted once is not changed
// by a second pass (a placeholder is not redacted again).
func FuzzText(f *testing.F) {
	for _, s := range []string{"https://api.telegram.org/bot123456789:AAHsecretTelegramBotTokenXYZ123456/x", "/services/T0123ABCD/B0456EFGH/S3cr3tSlackHookZZ9x8y7w",
		"/api/webhooks/123456789/abcdefghijklmnopqrstuvwxyz0123456789", "x/reset/abcdef0123456789abcdef?x", "error: password=x", "/", "/bot"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var r Redactor
		once := r.Text(s)
		if twice := r.Text(once); twice != once {
			t.Errorf("Text(%q) = %q, then %q", s, once, twice)
		}
		r.Assignments(s)
	})
}

// containsAny is what hints replaced: a search for each hint in turn.
func containsAny(s string, hs []string) bool {
	for _, h := range hs {
		if strings.Contains(s, h) {
			return true
		}
	}
	return false
}

// TestHints: the one-pass search for the hints says what a search for
// each in turn says, on random texts with hints planted at random places,
// cut short, and overlapping, so that no text the regular expressions
// would match is let through unsearched.
func TestHints(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	all := append(vendorHints[:], schemeHints[:]...)
	alphabet := "abeEoOgx_ASBDNKIiztlrkpuTLMW-: /="
	for i := 0; i < 200000; i++ {
		var b strings.Builder
		for n := rng.IntN(40); n > 0; n-- {
			if rng.IntN(6) == 0 {
				h := all[rng.IntN(len(all))]
				b.WriteString(h[:1+rng.IntN(len(h))]) // whole or cut short
			} else {
				b.WriteByte(alphabet[rng.IntN(len(alphabet))])
			}
		}
		s := b.String()
		v, sc := hints(s)
		if wv, ws := containsAny(s, vendorHints[:]), containsAny(s, schemeHints[:]); v != wv || sc != ws {
			t.Fatalf("hints(%q) = %v, %v; each in turn: %v, %v", s, v, sc, wv, ws)
		}
	}
}

func FuzzHints(f *testing.F) {
	f.Add("Authorization: Bearer ghp_abc")
	f.Add("ASIASIA_live_xoxNTLM")
	f.Fuzz(func(t *testing.T, s string) {
		v, sc := hints(s)
		if wv, ws := containsAny(s, vendorHints[:]), containsAny(s, schemeHints[:]); v != wv || sc != ws {
			t.Fatalf("hints(%q) = %v, %v; each in turn: %v, %v", s, v, sc, wv, ws)
		}
	})
}
