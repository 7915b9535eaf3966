package har

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/harcors/harcors/internal/hargen"
)

// genHAR builds a Chrome-shaped HAR of n entries, pretty-printed the way
// DevTools writes it. Every bodyEvery-th entry (0: none) carries a
// base64 response body of bodyLen bytes of random data.
func genHAR(n, bodyEvery, bodyLen int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	raw := make([]byte, bodyLen*3/4)
	for i := range raw {
		raw[i] = byte(rng.Uint32())
	}
	body := base64.StdEncoding.EncodeToString(raw)
	var b bytes.Buffer
	b.WriteString(`{
  "log": {
    "version": "1.2",
    "creator": {
      "name": "WebInspector",
      "version": "537.36"
    },
    "pages": [],
    "entries": [`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		method, rtype := "GET", "fetch"
		if i%7 == 3 {
			method, rtype = "OPTIONS", "preflight"
		}
		fmt.Fprintf(&b, `
      {
        "_connectionId": "%d",
        "_initiator": {
          "type": "script",
          "stack": {
            "callFrames": [
              {
                "functionName": "load",
                "scriptId": "27",
                "url": "https://app.example.com/static/js/main.%08x.js",
                "lineNumber": 1,
                "columnNumber": 123456
              }
            ]
          }
        },
        "_priority": "High",
        "_resourceType": "%s",
        "cache": {},
        "connection": "443",
        "pageref": "page_1",
        "request": {
          "method": "%s",
          "url": "https://api.example.com/v1/items/%d?include=owner&page=%d",
          "httpVersion": "http/2.0",
          "headers": [
            {"name": ":authority", "value": "api.example.com"},
            {"name": ":method", "value": "%s"},
            {"name": ":path", "value": "/v1/items/%d?include=owner&page=%d"},
            {"name": ":scheme", "value": "https"},
            {"name": "accept", "value": "application/json, text/plain, */*"},
            {"name": "accept-encoding", "value": "gzip, deflate, br, zstd"},
            {"name": "accept-language", "value": "en-US,en;q=0.9"},
            {"name": "authorization", "value": "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiaWF0IjoxNTE2MjM5MDIyfQ.%d"},
            {"name": "origin", "value": "https://app.example.com"},
            {"name": "referer", "value": "https://app.example.com/"},
            {"name": "sec-ch-ua", "value": "\"Chromium\";v=\"142\", \"Google Chrome\";v=\"142\", \"Not_A Brand\";v=\"99\""},
            {"name": "sec-ch-ua-mobile", "value": "?0"},
            {"name": "sec-ch-ua-platform", "value": "\"macOS\""},
            {"name": "sec-fetch-dest", "value": "empty"},
            {"name": "sec-fetch-mode", "value": "cors"},
            {"name": "sec-fetch-site", "value": "same-site"},
            {"name": "user-agent", "value": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"}
          ],
          "queryString": [
            {"name": "include", "value": "owner"},
            {"name": "page", "value": "%d"}
          ],
          "cookies": [],
          "headersSize": -1,
          "bodySize": 0
        },
        "response": {
          "status": 200,
          "statusText": "",
          "httpVersion": "http/2.0",
          "headers": [
            {"name": "access-control-allow-credentials", "value": "true"},
            {"name": "access-control-allow-origin", "value": "https://app.example.com"},
            {"name": "cache-control", "value": "no-store"},
            {"name": "content-encoding", "value": "br"},
            {"name": "content-type", "value": "application/json; charset=utf-8"},
            {"name": "date", "value": "Tue, 18 Nov 2025 10:%02d:%02d GMT"},
            {"name": "etag", "value": "W/\"%x\""},
            {"name": "server", "value": "cloudflare"},
            {"name": "vary", "value": "Origin"},
            {"name": "vary", "value": "Accept-Encoding"}
          ],
          "cookies": [],
          "content": {
            "size": %d,
            "mimeType": "application/json"`,
			i, i, rtype, method, i, i%10, method, i, i%10, i, i%10, i%60, i%60, i*7919, bodyLen)
		if bodyEvery > 0 && i%bodyEvery == 0 {
			fmt.Fprintf(&b, `,
            "text": "%s",
            "encoding": "base64"`, body)
		}
		fmt.Fprintf(&b, `
          },
          "redirectURL": "",
          "headersSize": -1,
          "bodySize": -1,
          "_transferSize": %d,
          "_error": null,
          "_fetchedViaServiceWorker": false
        },
        "serverIPAddress": "104.18.32.%d",
        "startedDateTime": "2025-11-18T10:%02d:%02d.%03dZ",
        "time": %d.%03d,
        "timings": {
          "blocked": 1.234,
          "dns": -1,
          "ssl": -1,
          "connect": -1,
          "send": 0.123,
          "wait": 45.678,
          "receive": 2.345,
          "_blocked_queueing": 0.876,
          "_workerStart": -1,
          "_workerReady": -1,
          "_workerFetchStart": -1,
          "_workerRespondWithSettled": -1
        }
      }`, 300+bodyLen/3, i%256, i/60%60, i%60, i%1000, 20+i%300, i%1000)
	}
	b.WriteString("\n    ]\n  }\n}\n")
	return b.Bytes()
}

var benchInputs = map[string]func() []byte{
	// 2,000 entries, a third with a 64 KiB base64 body: mostly body bytes.
	"bodies": func() []byte { return genHAR(2000, 3, 64<<10) },
	// 20,000 entries without bodies: all metadata, 30 headers each.
	"metadata": func() []byte { return genHAR(20000, 0, 0) },
	// 4,000 entries laid out as DevTools saves them (internal/hargen's
	// body-heavy mix), bodies of 4 KiB: the metadata of a real capture.
	"chrome": func() []byte { return genChromeHAR(4000, 4<<10) },
}

func BenchmarkRead(b *testing.B) {
	for _, name := range []string{"bodies", "metadata", "chrome"} {
		data := benchInputs[name]()
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				r, err := NewReader(bytes.NewReader(data), Options{})
				if err != nil {
					b.Fatal(err)
				}
				n = 0
				for {
					_, err := r.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
			}
			b.ReportMetric(float64(n), "entries")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/entry")
		})
	}
}

// TestGenHAR keeps the benchmark's generator honest: its output is JSON
// that encoding/json counts the same way.
func TestGenHAR(t *testing.T) {
	data := genHAR(50, 3, 1024)
	want, err := jsonEntryCount(data)
	if err != nil || want != 50 {
		t.Fatalf("generated HAR: %d entries, %v", want, err)
	}
	log, es, err := ReadAll(bytes.NewReader(data), Options{})
	if err != nil || len(es) != 50 {
		t.Fatalf("ReadAll: %d entries, %v", len(es), err)
	}
	if log.Creator.Name != "WebInspector" || es[3].ResourceType != "preflight" || es[3].Request.Method != "OPTIONS" {
		t.Errorf("unexpected decode: %+v %+v", log.Creator, es[3])
	}
	if es[0].Response.Content.Size != 1024 || !strings.HasPrefix(es[1].Request.Headers[7].Value, "Bearer ") {
		t.Errorf("content size or headers not read")
	}

}

// genChromeHAR is a HAR of n entries shaped and laid out as Chrome DevTools
// saves them (internal/hargen's body-heavy mix, bodies of about bodyLen
// bytes).
func genChromeHAR(n, bodyLen int) []byte {
	var buf bytes.Buffer
	if _, err := hargen.Write(&buf, hargen.Config{Entries: n, Mix: hargen.BodyHeavy, BodySize: bodyLen, Seed: 1}); err != nil {
		panic(err) // a bytes.Buffer does not fail
	}
	return buf.Bytes()
}

// BenchmarkPieceDecode decodes the entries of a piece as the Reader takes
// them back from a PieceReader (remote.go), their short strings written
// as references to their first occurrence ("refs") or each in full
// ("plain", AppendEntry's encoding).
func BenchmarkPieceDecode(b *testing.B) {
	r, err := NewReader(bytes.NewReader(benchInputs["chrome"]()), Options{})
	if err != nil {
		b.Fatal(err)
	}
	ents := drain(r).Entries
	for _, name := range []string{"plain", "refs"} {
		var refs *strRefs
		if name == "refs" {
			refs = new(strRefs)
		}
		var packed [][]byte
		size := 0
		for _, e := range ents {
			packed = append(packed, appendEntry(nil, e, refs))
			size += len(packed[len(packed)-1])
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var d EntryDecoder
			for b.Loop() {
				d.numbered(refs != nil)
				for _, p := range packed {
					if _, err := d.Decode(p); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(ents)), "ns/entry")
			// After the loop: a metric reported before it is dropped.
			b.ReportMetric(float64(size)/float64(len(ents)), "packed-B/entry")
		})
	}
}

// cachedPieces answers each job with the result ReadPiece gave it the
// first time, so that a benchmark times the Reader that takes the pieces
// back (decoding them), not the reading of the pieces.
type cachedPieces struct {
	src  io.ReaderAt
	mu   sync.Mutex
	done map[string][]byte
}

func (c *cachedPieces) ReadPiece(job []byte, _ int64) ([]byte, error) {
	c.mu.Lock()
	b, ok := c.done[string(job)]
	c.mu.Unlock()
	if ok {
		return b, nil
	}
	b, err := ReadPiece(c.src, job)
	if err == nil {
		c.mu.Lock()
		c.done[string(job)] = b
		c.mu.Unlock()
	}
	return b, err
}

// densePieces generates a metadata-dense capture of about size bytes and
// returns a PieceReader that reads its pieces once (cachedPieces) and
// opens a Reader of it that cuts it in pieces of chunk bytes, each read by
// that PieceReader but the head.
func densePieces(tb testing.TB, size int, chunk int64) (*cachedPieces, func() *Reader) {
	tb.Helper()
	var buf bytes.Buffer
	if _, err := hargen.Write(&buf, hargen.Config{Size: int64(size), Mix: hargen.MetadataDense, Seed: 1}); err != nil {
		tb.Fatal(err)
	}
	data := buf.Bytes()
	pr := &cachedPieces{src: bytes.NewReader(data), done: map[string][]byte{}}
	t := defaultTuning
	t.splitMinSize, t.splitChunk = 0, chunk
	return pr, func() *Reader {
		r, err := NewReader(memGrowing{bytes.NewReader(data)}, Options{Workers: 1, Pieces: pr, tune: &t})
		if err != nil {
			tb.Fatal(err)
		}
		return r
	}
}

// BenchmarkPieces times the two sides of the pieces of a metadata-dense
// capture read by another instance, as in the page: "read" is ReadPiece on
// each piece's job (the second instance), "take-back" the Reader of the
// whole capture, every piece but the head handed back packed (the
// analysing instance: the head and the decoding).
func BenchmarkPieces(b *testing.B) {
	pr, open := densePieces(b, 8<<20, 256<<10)
	read := func() int {
		c, _ := drainPieces(b, open(), nil)
		if c.Err != nil {
			b.Fatal(c.Err)
		}
		return len(c.Entries)
	}
	entries := read() // fills the cache
	var jobs [][]byte
	for job := range pr.done {
		jobs = append(jobs, []byte(job))
	}
	b.Run("read", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, job := range jobs {
				if _, err := ReadPiece(pr.src, job); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(entries), "ns/entry")
	})
	b.Run("take-back", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			read()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(entries), "ns/entry")
	})
}
