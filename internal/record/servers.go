package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"strings"
	"time"
)

// goServer is one net/http server the recorder runs itself.
type goServer struct {
	addrs []string
	mux   *http.ServeMux
	srvs  []*http.Server
	tls   *tls.Config // serve https with it, when set
}

func newGoServer(addrs ...string) *goServer {
	return &goServer{addrs: addrs, mux: http.NewServeMux()}
}

func (g *goServer) start() error {
	for _, a := range g.addrs {
		ln, err := net.Listen("tcp", a)
		if err != nil {
			if strings.HasPrefix(a, "[::1]") {
				continue // no IPv6 loopback on this machine; 127.0.0.1 is enough
			}
			g.stop()
			return fmt.Errorf("listen on %s (is another recorder running?): %w", a, err)
		}
		if g.tls != nil {
			ln = tls.NewListener(ln, g.tls)
		}
		srv := &http.Server{Handler: g.mux, ReadHeaderTimeout: 10 * time.Second}
		g.srvs = append(g.srvs, srv)
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				fmt.Println("server", a, err)
			}
		}()
	}
	return nil
}

func (g *goServer) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, s := range g.srvs {
		s.Shutdown(ctx)
	}
}

// Small helpers for the hand-written Go handlers of the scenarios. They
// write header names exactly as given (the map key is used as-is), so a
// scenario can send two lines of one header or an odd spelling.

// add appends header lines: add(w, "Access-Control-Allow-Origin", "*", ...).
func add(w http.ResponseWriter, kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		w.Header()[kv[i]] = append(w.Header()[kv[i]], kv[i+1])
	}
}

// reply writes a status and a small JSON body.
func reply(w http.ResponseWriter, status int, body string) {
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

func okJSON(w http.ResponseWriter) { reply(w, http.StatusOK, `{"ok":true}`) }

// at registers a handler for exactly one path on a mux.
func at(h http.HandlerFunc) func(Muxes, string) {
	return func(m Muxes, path string) { m.API.HandleFunc(path, h) }
}

// split answers OPTIONS with pre and every other method with act.
func split(pre, act http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
			pre(w, r)
			return
		}
		act(w, r)
	}
}

// origin is the request's Origin header, for handlers that echo it.
func origin(r *http.Request) string { return r.Header.Get("Origin") }

// selfSigned makes a certificate for 127.0.0.1 and localhost that lives as
// long as the run: the https page's (securePageOrigin). Nothing is written
// to disk; Chromium accepts it under --ignore-certificate-errors.
func selfSigned() (*tls.Config, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "harcors recorder"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, nil
}
