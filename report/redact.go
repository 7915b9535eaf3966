package report

import "github.com/harcors/harcors/internal/redact"

// People paste harcors' output into bug trackers and CI logs, and a HAR holds
// the session of whoever recorded it. So every string that came from the HAR
// goes through the redactor of internal/redact (shared with `harcors
// sanitize`) before any format writes it, unless the user asked for secrets
// with Options.ShowSecrets.

// redacted is the marker that stands for a hidden value.
const redacted = redact.Marker

// redactor hides secrets in strings from the HAR. The zero value redacts;
// show turns it into the identity. known holds the cookie values of the
// files reported, hidden wherever they reappear.
type redactor struct {
	show  bool
	known map[string]bool
}

func (r redactor) core() redact.Redactor { return redact.Redactor{Show: r.show, Known: r.known} }

// header returns the value of header name, redacted.
func (r redactor) header(name, value string) string {
	c := r.core()
	return c.Header(name, value)
}

// text redacts a free-text string from the HAR or built from it.
func (r redactor) text(s string) string {
	c := r.core()
	return c.Text(s)
}

// url redacts a URL.
func (r redactor) url(s string) string { return r.text(s) }

// learn adds the cookie values of a result to known.
func (r redactor) learn(values []string) {
	if r.known == nil {
		return
	}
	for _, v := range values {
		if len(v) >= redact.MinKnown {
			r.known[v] = true
		}
	}
}
