package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestEachLine: lines come without their endings, the last one without a
// newline too; a line over maxConsoleLine is skipped and named, and the
// lines after it are read (a 17 MiB logged object ended the whole log
// with "bufio.Scanner: token too long").
func TestEachLine(t *testing.T) {
	long := strings.Repeat("x", maxConsoleLine+1)
	for _, c := range []struct {
		in   string
		want string
		long []int
	}{
		{"a\nb\r\nc", "[a b c]", nil},
		{"a\n\nb\n", "[a  b]", nil},
		{"", "[]", nil},
		{long + "\nafter\n" + long, "[after]", []int{1, 3}},
		{strings.Repeat("y", maxConsoleLine) + "\nz", "[" + strings.Repeat("y", maxConsoleLine) + " z]", nil},
	} {
		var got []string
		var longs []int
		if err := eachLine(strings.NewReader(c.in), func(l string) { got = append(got, l) }, func(n int) { longs = append(longs, n) }); err != nil {
			t.Fatal(err)
		}
		if g := fmt.Sprint(got); g != c.want || fmt.Sprint(longs) != fmt.Sprint(c.long) {
			t.Errorf("%.20q: lines %.40q, long %v; want %.40q, %v", c.in, g, longs, c.want, c.long)
		}
	}
	code, out, stderr := runCLI(t, long+"\n"+chromiumLine+"\n", "explain")
	if code != exitOK || !strings.Contains(out, "HeaderDisallowedByPreflightResponse") || !strings.Contains(stderr, "standard input:1:") {
		t.Errorf("explain after a long line: exit %d\n%s\n%s", code, out, stderr)
	}
}
