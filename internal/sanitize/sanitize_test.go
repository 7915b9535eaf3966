package sanitize

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/redact"
	"github.com/harcors/harcors/internal/testcorpus"
)

// sanitizeFile runs both passes on the HAR at path.
func sanitizeFile(t *testing.T, path string, opt Options) ([]byte, error) {
	t.Helper()
	known, err := Learn(path, har.Options{})
	if err != nil {
		return nil, err
	}
	opt.Known = known
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in, _, err := Input(f, har.Options{MaxDecompressed: 1 << 30})
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	err = New(opt).Rewrite(&out, in)
	return out.Bytes(), err
}

// verdict is what must survive sanitizing: each finding's rule, entry and
// the browsers' errors.
func verdict(r *analyze.Result) []string {
	var v []string
	for _, f := range r.Findings {
		v = append(v, fmt.Sprintf("#%d %s %s %s", f.Entry, f.Rule.ID, f.Chromium, f.Firefox))
	}
	sort.Strings(v)
	return v
}

var jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`)

// secretsOf lists the secrets of the HAR at path, found independently of
// the sanitizer's own rules where possible: cookie values, the credentials
// of Authorization, values of API-key and token headers, sensitive query
// parameters, and every JWT in the raw file.
func secretsOf(t *testing.T, path string, raw []byte) map[string]string {
	t.Helper()
	s := map[string]string{}
	add := func(v, where string) {
		v = strings.TrimSpace(v)
		if len(v) >= 8 && !redact.Placeholder(v) {
			s[v] = where
		}
	}
	for _, m := range jwtRE.FindAll(raw, -1) {
		add(string(m), "a JWT")
	}
	r, err := har.Open(path, har.Options{})
	if err != nil {
		return s
	}
	defer r.Close()
	for {
		e, err := r.Next()
		if err != nil {
			break
		}
		for _, c := range append(append([]har.Cookie{}, e.Request.Cookies...), e.Response.Cookies...) {
			add(c.Value, "cookie "+c.Name)
		}
		for _, h := range append(append(har.Headers{}, e.Request.Headers...), e.Response.Headers...) {
			n := strings.ToLower(h.Name)
			switch {
			case n == "authorization" || n == "proxy-authorization":
				if _, cred, ok := strings.Cut(h.Value, " "); ok {
					add(cred, h.Name)
				} else {
					add(h.Value, h.Name)
				}
			case n == "cookie":
				for _, p := range strings.Split(h.Value, ";") {
					if _, v, ok := strings.Cut(p, "="); ok {
						add(v, "Cookie header")
					}
				}
			case n == "set-cookie":
				first, _, _ := strings.Cut(h.Value, ";")
				if _, v, ok := strings.Cut(first, "="); ok {
					add(v, "Set-Cookie header")
				}
			case n == "apikey" || n == "x-api-key" || strings.HasSuffix(n, "-token"):
				add(h.Value, h.Name)
			}
		}
		if i := strings.IndexByte(e.Request.URL, '?'); i >= 0 {
			for _, p := range strings.FieldsFunc(e.Request.URL[i+1:], func(r rune) bool { return r == '&' || r == '#' }) {
				if name, v, ok := strings.Cut(p, "="); ok && (strings.Contains(strings.ToLower(name), "token") ||
					strings.EqualFold(name, "code") || strings.Contains(strings.ToLower(name), "jwt")) {
					add(v, "?"+name)
				}
			}
		}
	}
	return s
}

// checkFile sanitizes one HAR and checks that the verdict is the same, that
// no secret survives and, with validate, that the output is a HAR.
func checkFile(t *testing.T, path string, st *stats) (ok bool, secrets int) {
	t.Helper()
	orig := analyze.File(path, analyze.Options{}, har.Options{})
	out, err := sanitizeFile(t, path, Options{})
	if orig.Err != nil {
		// Unreadable inputs: sanitize must refuse them too, or give a
		// HAR with the same findings as what was read.
		if err != nil {
			st.refused++
			return true, 0
		}
	}
	if err != nil {
		t.Errorf("%s: sanitize failed on a file harcors reads: %v", path, err)
		return false, 0
	}
	got := analyze.Reader("sanitized.har", bytes.NewReader(out), analyze.Options{}, har.Options{})
	if got.Err != nil && orig.Err == nil {
		t.Errorf("%s: the sanitized HAR does not read: %v", path, got.Err)
		return false, 0
	}
	if a, b := verdict(orig), verdict(got); strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("%s: findings differ after sanitizing\n before: %q\n after:  %q", path, a, b)
		return false, 0
	}
	st.findings += len(orig.Findings)
	if len(orig.Findings) > 0 {
		st.withFindings++
	}
	raw, _ := os.ReadFile(path)
	sec := secretsOf(t, path, raw)
	for v, where := range sec {
		if bytes.Contains(out, []byte(v)) {
			t.Errorf("%s: a secret (%s, %d bytes) survives sanitizing", path, where, len(v))
			return false, len(sec)
		}
	}
	return true, len(sec)
}

// stats sum up a run, for the log: how much the check covered.
type stats struct {
	passed, secrets, findings, withFindings, refused int
}

func (st *stats) check(t *testing.T, files []string) {
	for _, f := range files {
		ok, n := checkFile(t, f, st)
		if ok {
			st.passed++
		}
		st.secrets += n
	}
}

func (st *stats) String() string {
	return fmt.Sprintf("same findings on %d (%d findings in %d files; %d unreadable inputs refused by both), none of %d secrets left",
		st.passed, st.findings, st.withFindings, st.refused, st.secrets)
}

func fixtures(t *testing.T) []string {
	var files []string
	for _, dir := range []string{"chromium", "firefox", "hostile", "broken"} {
		for _, pat := range []string{"*.har", "*.har.gz", "*.harp"} {
			fs, _ := filepath.Glob(filepath.Join("../../testdata/hars", dir, pat))
			files = append(files, fs...)
		}
	}
	if len(files) == 0 {
		t.Fatal("no fixtures under testdata/hars")
	}
	return files
}

// TestSameVerdict is the point of sanitize: for every fixture the findings
// (rule, entry, Chromium and Firefox errors) are the same on the sanitized
// HAR, and no secret of the original survives.
func TestSameVerdict(t *testing.T) {
	files := fixtures(t)
	var st stats
	st.check(t, files)
	t.Logf("%d fixtures: %s", len(files), &st)
}

// TestCorpus does the same over the public corpus of real captures, which
// hold real session cookies and tokens: the copies in testdata/corpus, and
// the wider shared corpus when it sits beside the repository.
func TestCorpus(t *testing.T) {
	files := testcorpus.Files(t, "../..")
	var st stats
	st.check(t, files)
	t.Logf("%d corpus files: %s", len(files), &st)
}

// TestPlantedSecrets: every secret planted in hostile/secrets.har (each
// named SECRET_...) is gone, and the shapes stay.
func TestPlantedSecrets(t *testing.T) {
	out, err := sanitizeFile(t, "../../testdata/hars/hostile/secrets.har", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("SECRET_")) || bytes.Contains(out, []byte("U0VDUkVUX1BST1hZXzEz")) {
		t.Errorf("a planted secret survives:\n%s", out)
	}
	for _, want := range []string{`"value": "Bearer REDACTED-`, `"value": "sid=REDACTED-`, `access_token=REDACTED-`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// TestRewrite checks the rules on a small capture: the same secret gets the
// same placeholder in a header, a URL, a cookie list and a body; what the
// verdict rests on stays byte for byte; bodies go except short error ones.
func TestRewrite(t *testing.T) {
	const in = `{"log":{"version":"1.2","creator":{"name":"t","version":"1"},"entries":[
{"startedDateTime":"2026-01-01T00:00:00Z","time":1,"_initiator":{"type":"script","url":"http://localhost:8800/app.js"},"_resourceType":"fetch",
 "request":{"method":"POST","url":"https://api.test/login?next=%2Fhome&tok=SAMECOOKIEVALUE1","httpVersion":"h2",
  "headers":[{"name":"Origin","value":"http://localhost:8800"},{"name":"Cookie","value":"sid=SAMECOOKIEVALUE1; n=1"},
   {"name":"Sec-Fetch-Mode","value":"cors"},{"name":"Access-Control-Request-Headers","value":"x-csrf-token"},{"name":"X-CSRF-Token","value":"CSRFVALUE99"}],
  "cookies":[{"name":"sid","value":"SAMECOOKIEVALUE1"}],"queryString":[{"name":"tok","value":"SAMECOOKIEVALUE1"}],
  "postData":{"mimeType":"application/json","text":"{\"user\":\"ann\",\"password\":\"hunter2hunter2\",\"otp\":123456}"},"headersSize":-1,"bodySize":10},
 "response":{"status":200,"statusText":"OK","httpVersion":"h2","headers":[{"name":"Access-Control-Allow-Origin","value":"http://localhost:8800"},
   {"name":"Set-Cookie","value":"sid=SAMECOOKIEVALUE1; Path=/; SameSite=None; Secure"}],"cookies":[],
  "content":{"size":20,"mimeType":"application/json","text":"{\"token\":\"BODYTOKEN42\"}"},"redirectURL":"","headersSize":-1,"bodySize":20},
 "cache":{},"timings":{"send":0,"wait":1,"receive":0},"_error":"net::ERR_FAILED"},
{"startedDateTime":"2026-01-01T00:00:01Z","time":1,"request":{"method":"GET","url":"https://api.test/x","httpVersion":"h2","headers":[],"cookies":[],"queryString":[],"headersSize":-1,"bodySize":0},
 "response":{"status":403,"statusText":"Forbidden: token=STATUSTOKEN55","httpVersion":"h2","headers":[{"name":"Access-Control-Allow-Origin","value":"https://admin:ACAOPASS66@app.test"}],"cookies":[],"content":{"size":30,"mimeType":"text/plain","text":"origin not allowed; token=ERRTOKEN77"},"redirectURL":"","headersSize":-1,"bodySize":30},
 "cache":{},"timings":{"send":0,"wait":1,"receive":0}}]}}`
	var red redact.Redactor
	red.Learn("SAMECOOKIEVALUE1")
	s := New(Options{Known: red.Known})
	var out bytes.Buffer
	if err := s.Rewrite(&out, strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, secret := range []string{"SAMECOOKIEVALUE1", "CSRFVALUE99", "hunter2hunter2", "123456", "BODYTOKEN42", "ERRTOKEN77", "STATUSTOKEN55", "ACAOPASS66"} {
		if strings.Contains(got, secret) {
			t.Errorf("%s survives:\n%s", secret, got)
		}
	}
	// The cookie value has one placeholder wherever it was: Cookie
	// header, cookies list, queryString, URL, Set-Cookie.
	if strings.Count(got, "REDACTED-1") != 5 {
		t.Errorf("the cookie value should be REDACTED-1 in 5 places:\n%s", got)
	}
	for _, keep := range []string{`"value": "http://localhost:8800"`, `"value": "cors"`, `"value": "x-csrf-token"`,
		`"_error": "net::ERR_FAILED"`, `"url": "http://localhost:8800/app.js"`, `Path=/; SameSite=None; Secure`,
		`"user\":\"ann\"`, `origin not allowed; token=REDACTED-`, `"statusText": "Forbidden: token=REDACTED-`, `"value": "https://admin:REDACTED-`, bodyComment} {
		if !strings.Contains(got, keep) {
			t.Errorf("output lacks %q:\n%s", keep, got)
		}
	}
	if s.Bodies != 1 {
		t.Errorf("%d bodies removed, want 1 (the 200's; the short 403 body stays)", s.Bodies)
	}
	keep := New(Options{KeepBodies: true, Known: red.Known})
	out.Reset()
	if err := keep.Rewrite(&out, strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	if keep.Bodies != 0 || !strings.Contains(out.String(), `{\"token\":\"REDACTED-`) {
		t.Errorf("--keep-bodies: %d removed, output:\n%s", keep.Bodies, out.String())
	}
}

// TestBadInput: errors name the byte offset, never panic.
func TestBadInput(t *testing.T) {
	for _, in := range []string{"", "[]", `{"log":{"entries":[{"request":}]}}`, `{"log":{"entries":[` + strings.Repeat("[", 500)} {
		f, _, err := Input(strings.NewReader(in), har.Options{MaxDecompressed: 1 << 20})
		if err == nil {
			err = New(Options{}).Rewrite(&bytes.Buffer{}, f)
		}
		if err == nil && in != "[]" {
			t.Errorf("%q: no error", in)
		}
	}
}

// harcheck is the npm tool that validates HARs against the HAR 1.2 schema
// (har-validator), installed by .ci/install-stacks.sh from its lock file.
const harcheck = "../record/harcheck"

// TestSchema: the sanitized HAR is valid HAR 1.2 for har-validator, the
// validator other HAR tools use. Every browser-recorded fixture must come
// out valid; for the other inputs (hand-made hostile files, exporters that
// bend the format) sanitizing must not make a valid file invalid.
func TestSchema(t *testing.T) {
	if _, err := os.Stat(filepath.Join(harcheck, "node_modules", "har-validator")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("har-validator missing in %s (bash .ci/install-stacks.sh installs it)", harcheck)
		}
		t.Skipf("har-validator missing in %s: run npm ci there, or bash .ci/install-stacks.sh", harcheck)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node not on PATH")
	}
	files := fixtures(t)
	files = append(files, testcorpus.Files(t, "../..")...)
	dir := t.TempDir()
	var args []string
	sanitized := map[string]string{} // sanitized file -> original
	for i, f := range files {
		out, err := sanitizeFile(t, f, Options{})
		if err != nil {
			continue // refused unreadable input: TestSameVerdict covers it
		}
		p := filepath.Join(dir, fmt.Sprintf("%03d.har", i))
		if err := os.WriteFile(p, out, 0o644); err != nil {
			t.Fatal(err)
		}
		sanitized[p] = f
		args = append(args, p)
		if !strings.HasSuffix(f, ".gz") && !strings.HasSuffix(f, ".harp") {
			args = append(args, f)
		}
	}
	cmd := exec.Command("node", append([]string{filepath.Join(harcheck, "validate.js")}, args...)...)
	res, err := cmd.Output()
	if len(res) == 0 {
		t.Fatalf("validate.js: %v", err)
	}
	valid := map[string]bool{}
	for _, line := range strings.Split(string(res), "\n") {
		if p, ok := strings.CutPrefix(line, "ok "); ok {
			valid[p] = true
		}
	}
	nValid, recorded := 0, 0
	for p, orig := range sanitized {
		browser := strings.Contains(orig, "/chromium/") || strings.Contains(orig, "/firefox/")
		if browser {
			recorded++
		}
		switch {
		case valid[p]:
			nValid++
		case browser:
			t.Errorf("%s: the sanitized HAR is not valid HAR 1.2: %s", orig, problem(res, p))
		case valid[orig]:
			t.Errorf("%s: valid before sanitizing, not after: %s", orig, problem(res, p))
		}
	}
	t.Logf("%d of %d sanitized HARs valid for har-validator (all %d browser-recorded fixtures must be)", nValid, len(sanitized), recorded)
}

// problem is validate.js's line about file p.
func problem(out []byte, p string) string {
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, p+":") {
			return line
		}
	}
	return "no verdict"
}

// TestErrorPageSecrets: the short error bodies kept by default are often a
// framework's debug page or a traceback, which print secrets as
// assignments, HTML inputs and vendors' tokens; each goes, and the words
// that say why the server refused stay.
func TestErrorPageSecrets(t *testing.T) {
	bodies := []string{
		`<pre>password=hunter2secretA</pre>`,
		`<pre>password='hunter2secretB'</pre>`,
		`<pre>api_key=AKfakeKey1234567890C</pre>`,
		`<pre>AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYD</pre>`,
		`<pre>SECRET_KEY = 'django-insecure-xyz123abcE'</pre>`,
		`<pre>token: tokvalueF1234567890</pre>`,
		`<pre><input type="hidden" name="csrfmiddlewaretoken" value="csrfVALUEg1234567890"></pre>`,
		`<pre><input value='csrfVALUEh1234567890' name='csrf_token'></pre>`,
		`<pre>sk_live_51HfakeStripeKey000000H</pre>`,
		`<pre>ghp_abcdefghijklmnopqrstuvwxyz0123456789I</pre>`,
		`CSRF token: missing or incorrect; session: expired; origin: http://localhost:8800`,
	}
	secrets := []string{"hunter2secretA", "hunter2secretB", "AKfakeKey1234567890C", "wJalrXUtnFEMI", "django-insecure-xyz123abcE",
		"tokvalueF1234567890", "csrfVALUEg1234567890", "csrfVALUEh1234567890", "sk_live_51HfakeStripeKey000000H", "ghp_abcdefghijklmnopqrstuvwxyz0123456789I"}
	var entries []string
	for _, b := range bodies {
		text, _ := json.Marshal(b)
		entries = append(entries, `{"startedDateTime":"2026-01-01T00:00:00Z","time":1,"request":{"method":"GET","url":"https://api.test/x","httpVersion":"h2","headers":[],"cookies":[],"queryString":[],"headersSize":-1,"bodySize":0},`+
			`"response":{"status":500,"statusText":"","httpVersion":"h2","headers":[],"cookies":[],"content":{"size":1,"mimeType":"text/html","text":`+string(text)+`},"redirectURL":"","headersSize":-1,"bodySize":1},"cache":{},"timings":{"send":0,"wait":1,"receive":0}}`)
	}
	in := `{"log":{"version":"1.2","creator":{"name":"t","version":"1"},"entries":[` + strings.Join(entries, ",") + `]}}`
	var out bytes.Buffer
	if err := New(Options{}).Rewrite(&out, strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, secret := range secrets {
		if strings.Contains(got, secret) {
			t.Errorf("%s survives", secret)
		}
	}
	if !strings.Contains(got, "CSRF token: missing or incorrect; session: expired; origin: http://localhost:8800") {
		t.Errorf("the reason was redacted too:\n%s", got)
	}
}

// TestKeepBodiesBase64: with --keep-bodies, a base64 body that encodes text
// is kept, redacted and encoded again; a binary one is removed with a
// comment that says why, not one that points to --keep-bodies.
func TestKeepBodiesBase64(t *testing.T) {
	entry := func(text string) string {
		return `{"startedDateTime":"2026-01-01T00:00:00Z","time":1,"request":{"method":"GET","url":"https://api.test/x","httpVersion":"h2","headers":[],"cookies":[],"queryString":[],"headersSize":-1,"bodySize":0},` +
			`"response":{"status":200,"statusText":"","httpVersion":"h2","headers":[],"cookies":[],"content":{"size":1,"mimeType":"application/json","encoding":"base64","text":"` + text + `"},"redirectURL":"","headersSize":-1,"bodySize":1},"cache":{},"timings":{"send":0,"wait":1,"receive":0}}`
	}
	in := `{"log":{"version":"1.2","creator":{"name":"t","version":"1"},"entries":[` +
		entry(base64.StdEncoding.EncodeToString([]byte(`{"token": "B64SECRET1616", "user": "ann"}`))) + `,` +
		entry(base64.StdEncoding.EncodeToString([]byte{0xff, 0xd8, 0xff, 0xe0, 0, 1})) + `]}}`
	s := New(Options{KeepBodies: true})
	var out bytes.Buffer
	if err := s.Rewrite(&out, strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Log struct {
			Entries []struct {
				Response struct {
					Content struct{ Text, Encoding, Comment string }
				}
			}
		}
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || len(doc.Log.Entries) != 2 {
		t.Fatalf("%v\n%s", err, out.String())
	}
	c := doc.Log.Entries[0].Response.Content
	text, err := base64.StdEncoding.DecodeString(c.Text)
	if err != nil || c.Encoding != "base64" || strings.Contains(string(text), "B64SECRET1616") || !strings.Contains(string(text), `"user": "ann"`) {
		t.Errorf("text body: %v %q %q", err, c.Encoding, text)
	}
	if c := doc.Log.Entries[1].Response.Content; c.Text != "" || c.Comment != binaryBodyComment || s.Bodies != 1 {
		t.Errorf("binary body: %+v, %d removed", c, s.Bodies)
	}
}

// TestNaN: NaN and Infinity, which harcors' reader takes for a number,
// become null, so that the output is JSON; inside strings they stay.
func TestNaN(t *testing.T) {
	const in = `{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[{"startedDateTime":"2026-01-01T00:00:00Z","time":NaN,"_x":[Infinity,-Infinity,-1],` +
		`"request":{"method":"GET","url":"http://a/NaN-Infinity","headers":[]},"response":{"status":200,"headers":[]}}]}}`
	f, _, err := Input(strings.NewReader(in), har.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := New(Options{}).Rewrite(&out, f); err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || !strings.Contains(out.String(), "http://a/NaN-Infinity") || strings.Count(out.String(), "null") != 3 {
		t.Errorf("%v\n%s", err, out.String())
	}
}

// TestHeaderShapes: a header written as a [name, value] pair (Slack's
// exporter; the reader takes it) and a header object with its "name" given
// twice (readers take the last) are redacted by their name, as headers of
// the usual shape are. Both passed through in clear.
func TestHeaderShapes(t *testing.T) {
	in := `{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[
{"startedDateTime":"2026-01-01T00:00:00Z","time":1,"request":{"method":"GET","url":"https://api.test/","httpVersion":"h2",
 "headers":[["Cookie","sessionid=PAIRCOOKIE1; csrftoken=PAIRCSRF2"],["X-API-Key","PAIRKEY3"],
  {"name":"X-Plain","value":"hello","name":"Cookie","value":"sid=DUPCOOKIE4"},{"name":"X-Plain","name":"X-API-Key","value":"DUPKEY5"}],
 "cookies":[],"queryString":[],"headersSize":-1,"bodySize":0},
 "response":{"status":200,"statusText":"","httpVersion":"h2","headers":[],"cookies":[],"content":{"size":0,"mimeType":""},"redirectURL":"","headersSize":-1,"bodySize":0},
 "cache":{},"timings":{"send":0,"wait":1,"receive":0}}]}}`
	var out bytes.Buffer
	if err := New(Options{}).Rewrite(&out, strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"PAIRCOOKIE1", "PAIRCSRF2", "PAIRKEY3", "DUPCOOKIE4", "DUPKEY5"} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("%s survives:\n%s", secret, out.String())
		}
	}
	if !strings.Contains(out.String(), `"Cookie"`) || !strings.Contains(out.String(), `"X-API-Key"`) {
		t.Errorf("the header names were lost:\n%s", out.String())
	}
}

// TestLongBody: a body of 9 MiB (past maxString) is left out as it is
// read, with a comment that says why, with or without KeepBodies, and the
// output is a HAR. A body of 64 MiB took 16 s and 1.8 GB, one of 1 GiB
// (2.6 MB of gzip) over 10 GB.
func TestLongBody(t *testing.T) {
	body := strings.Repeat("hello token=abc ", (9<<20)/16)
	in := `{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[
{"startedDateTime":"2026-01-01T00:00:00Z","time":1,"request":{"method":"GET","url":"https://api.test/","httpVersion":"h2","headers":[],"cookies":[],"queryString":[],"headersSize":-1,"bodySize":0},
 "response":{"status":401,"statusText":"","httpVersion":"h2","headers":[],"cookies":[],"content":{"size":1,"mimeType":"text/plain","text":"` + body + `"},"redirectURL":"","headersSize":-1,"bodySize":1},
 "cache":{},"timings":{"send":0,"wait":1,"receive":0},"comment":"short \u0001 one"}]}}`
	for _, keep := range []bool{false, true} {
		r, c, err := Input(strings.NewReader(in), har.Options{MaxDecompressed: 1 << 30})
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		s := New(Options{KeepBodies: keep})
		if err := s.Rewrite(&out, r); err != nil {
			t.Fatal(err)
		}
		c.Close()
		got := out.String()
		if strings.Contains(got, "hello token") || !strings.Contains(got, "body of 9437184 bytes removed by harcors sanitize: too long to keep") || s.Bodies != 1 {
			t.Errorf("keep %v: %d bytes, %d bodies removed:\n%.600s", keep, len(got), s.Bodies, got)
		}
		if !strings.Contains(got, `"short \u0001 one"`) {
			t.Errorf("keep %v: a short string with a control character was not passed on", keep)
		}
		var v any
		if err := json.Unmarshal(out.Bytes(), &v); err != nil {
			t.Errorf("keep %v: not JSON: %v", keep, err)
		}
	}
}
