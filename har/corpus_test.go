package har

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/harcors/harcors/internal/testcorpus"
)

// corpusFiles lists the public captures: those in the repository, and the
// shared corpus's when it is beside it (see internal/testcorpus).
func corpusFiles(tb testing.TB) []string {
	tb.Helper()
	return testcorpus.Files(tb, "..")
}

// jsonEntryCount counts log.entries with encoding/json, the reference the
// streaming reader must agree with.
func jsonEntryCount(data []byte) (int, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	var doc struct {
		Log struct {
			Entries []json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return 0, err
	}
	return len(doc.Log.Entries), nil
}

func TestPublicCorpus(t *testing.T) {
	for _, path := range corpusFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want, err := jsonEntryCount(data)
			if err != nil {
				t.Fatalf("encoding/json cannot read the reference file: %v", err)
			}
			r, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			n := 0
			for {
				e, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("after %d entries: %v", n, err)
				}
				if e.Index != n {
					t.Errorf("entry %d has Index %d", n, e.Index)
				}
				if e.Line < 1 || e.Offset < 0 || e.Offset >= int64(len(data)) {
					t.Errorf("entry %d: implausible position line %d offset %d", n, e.Line, e.Offset)
				} else if c := bytes.TrimPrefix(data, utf8BOM)[e.Offset]; c != '{' {
					t.Errorf("entry %d: byte at Offset %d is %q, want '{'", n, e.Offset, c)
				}
				if e.Request.Method == "" || e.Request.URL == "" {
					t.Errorf("entry %d: no method or URL", n)
				}
				n++
			}
			if n != want {
				t.Errorf("read %d entries, encoding/json counts %d", n, want)
			}
			if r.Log().Creator.Name == "" {
				t.Errorf("no creator name")
			}
			for _, w := range r.Warnings() {
				t.Logf("warning: %v", w)
			}
		})
	}
}

// TestPublicCorpusFields decodes every corpus entry a second time with
// encoding/json into generic maps and compares the fields the model keeps,
// so that escapes, header order, the lenient conversions and the defaults
// are checked against an independent decoder on real files.
func TestPublicCorpusFields(t *testing.T) {
	for _, path := range corpusFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Log struct {
					Creator map[string]any   `json:"creator"`
					Pages   []map[string]any `json:"pages"`
					Entries []map[string]any `json:"entries"`
				} `json:"log"`
			}
			if err := json.Unmarshal(bytes.TrimPrefix(data, utf8BOM), &doc); err != nil {
				t.Fatal(err)
			}
			log, entries, err := ReadAll(bytes.NewReader(data), Options{Name: path})
			if err != nil {
				t.Fatal(err)
			}
			// Again with one byte per Read: every token then straddles
			// a refill of the buffer, which must change nothing.
			log1, entries1, err := ReadAll(iotest.OneByteReader(bytes.NewReader(data)), Options{Name: path})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(log1, log) || !reflect.DeepEqual(entries1, entries) {
				t.Errorf("reading one byte at a time gives a different result")
			}
			if got, want := log.Creator.Name, doc.Log.Creator["name"]; got != want {
				t.Errorf("creator %q, want %q", got, want)
			}
			if len(log.Pages) != len(doc.Log.Pages) {
				t.Errorf("%d pages, want %d", len(log.Pages), len(doc.Log.Pages))
			}
			for i, ref := range doc.Log.Entries {
				e := entries[i]
				req, _ := ref["request"].(map[string]any)
				resp, _ := ref["response"].(map[string]any)
				check := func(what string, got, want any) {
					t.Helper()
					if got != want {
						t.Errorf("entry %d %s = %#v, want %#v", i, what, got, want)
					}
				}
				check("method", e.Request.Method, str(req["method"]))
				check("url", e.Request.URL, str(req["url"]))
				check("request.httpVersion", e.Request.HTTPVersion, str(req["httpVersion"]))
				checkHeaders(t, i, "request", e.Request.Headers, req["headers"])
				checkHeaders(t, i, "response", e.Response.Headers, resp["headers"])
				check("status", e.Response.Status, int(num(resp["status"], 0)))
				check("statusText", e.Response.StatusText, str(resp["statusText"]))
				redirect := str(resp["redirectURL"])
				if redirect == "null" {
					redirect = ""
				}
				check("redirectURL", e.Response.RedirectURL, redirect)
				content, _ := resp["content"].(map[string]any)
				check("content.size", e.Response.Content.Size, int64(num(content["size"], -1)))
				check("content.mimeType", e.Response.Content.MimeType, str(content["mimeType"]))
				check("_transferSize", e.Response.TransferSize, int64(num(resp["_transferSize"], -1)))
				check("time", e.Time, num(ref["time"], -1))
				check("pageref", e.PageRef, str(ref["pageref"]))
				check("_resourceType", e.ResourceType, strings.ToLower(str(ref["_resourceType"])))
				check("_fromCache", e.FromCache, str(ref["_fromCache"]))
				wantErr := str(resp["_error"])
				if wantErr == "" {
					wantErr = str(ref["_failureText"])
				}
				check("error", e.Error, wantErr)
				switch in := ref["_initiator"].(type) {
				case string:
					check("_initiator", e.Initiator.URL, in)
				case map[string]any:
					check("_initiator.type", e.Initiator.Type, str(in["type"]))
					check("_initiator.url", e.Initiator.URL, str(in["url"]))
					check("_initiator.requestId", e.Initiator.RequestID, str(in["requestId"]))
				}
				if s := str(ref["startedDateTime"]); s != "" {
					want, err := time.Parse(time.RFC3339Nano, s)
					if err != nil {
						t.Errorf("entry %d: reference cannot parse %q", i, s)
					} else if !e.Started.Equal(want) {
						t.Errorf("entry %d Started = %v, want %v", i, e.Started, want)
					} else if _, off := e.Started.Zone(); off != zoneOffset(want) {
						t.Errorf("entry %d Started offset %d, want %d", i, off, zoneOffset(want))
					}
				}
				var cookies []any
				switch c := req["cookies"].(type) {
				case []any:
					cookies = c
				case map[string]any: // IE11
					cookies = []any{c}
				}
				if len(e.Request.Cookies) != len(cookies) {
					t.Errorf("entry %d: %d request cookies, want %d", i, len(e.Request.Cookies), len(cookies))
				} else {
					for j, c := range cookies {
						c := c.(map[string]any)
						check("cookie name", e.Request.Cookies[j].Name, str(c["name"]))
						check("cookie value", e.Request.Cookies[j].Value, str(c["value"]))
					}
				}
			}
		})
	}
}

func zoneOffset(t time.Time) int { _, off := t.Zone(); return off }

// str renders a generic JSON value the way the reader's lenient string
// fields do.
func str(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return fmt.Sprintf("<%T>", v)
}

func num(v any, def float64) float64 {
	switch v := v.(type) {
	case float64:
		return v
	case string:
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	}
	return def
}

func checkHeaders(t *testing.T, i int, which string, got Headers, ref any) {
	t.Helper()
	list, _ := ref.([]any)
	if len(got) != len(list) {
		t.Errorf("entry %d: %d %s headers, want %d", i, len(got), which, len(list))
		return
	}
	for j, h := range list {
		h := h.(map[string]any)
		if got[j].Name != str(h["name"]) || got[j].Value != str(h["value"]) {
			t.Errorf("entry %d %s header %d = %q: %q, want %q: %q", i, which, j, got[j].Name, got[j].Value, h["name"], h["value"])
		}
	}
}
