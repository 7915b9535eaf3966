package jsonscan

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// FuzzSkipString checks SkipString against ReadString, which decodes
// every escape one at a time: both must stop at the same byte with the
// same error, whether the text is in the buffer whole or comes a byte at a
// time.
func FuzzSkipString(f *testing.F) {
	for _, s := range []string{
		`abc"`, `a\"b"`, `\\"`, `\\\"x"`, `{\"op\":\"replace\",\"path\":\"/a/1\"}"`,
		`1234567\"9"`, `1234567\\"`, `123456\\\"x"`, `\u00e9\n\/"`, `\x"`, `\u12"`, `\u12G4"`,
		`abcdefgh\`, `abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH\"end\\"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		run := func(skip, slow bool) string {
			var s Scanner
			var rd io.Reader = bytes.NewReader(data)
			if slow {
				rd = iotest.OneByteReader(rd)
			}
			s.Init(rd, false)
			var err error
			if skip {
				err = s.SkipString()
			} else {
				_, _, err = s.ReadString(1 << 30)
			}
			return fmt.Sprintf("%d %v", s.Offset(), err)
		}
		want := run(false, false)
		for _, slow := range []bool{false, true} {
			if got := run(true, slow); got != want {
				t.Fatalf("%q: skipString (one byte a read: %v) gives %s, readString %s", data, slow, got, want)
			}
		}
	})
}

// BenchmarkSkipString skips a JSON request body as DevTools writes it in
// postData.text: JSON inside a JSON string, an escaped quote every dozen
// bytes, 10 KiB (the median in a Chrome capture of a JSON API).
func BenchmarkSkipString(b *testing.B) {
	var body strings.Builder
	body.WriteString(`{\"clientMutationId\":\"be38cd3b-3dd9-4ff0-a8d5-f4e93e69e8a8\",\"ops\":[`)
	for i := 0; body.Len() < 10<<10; i++ {
		fmt.Fprintf(&body, `{\"op\":\"replace\",\"path\":\"/fields/%d\",\"value\":\"%x\"},`, i%64, uint64(i)*0x9e3779b97f4a7c15)
	}
	data := []byte(body.String() + `{}]}"`)
	b.SetBytes(int64(len(data)))
	var s Scanner
	for b.Loop() {
		s.Buf, s.Pos, s.End = data, 0, len(data)
		if err := s.SkipString(); err != nil || s.Pos != len(data) {
			b.Fatal(err, s.Pos)
		}
	}
}
