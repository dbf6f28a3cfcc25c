// Package faults holds real loopback HTTP servers that misbehave the ways an upstream
// Prometheus can, for failures a real Prometheus cannot be made to show on demand:
//
//	faults.ClosedPort(t)              // URL of a port nobody listens on: connection refused
//	faults.Hang(t)                    // accepts, never answers; counts requests and cancellations
//	faults.HTML5xx(t, 502)            // a proxy's HTML error page
//	faults.MalformedJSON(t)           // 200 with truncated JSON
//	faults.Oversize(t, n)             // 200 with a valid Prometheus answer of at least n bytes
//	faults.Record(t, prom.URL)        // proxies to a real Prometheus, remembering each request
//	faults.RecordSlow(t, prom.URL, d) // the same, holding each request for d first
//	faults.RecordTLS(t, prom.URL, faults.NewCA(t), true) // the same over HTTPS, optionally mTLS
//
// Every server listens on 127.0.0.1 and is closed when the test ends.
package faults

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// ClosedPort returns the URL of a loopback port that was free a moment ago and is closed now.
func ClosedPort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr
}

// Server is a misbehaving server.
type Server struct {
	URL string
	srv *httptest.Server

	requests  atomic.Int64
	cancelled atomic.Int64
	stop      chan struct{}
	stopOnce  sync.Once
}

// Requests is how many requests reached the server.
func (s *Server) Requests() int64 { return s.requests.Load() }

// Cancelled is how many requests the client gave up on while the server was still holding them.
func (s *Server) Cancelled() int64 { return s.cancelled.Load() }

// Close stops the server, releasing any held request first.
func (s *Server) Close() {
	s.stopOnce.Do(func() { close(s.stop) })
	s.srv.Close()
}

func start(t testing.TB, h func(s *Server, w http.ResponseWriter, r *http.Request)) *Server {
	t.Helper()
	s := &Server{stop: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		h(s, w, r)
	}))
	s.URL = s.srv.URL
	t.Cleanup(s.Close)
	return s
}

// Hang accepts every request and never answers until the client cancels or the test ends.
func Hang(t testing.TB) *Server {
	return start(t, func(s *Server, _ http.ResponseWriter, r *http.Request) {
		// net/http notices a client hanging up only once the request body is consumed.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
			s.cancelled.Add(1)
		case <-s.stop:
		}
	})
}

// HTML5xx answers every request with the status and an HTML page, as a reverse proxy does.
func HTML5xx(t testing.TB, status int) *Server {
	return start(t, func(_ *Server, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<html>\n<head><title>%d %s</title></head>\n<body>\n<center><h1>%d %s</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n",
			status, http.StatusText(status), status, http.StatusText(status))
	})
}

// MalformedJSONBody is what MalformedJSON serves: a Prometheus answer cut short.
const MalformedJSONBody = `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"mahavishnu"},"values":[[1700000000,"1.5"],[17000`

// MalformedJSON answers 200 application/json with truncated JSON.
func MalformedJSON(t testing.TB) *Server {
	return start(t, func(_ *Server, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, MalformedJSONBody)
	})
}

// Oversize answers 200 with a valid Prometheus matrix (for every API path) of at least n bytes,
// streamed, so the only thing wrong with it is its size.
func Oversize(t testing.TB, n int) *Server {
	return start(t, func(s *Server, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		var b bytes.Buffer
		b.WriteString(`{"status":"success","data":{"resultType":"matrix","result":[`)
		for i := 0; b.Len() < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"metric":{"job":"job-%d"},"values":[`, i)
			for k := 0; k < 100; k++ {
				if k > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `[%d,"%d.5"]`, 1700000000+15*k, k)
			}
			b.WriteString(`]}`)
			if b.Len() > 64<<10 {
				if _, err := w.Write(b.Bytes()); err != nil {
					return
				}
				n -= b.Len()
				b.Reset()
			}
		}
		b.WriteString(`]}}`)
		_, _ = w.Write(b.Bytes())
	})
}

// Request is one request a Recorder saw.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   string
}

// Recorder proxies to an upstream and remembers each request.
type Recorder struct {
	URL string
	srv *httptest.Server
	mu  sync.Mutex
	got []Request

	inFlight    atomic.Int64
	maxInFlight atomic.Int64
}

// MaxInFlight is the largest number of requests the recorder held at once.
func (r *Recorder) MaxInFlight() int64 { return r.maxInFlight.Load() }

// Requests returns a copy of what was seen so far.
func (r *Recorder) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.got...)
}

// HeaderValues returns every value the named header had across all requests.
func (r *Recorder) HeaderValues(name string) []string {
	var out []string
	for _, q := range r.Requests() {
		out = append(out, q.Header.Values(name)...)
	}
	return out
}

func newRecorder(t testing.TB, upstream string, delay time.Duration) *Recorder {
	t.Helper()
	target, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	rec := &Recorder{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		_ = r.Body.Close()
		q := r.URL.Query()
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			if form, err := url.ParseQuery(string(body)); err == nil {
				for k, v := range form {
					q[k] = append(q[k], v...)
				}
			}
		}
		rec.mu.Lock()
		rec.got = append(rec.got, Request{Method: r.Method, Path: r.URL.Path, Query: q, Header: r.Header.Clone(), Body: string(body)})
		rec.mu.Unlock()
		n := rec.inFlight.Add(1)
		defer rec.inFlight.Add(-1)
		for {
			m := rec.maxInFlight.Load()
			if n <= m || rec.maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		proxy.ServeHTTP(w, r)
	}))
	// A refused handshake is what the TLS tests expect; keep it out of the test output.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	rec.srv = srv
	return rec
}

// Record starts a reverse proxy to upstream that remembers every request.
func Record(t testing.TB, upstream string) *Recorder {
	t.Helper()
	return RecordSlow(t, upstream, 0)
}

// RecordSlow is Record with every request held for delay before it is proxied, so that
// requests sent together overlap and MaxInFlight shows whether they were.
func RecordSlow(t testing.TB, upstream string, delay time.Duration) *Recorder {
	t.Helper()
	rec := newRecorder(t, upstream, delay)
	rec.srv.Start()
	rec.URL = rec.srv.URL
	t.Cleanup(rec.srv.Close)
	return rec
}

// RecordTLS is Record over HTTPS with the CA's server certificate; requireClient makes the
// server demand a client certificate signed by the CA.
func RecordTLS(t testing.TB, upstream string, ca *CA, requireClient bool) *Recorder {
	t.Helper()
	rec := newRecorder(t, upstream, 0)
	rec.srv.TLS = ca.ServerTLS(requireClient)
	rec.srv.StartTLS()
	rec.URL = rec.srv.URL
	t.Cleanup(rec.srv.Close)
	return rec
}
