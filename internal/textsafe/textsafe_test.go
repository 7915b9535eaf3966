package textsafe

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain ascii | ` < >", "plain ascii | ` < >"},
		{"é ü 日本 ✓", "é ü 日本 ✓"},
		{"\x1b[2J\x1b]8;;http://x\x07", `\x1b[2J\x1b]8;;http://x\x07`},
		{"a\nb\rc\td", `a\nb\rc\td`},
		{"\x00\x7f", `\x00\x7f`},
		{"\u009b31m", `\u009b31m`},
		{"\u202egnp.exe", `\u202egnp.exe`},
		{"\u2066x\u2069\u200e\u200f\u061c", `\u2066x\u2069\u200e\u200f\u061c`},
		{"\u2028\u2029\ufeff\u200b", `\u2028\u2029\ufeff\u200b`},
		{"\U000e0001tag", `\U000e0001tag`},
		{"bad\xffutf8", `bad\xffutf8`},
	} {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestJSON(t *testing.T) {
	v := map[string]string{"v": "a\u202eb\u0085c\x1bd\U000e0001e\u2028f"}
	var raw bytes.Buffer
	if err := WriteJSON(&raw, v); err != nil {
		t.Fatal(err)
	}
	out := raw.String()
	for _, r := range out {
		if r >= 0x80 && Dangerous(r) || r == 0x1b {
			t.Errorf("raw %U in %q", r, out)
		}
	}
	var back map[string]string
	if err := json.Unmarshal(raw.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back["v"] != v["v"] {
		t.Errorf("round trip: %q, want %q", back["v"], v["v"])
	}
}

// FuzzEscape: Escape's output is valid UTF-8 with nothing Dangerous in
// it, and a string that needs no escape comes back unchanged.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"\x1b[31m", "\u202e", "\xff\xfe", "a\u0085b", "ok"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Escape(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Escape(%q) = %q: invalid UTF-8", s, got)
		}
		for _, r := range got {
			if Dangerous(r) {
				t.Fatalf("Escape(%q) = %q keeps %U", s, got, r)
			}
		}
		if !needsEscape(s) && got != s {
			t.Fatalf("Escape changed a clean string %q to %q", s, got)
		}
	})
}
