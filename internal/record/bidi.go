package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// A WebDriver BiDi client for Firefox, over a small WebSocket client of its
// own (RFC 6455, client side, text messages only).
//
// Why not a library: chromedp v0.23 talks to Chromium over a pipe and no
// longer pulls in a WebSocket package, and golang.org/x/net would raise
// golang.org/x/sys and golang.org/x/text for the whole go.work build list,
// main module included. x/net/websocket also always sends an Origin header,
// which Firefox's remote agent refuses unless --remote-allow-origins opens
// the endpoint to that origin. The endpoint is on loopback and the only
// peer is the Firefox this recorder started, so the client needs no TLS, no
// extensions and no subprotocols.

// wsConn is one client WebSocket connection.
type wsConn struct {
	conn net.Conn
	r    *bufio.Reader
	wmu  sync.Mutex
}

const wsGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// maxMessage bounds one incoming message; a BiDi event with every header of
// a request is a few kilobytes.
const maxMessage = 64 << 20

// dialWS opens ws://host:port/path. Only loopback addresses are accepted.
func dialWS(ctx context.Context, rawURL string) (*wsConn, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "ws" {
		return nil, fmt.Errorf("not a ws:// URL: %q", rawURL)
	}
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("refusing a non-loopback WebDriver BiDi endpoint %s", u.Host)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		return nil, err
	}
	var nonce [16]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		conn.Close()
		return nil, err
	}
	key := base64.StdEncoding.EncodeToString(nonce[:])
	path := u.RequestURI()
	// No Origin header: Firefox's remote agent accepts a connection without
	// one, and refuses any origin not given in --remote-allow-origins.
	req := "GET " + path + " HTTP/1.1\r\nHost: " + u.Host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	if _, err := io.WriteString(conn, req); err != nil {
		conn.Close()
		return nil, err
	}
	br := bufio.NewReaderSize(conn, 64<<10)
	resp, err := http.ReadResponse(br, &http.Request{Method: "GET"})
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("WebSocket handshake: %w", err)
	}
	resp.Body.Close()
	sum := sha1.Sum([]byte(key + wsGUID))
	if resp.StatusCode != http.StatusSwitchingProtocols ||
		resp.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]) {
		conn.Close()
		return nil, fmt.Errorf("WebSocket handshake refused: %s", resp.Status)
	}
	conn.SetDeadline(time.Time{})
	return &wsConn{conn: conn, r: br}, nil
}

// writeFrame sends one complete, masked frame (clients must mask).
func (c *wsConn) writeFrame(opcode byte, payload []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	hdr := make([]byte, 0, 14)
	hdr = append(hdr, 0x80|opcode)
	switch n := len(payload); {
	case n < 126:
		hdr = append(hdr, 0x80|byte(n))
	case n <= 0xFFFF:
		hdr = append(hdr, 0x80|126)
		hdr = binary.BigEndian.AppendUint16(hdr, uint16(n))
	default:
		hdr = append(hdr, 0x80|127)
		hdr = binary.BigEndian.AppendUint64(hdr, uint64(n))
	}
	var mask [4]byte
	if _, err := rand.Read(mask[:]); err != nil {
		return err
	}
	hdr = append(hdr, mask[:]...)
	buf := make([]byte, len(hdr)+len(payload))
	copy(buf, hdr)
	for i, b := range payload {
		buf[len(hdr)+i] = b ^ mask[i%4]
	}
	_, err := c.conn.Write(buf)
	return err
}

// WriteText sends one text message.
func (c *wsConn) WriteText(msg []byte) error { return c.writeFrame(0x1, msg) }

// ReadMessage returns the next complete text or binary message. It answers
// pings and returns io.EOF when the server closes the connection.
func (c *wsConn) ReadMessage() ([]byte, error) {
	var msg []byte
	started := false
	for {
		var h [2]byte
		if _, err := io.ReadFull(c.r, h[:]); err != nil {
			return nil, err
		}
		fin, opcode := h[0]&0x80 != 0, h[0]&0x0F
		masked := h[1]&0x80 != 0
		n := uint64(h[1] & 0x7F)
		switch n {
		case 126:
			var b [2]byte
			if _, err := io.ReadFull(c.r, b[:]); err != nil {
				return nil, err
			}
			n = uint64(binary.BigEndian.Uint16(b[:]))
		case 127:
			var b [8]byte
			if _, err := io.ReadFull(c.r, b[:]); err != nil {
				return nil, err
			}
			n = binary.BigEndian.Uint64(b[:])
		}
		if n > maxMessage || uint64(len(msg))+n > maxMessage {
			return nil, fmt.Errorf("WebSocket message over %d bytes", maxMessage)
		}
		var mask [4]byte
		if masked {
			if _, err := io.ReadFull(c.r, mask[:]); err != nil {
				return nil, err
			}
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(c.r, payload); err != nil {
			return nil, err
		}
		if masked {
			for i := range payload {
				payload[i] ^= mask[i%4]
			}
		}
		switch opcode {
		case 0x8: // close: answer it and stop
			c.writeFrame(0x8, payload[:min(len(payload), 2)])
			return nil, io.EOF
		case 0x9: // ping
			if err := c.writeFrame(0xA, payload); err != nil {
				return nil, err
			}
			continue
		case 0xA: // pong
			continue
		case 0x1, 0x2:
			if started {
				return nil, errors.New("WebSocket: new message inside a fragmented one")
			}
			started = true
			msg = payload
		case 0x0:
			if !started {
				return nil, errors.New("WebSocket: continuation without a message")
			}
			msg = append(msg, payload...)
		default:
			return nil, fmt.Errorf("WebSocket: unknown opcode %d", opcode)
		}
		if fin {
			return msg, nil
		}
	}
}

func (c *wsConn) Close() error {
	c.writeFrame(0x8, []byte{0x03, 0xE8}) // 1000: normal closure
	return c.conn.Close()
}

// bidiConn is one WebDriver BiDi session: commands with ids, replies
// matched to them, and events handed to onEvent in the order they arrive.
type bidiConn struct {
	ws      *wsConn
	mu      sync.Mutex
	next    int
	pending map[int]chan bidiReply
	onEvent func(method string, params json.RawMessage)
	done    chan struct{}
	err     error
}

type bidiReply struct {
	Result  json.RawMessage
	Error   string
	Message string
}

// bidiError is an error reply from the browser.
type bidiError struct{ Method, Code, Message string }

func (e *bidiError) Error() string { return e.Method + ": " + e.Code + ": " + e.Message }

func newBidiConn(ws *wsConn, onEvent func(string, json.RawMessage)) *bidiConn {
	b := &bidiConn{ws: ws, pending: map[int]chan bidiReply{}, onEvent: onEvent, done: make(chan struct{})}
	go b.readLoop()
	return b
}

func (b *bidiConn) readLoop() {
	defer close(b.done)
	for {
		data, err := b.ws.ReadMessage()
		if err != nil {
			b.mu.Lock()
			b.err = err
			for id, ch := range b.pending {
				ch <- bidiReply{Error: "connection lost", Message: err.Error()}
				delete(b.pending, id)
			}
			b.mu.Unlock()
			return
		}
		var m struct {
			Type    string          `json:"type"`
			ID      *int            `json:"id"`
			Method  string          `json:"method"`
			Params  json.RawMessage `json:"params"`
			Result  json.RawMessage `json:"result"`
			Error   string          `json:"error"`
			Message string          `json:"message"`
		}
		if err := json.Unmarshal(data, &m); err != nil {
			continue
		}
		if m.Type == "event" {
			if b.onEvent != nil {
				b.onEvent(m.Method, m.Params)
			}
			continue
		}
		if m.ID == nil {
			continue
		}
		b.mu.Lock()
		ch := b.pending[*m.ID]
		delete(b.pending, *m.ID)
		b.mu.Unlock()
		if ch != nil {
			ch <- bidiReply{Result: m.Result, Error: m.Error, Message: m.Message}
		}
	}
}

// Call sends a command and decodes its result into result (unless nil).
func (b *bidiConn) Call(ctx context.Context, method string, params, result any) error {
	if params == nil {
		params = map[string]any{}
	}
	b.mu.Lock()
	if b.err != nil {
		err := b.err
		b.mu.Unlock()
		return fmt.Errorf("%s: connection lost: %w", method, err)
	}
	b.next++
	id := b.next
	ch := make(chan bidiReply, 1)
	b.pending[id] = ch
	b.mu.Unlock()
	msg, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		return err
	}
	if err := b.ws.WriteText(msg); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case r := <-ch:
		if r.Error != "" {
			return &bidiError{method, r.Error, r.Message}
		}
		if result != nil {
			return json.Unmarshal(r.Result, result)
		}
		return nil
	case <-ctx.Done():
		b.mu.Lock()
		delete(b.pending, id)
		b.mu.Unlock()
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

func (b *bidiConn) Close() {
	b.ws.Close()
	<-b.done
}

// bidiEndpoint finds "WebDriver BiDi listening on ws://127.0.0.1:PORT" in
// Firefox's stderr.
func bidiEndpoint(line string) string {
	const marker = "WebDriver BiDi listening on "
	i := strings.Index(line, marker)
	if i < 0 {
		return ""
	}
	f := strings.Fields(line[i+len(marker):])
	if len(f) == 0 || !strings.HasPrefix(f[0], "ws://") {
		return ""
	}
	return f[0]
}
