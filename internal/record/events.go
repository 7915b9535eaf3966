package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// The recorder reads the DevTools protocol events raw, not through cdproto's
// typed structs, for one reason: cdproto decodes header objects into Go maps,
// and a map forgets the order of the headers. Chrome sends header objects in
// wire order (inspector_protocol's DictionaryValue keeps insertion order) and
// DevTools writes them into the HAR in that order, so the structs below keep
// the subset of each event that the HAR writer uses, with headers as an
// ordered list.

// Header is one name/value pair, in the order Chrome sent it.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Headers is a protocol Network.Headers object decoded in order.
type Headers []Header

// UnmarshalJSON reads a JSON object token by token so that the key order
// survives. Values are strings in practice; anything else is kept as its JSON
// text rather than dropped.
func (h *Headers) UnmarshalJSON(b []byte) error {
	*h = nil
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("headers: want a JSON object, got %v", tok)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		var value string
		if err := json.Unmarshal(raw, &value); err != nil {
			value = string(raw)
		}
		*h = append(*h, Header{name, value})
	}
	_, err = dec.Token()
	return err
}

// Array turns the protocol object into DevTools' name/value array. Repeated
// headers arrive as one key whose values are joined by "\n"; DevTools splits
// them again (NetworkDispatcher.headersMapToHeadersArray), so two
// Access-Control-Allow-Origin lines become two HAR headers.
func (h Headers) Array() []Header {
	out := make([]Header, 0, len(h))
	for _, kv := range h {
		for _, v := range bytes.Split([]byte(kv.Value), []byte("\n")) {
			out = append(out, Header{kv.Name, string(v)})
		}
	}
	return out
}

// Get returns the values of a header, case-insensitively, joined by ", ".
func (h Headers) Get(name string) (string, bool) {
	var vals []string
	for _, kv := range h.Array() {
		if equalFold(kv.Name, name) {
			vals = append(vals, kv.Value)
		}
	}
	if vals == nil {
		return "", false
	}
	s := vals[0]
	for _, v := range vals[1:] {
		s += ", " + v
	}
	return s, true
}

func equalFold(a, b string) bool { return bytes.EqualFold([]byte(a), []byte(b)) }

// Initiator is Network.Initiator. Stack stays raw: DevTools copies it into
// the HAR untouched.
type Initiator struct {
	Type       string          `json:"type"`
	Stack      json.RawMessage `json:"stack,omitempty"`
	URL        *string         `json:"url,omitempty"`
	LineNumber *float64        `json:"lineNumber,omitempty"`
	RequestID  *string         `json:"requestId,omitempty"`
}

// PostDataEntry is one element of Network.Request.postDataEntries.
type PostDataEntry struct {
	Bytes string `json:"bytes"`
}

// Request is Network.Request.
type Request struct {
	URL             string          `json:"url"`
	Method          string          `json:"method"`
	Headers         Headers         `json:"headers"`
	HasPostData     bool            `json:"hasPostData"`
	PostData        *string         `json:"postData"`
	PostDataEntries []PostDataEntry `json:"postDataEntries"`
	InitialPriority string          `json:"initialPriority"`
}

// Body returns the request body as DevTools shows it: postData when the
// browser still sends it, otherwise the decoded postDataEntries (what
// Network.getRequestPostData would return).
func (r *Request) Body() (string, bool) {
	if r.PostData != nil {
		return *r.PostData, true
	}
	if !r.HasPostData && len(r.PostDataEntries) == 0 {
		return "", false
	}
	var b []byte
	for _, e := range r.PostDataEntries {
		d, err := base64.StdEncoding.DecodeString(e.Bytes)
		if err != nil {
			continue
		}
		b = append(b, d...)
	}
	return string(b), true
}

// ResourceTiming is Network.ResourceTiming.
type ResourceTiming struct {
	RequestTime              float64 `json:"requestTime"`
	ProxyStart               float64 `json:"proxyStart"`
	ProxyEnd                 float64 `json:"proxyEnd"`
	DNSStart                 float64 `json:"dnsStart"`
	DNSEnd                   float64 `json:"dnsEnd"`
	ConnectStart             float64 `json:"connectStart"`
	ConnectEnd               float64 `json:"connectEnd"`
	SslStart                 float64 `json:"sslStart"`
	SslEnd                   float64 `json:"sslEnd"`
	WorkerStart              float64 `json:"workerStart"`
	WorkerReady              float64 `json:"workerReady"`
	WorkerFetchStart         float64 `json:"workerFetchStart"`
	WorkerRespondWithSettled float64 `json:"workerRespondWithSettled"`
	SendStart                float64 `json:"sendStart"`
	SendEnd                  float64 `json:"sendEnd"`
	ReceiveHeadersEnd        float64 `json:"receiveHeadersEnd"`
}

// Response is Network.Response.
type Response struct {
	URL               string          `json:"url"`
	Status            int             `json:"status"`
	StatusText        string          `json:"statusText"`
	Headers           Headers         `json:"headers"`
	MimeType          string          `json:"mimeType"`
	ConnectionID      float64         `json:"connectionId"`
	RemoteIPAddress   string          `json:"remoteIPAddress"`
	RemotePort        int             `json:"remotePort"`
	FromDiskCache     bool            `json:"fromDiskCache"`
	FromServiceWorker bool            `json:"fromServiceWorker"`
	EncodedDataLength float64         `json:"encodedDataLength"`
	Timing            *ResourceTiming `json:"timing"`
	Protocol          string          `json:"protocol"`
}

type evRequestWillBeSent struct {
	RequestID        string     `json:"requestId"`
	LoaderID         string     `json:"loaderId"`
	DocumentURL      string     `json:"documentURL"`
	Request          Request    `json:"request"`
	Timestamp        float64    `json:"timestamp"`
	WallTime         float64    `json:"wallTime"`
	Initiator        *Initiator `json:"initiator"`
	RedirectResponse *Response  `json:"redirectResponse"`
	Type             string     `json:"type"`
}

type evRequestWillBeSentExtraInfo struct {
	RequestID     string  `json:"requestId"`
	Headers       Headers `json:"headers"`
	ConnectTiming *struct {
		RequestTime float64 `json:"requestTime"`
	} `json:"connectTiming"`
}

type evResponseReceived struct {
	RequestID    string   `json:"requestId"`
	Timestamp    float64  `json:"timestamp"`
	Type         string   `json:"type"`
	Response     Response `json:"response"`
	HasExtraInfo bool     `json:"hasExtraInfo"`
}

type evResponseReceivedExtraInfo struct {
	RequestID      string `json:"requestId"`
	BlockedCookies []struct {
		BlockedReasons []string `json:"blockedReasons"`
		CookieLine     string   `json:"cookieLine"`
	} `json:"blockedCookies"`
	Headers     Headers `json:"headers"`
	StatusCode  int     `json:"statusCode"`
	HeadersText string  `json:"headersText"`
}

type evDataReceived struct {
	RequestID         string  `json:"requestId"`
	Timestamp         float64 `json:"timestamp"`
	DataLength        float64 `json:"dataLength"`
	EncodedDataLength float64 `json:"encodedDataLength"`
}

type evRequestServedFromCache struct {
	RequestID string `json:"requestId"`
}

type evLoadingFinished struct {
	RequestID         string  `json:"requestId"`
	Timestamp         float64 `json:"timestamp"`
	EncodedDataLength float64 `json:"encodedDataLength"`
}

// CorsErrorStatus is Network.CorsErrorStatus.
type CorsErrorStatus struct {
	CorsError       string `json:"corsError"`
	FailedParameter string `json:"failedParameter"`
}

type evLoadingFailed struct {
	RequestID       string           `json:"requestId"`
	Timestamp       float64          `json:"timestamp"`
	Type            string           `json:"type"`
	ErrorText       string           `json:"errorText"`
	Canceled        bool             `json:"canceled"`
	BlockedReason   string           `json:"blockedReason"`
	CorsErrorStatus *CorsErrorStatus `json:"corsErrorStatus"`
}

type evLogEntryAdded struct {
	Entry struct {
		Source           string `json:"source"`
		Level            string `json:"level"`
		Text             string `json:"text"`
		URL              string `json:"url"`
		NetworkRequestID string `json:"networkRequestId"`
	} `json:"entry"`
}

type evExceptionThrown struct {
	ExceptionDetails struct {
		Text      string `json:"text"`
		Exception *struct {
			Description string `json:"description"`
		} `json:"exception"`
	} `json:"exceptionDetails"`
}

type evIssueAdded struct {
	Issue struct {
		Code    string `json:"code"`
		Details struct {
			CorsIssueDetails *struct {
				CorsErrorStatus CorsErrorStatus `json:"corsErrorStatus"`
				IsWarning       bool            `json:"isWarning"`
				Request         struct {
					RequestID string `json:"requestId"`
					URL       string `json:"url"`
				} `json:"request"`
			} `json:"corsIssueDetails"`
			DeprecationIssueDetails *struct {
				Type string `json:"type"`
			} `json:"deprecationIssueDetails"`
			CookieIssueDetails *struct {
				CookieWarningReasons   []string `json:"cookieWarningReasons"`
				CookieExclusionReasons []string `json:"cookieExclusionReasons"`
				Operation              string   `json:"operation"`
				RawCookieLine          string   `json:"rawCookieLine"`
				Request                *struct {
					RequestID string `json:"requestId"`
					URL       string `json:"url"`
				} `json:"request"`
			} `json:"cookieIssueDetails"`
			GenericIssueDetails *struct {
				ErrorType string `json:"errorType"`
				RequestID string `json:"requestId"`
			} `json:"genericIssueDetails"`
		} `json:"details"`
	} `json:"issue"`
}

type evPageTimestamp struct {
	Timestamp float64 `json:"timestamp"`
}
