// Package reliability_test proves that the plugin cannot take a dashboard down: upstream
// faults give each query its own clear error, load and a dead upstream neither fail nor
// pile up, cancelled queries release their upstream connection, signals stop it cleanly,
// secrets never leave it, and its own metrics can be read back as Grafana reads them.
//
// The fault servers of issue 2 live in tests/faults; the kinds added here (slow headers,
// slow body, Prometheus error JSON, truncated body, wrong content type, redirect loop,
// warnings, TLS with an unknown issuer, a socket-watching upstream) are in this file.
package reliability_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/faults"
	"github.com/mahavishnu/mcp-grafana/tests/host"
)

func ctxT(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func startPlugin(t *testing.T, env ...string) *host.Plugin {
	t.Helper()
	bin, err := host.BinaryPath()
	if err != nil {
		t.Fatal(err)
	}
	host.RequireBinary(t, bin)
	return host.Start(t, host.Options{Binary: bin, Env: env})
}

// rssBytes is the resident set of a process, from /proc/<pid>/status.
func rssBytes(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("reading the plugin's memory: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb * 1024
		}
	}
	t.Fatal("no VmRSS line")
	return 0
}

// waitUntil polls cond until it holds or the deadline passes.
func waitUntil(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// serve starts an HTTP server on loopback, closed when the test ends.
func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	s := httptest.NewUnstartedServer(h)
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// A small valid matrix, the answer the warning server attaches its warnings to.
const okMatrix = `{"resultType":"matrix","result":[{"metric":{"job":"mahavishnu"},"values":[[1700000000,"1"],[1700000015,"2"]]}]}`

func jsonReply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// slowHeaders answers correctly, but only after d.
func slowHeaders(t *testing.T, d time.Duration) string {
	return serve(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-time.After(d):
			jsonReply(w, 200, `{"status":"success","data":`+okMatrix+`}`)
		case <-r.Context().Done():
		}
	}).URL
}

// slowBody sends headers and the first bytes at once, then the rest after d.
func slowBody(t *testing.T, d time.Duration) string {
	return serve(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		_, _ = io.WriteString(w, `{"status":"success","data":`)
		w.(http.Flusher).Flush()
		select {
		case <-time.After(d):
			_, _ = io.WriteString(w, okMatrix+`}`)
		case <-r.Context().Done():
		}
	}).URL
}

// promError answers as Prometheus does when it rejects a query.
func promError(t *testing.T, status int, errorType, message string) string {
	return serve(t, func(w http.ResponseWriter, _ *http.Request) {
		jsonReply(w, status, fmt.Sprintf(`{"status":"error","errorType":%q,"error":%q}`, errorType, message))
	}).URL
}

// truncatedBody promises 4096 bytes, sends 60 and closes the connection.
func truncatedBody(t *testing.T) string {
	return serve(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n")
		_, _ = buf.WriteString(`{"status":"success","data":{"resultType":"matrix","result":[`)
		_ = buf.Flush()
	}).URL
}

// wrongContentType is a 200 that is not the API: a login page.
func wrongContentType(t *testing.T) string {
	return serve(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<!doctype html><html><body><form>Sign in</form></body></html>")
	}).URL
}

// redirectLoop redirects every request to itself.
func redirectLoop(t *testing.T) string {
	return serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path, http.StatusTemporaryRedirect)
	}).URL
}

// warnings answers with data and the warnings Prometheus attaches to partial answers.
func warnings(t *testing.T, text string) string {
	return serve(t, func(w http.ResponseWriter, _ *http.Request) {
		jsonReply(w, 200, fmt.Sprintf(`{"status":"success","warnings":[%q],"data":%s}`, text, okMatrix))
	}).URL
}

// untrustedTLS is an HTTPS server whose certificate a CA signed that the datasource
// does not trust.
func untrustedTLS(t *testing.T) string {
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		jsonReply(w, 200, `{"status":"success","data":`+okMatrix+`}`)
	}))
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.TLS = faults.NewCA(t).ServerTLS(false)
	s.StartTLS()
	t.Cleanup(s.Close)
	return s.URL
}

// watchedUpstream accepts connections, reads each request and holds it without answering,
// and records when the client closes the socket.
type watchedUpstream struct {
	URL      string
	arrived  chan time.Time
	closed   chan time.Time
	requests atomic.Int64
	ln       net.Listener
	wg       sync.WaitGroup
}

func newWatchedUpstream(t *testing.T) *watchedUpstream {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := &watchedUpstream{URL: "http://" + ln.Addr().String(), arrived: make(chan time.Time, 16), closed: make(chan time.Time, 16), ln: ln}
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			u.wg.Add(1)
			go func() {
				defer u.wg.Done()
				defer conn.Close()
				r := bufio.NewReader(conn)
				req, err := http.ReadRequest(r)
				if err != nil {
					return
				}
				_, _ = io.Copy(io.Discard, req.Body)
				u.requests.Add(1)
				u.arrived <- time.Now()
				// Hold the request: the next read returns only when the client closes.
				var one [1]byte
				_, _ = r.Read(one[:])
				u.closed <- time.Now()
			}()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
	})
	return u
}

// oversize streams a valid matrix answer of at least n bytes to every request.
// (faults.Oversize shrinks its answer after the first request: its size is shared state.)
func oversize(t *testing.T, n int) string {
	return serve(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"success","data":{"resultType":"matrix","result":[`)
		series := `{"metric":{"job":"j"},"values":[` + strings.Repeat(`[1700000000,"1.5"],`, 200) + `[1700000015,"2"]]}`
		for sent := 0; sent < n; sent += len(series) + 1 {
			if sent > 0 {
				_, _ = io.WriteString(w, ",")
			}
			if _, err := io.WriteString(w, series); err != nil {
				return
			}
		}
		_, _ = io.WriteString(w, `]}}`)
	}).URL
}

// matrixServer answers every request with the same small matrix; it returns the URL and
// the body's length.
func matrixServer(t *testing.T) (string, int) {
	body := `{"status":"success","data":` + okMatrix + `}`
	return serve(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		jsonReply(w, 200, body)
	}).URL, len(body)
}
