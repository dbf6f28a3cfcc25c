// Package faults holds real loopback HTTP servers that misbehave the ways an upstream
// Prometheus can, for failures a real Prometheus cannot be made to show on demand:
//
//	faults.ClosedPort(t)              // URL of a port nobody listens on: connection refused
//	faults.Hang(t)                    // accepts, never answers; counts requests and cancellations
//	faults.SlowHeaders(t, d)          // answers correctly, but only after d
//	faults.SlowBody(t, d)             // sends the first bytes at once, the rest after d
//	faults.HTML5xx(t, 502)            // a proxy's HTML error page
//	faults.PromError(t, 400, "bad_data", "...") // Prometheus's own error JSON
//	faults.MalformedJSON(t)           // 200 with truncated JSON
//	faults.TruncatedBody(t)           // promises more bytes than it sends, then hangs up
//	faults.Oversize(t, n)             // 200 with a valid Prometheus answer of at least n bytes
//	faults.WrongContentType(t)        // 200 with a login page
//	faults.RedirectLoop(t)            // redirects every request to itself
//	faults.Warnings(t, text)          // data with the warnings of a partial answer
//	faults.UntrustedTLS(t)            // HTTPS with a certificate from an unknown CA
//	faults.Matrix(t)                  // a small valid matrix for every request
//	faults.Watch(t)                   // holds each request and records when the client hangs up
//	faults.Record(t, prom.URL)        // proxies to a real Prometheus, remembering each request
//	faults.RecordSlow(t, prom.URL, d) // the same, holding each request for d first
//	faults.RecordTLS(t, prom.URL, faults.NewCA(t), true) // the same over HTTPS, optionally mTLS
//
// Every server listens on 127.0.0.1, answers every request the same way (no state carries
// from one request to the next but the counters) and is closed when the test ends.
package faults

import (
	"bufio"
	"bytes"
	"crypto/tls"
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
	"syscall"
	"testing"
	"time"
)

// ClosedPort returns the URL of a loopback port that refuses connections. A socket is
// bound to it without listening, which refuses a connection as a closed port does, and is
// held until the test ends: a port merely closed again could be handed to the next server
// the test starts, which then answers where a refusal was expected.
func ClosedPort(t testing.TB) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	syscall.CloseOnExec(fd)
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	in, ok := sa.(*syscall.SockaddrInet4)
	if !ok {
		t.Fatalf("a loopback socket named %T", sa)
	}
	return fmt.Sprintf("http://127.0.0.1:%d", in.Port)
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
	return startWith(t, nil, h)
}

// startWith starts the server over HTTPS when tlsConfig is given.
func startWith(t testing.TB, tlsConfig *tls.Config, h func(s *Server, w http.ResponseWriter, r *http.Request)) *Server {
	t.Helper()
	s := &Server{stop: make(chan struct{})}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		h(s, w, r)
	}))
	// A refused handshake or a client hanging up is what these servers are for.
	s.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if tlsConfig != nil {
		s.srv.TLS = tlsConfig
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	s.URL = s.srv.URL
	t.Cleanup(s.Close)
	return s
}

// OKMatrix is the small valid matrix Matrix, SlowHeaders, SlowBody, Warnings and
// UntrustedTLS answer with.
const OKMatrix = `{"resultType":"matrix","result":[{"metric":{"job":"mahavishnu"},"values":[[1700000000,"1"],[1700000015,"2"]]}]}`

// OKBody is the whole answer around OKMatrix.
const OKBody = `{"status":"success","data":` + OKMatrix + `}`

func jsonReply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// Matrix answers every request with OKBody.
func Matrix(t testing.TB) *Server {
	return start(t, func(_ *Server, w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		jsonReply(w, 200, OKBody)
	})
}

// SlowHeaders answers with OKBody, but only after d.
func SlowHeaders(t testing.TB, d time.Duration) *Server {
	return start(t, func(s *Server, w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-time.After(d):
			jsonReply(w, 200, OKBody)
		case <-r.Context().Done():
			s.cancelled.Add(1)
		case <-s.stop:
		}
	})
}

// SlowBody sends the headers and the first bytes of OKBody at once, the rest after d.
func SlowBody(t testing.TB, d time.Duration) *Server {
	return start(t, func(s *Server, w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		_, _ = io.WriteString(w, `{"status":"success","data":`)
		w.(http.Flusher).Flush()
		select {
		case <-time.After(d):
			_, _ = io.WriteString(w, OKMatrix+`}`)
		case <-r.Context().Done():
			s.cancelled.Add(1)
		case <-s.stop:
		}
	})
}

// PromError answers as Prometheus does when it rejects a query.
func PromError(t testing.TB, status int, errorType, message string) *Server {
	return start(t, func(_ *Server, w http.ResponseWriter, _ *http.Request) {
		jsonReply(w, status, fmt.Sprintf(`{"status":"error","errorType":%q,"error":%q}`, errorType, message))
	})
}

// raw answers every request by writing on the bare connection, closed afterwards.
func raw(t testing.TB, answer func(conn net.Conn, buf *bufio.ReadWriter)) *Server {
	return start(t, func(_ *Server, w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		answer(conn, buf)
	})
}

// TruncatedBody promises 4096 bytes, sends 60 and closes the connection.
func TruncatedBody(t testing.TB) *Server {
	return raw(t, func(_ net.Conn, buf *bufio.ReadWriter) {
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n")
		_, _ = buf.WriteString(`{"status":"success","data":{"resultType":"matrix","result":[`)
		_ = buf.Flush()
	})
}

// ResetMidBody starts a chunked 200 answer (as Prometheus sends large ones), then resets the
// connection (RST, not a clean close), as a crashing server or a proxy dropping it does.
func ResetMidBody(t testing.TB) *Server {
	return raw(t, func(conn net.Conn, buf *bufio.ReadWriter) {
		part := `{"status":"success","data":{"resultType":"matrix","result":[`
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
		_, _ = fmt.Fprintf(buf, "%x\r\n%s\r\n", len(part), part)
		_ = buf.Flush()
		if tcp, ok := conn.(*net.TCPConn); ok {
			_ = tcp.SetLinger(0) // the close sends RST
		}
	})
}

// WrongContentType is a 200 that is not the API: a login page.
func WrongContentType(t testing.TB) *Server {
	return start(t, func(_ *Server, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<!doctype html><html><body><form>Sign in</form></body></html>")
	})
}

// RedirectLoop redirects every request to itself.
func RedirectLoop(t testing.TB) *Server {
	return start(t, func(_ *Server, w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path, http.StatusTemporaryRedirect)
	})
}

// Warnings answers with OKMatrix and the warnings Prometheus attaches to partial answers.
func Warnings(t testing.TB, text string) *Server {
	return start(t, func(_ *Server, w http.ResponseWriter, _ *http.Request) {
		jsonReply(w, 200, fmt.Sprintf(`{"status":"success","warnings":[%q],"data":%s}`, text, OKMatrix))
	})
}

// UntrustedTLS answers OKBody over HTTPS with a certificate signed by a CA of its own,
// which no datasource trusts.
func UntrustedTLS(t testing.TB) *Server {
	return startWith(t, NewCA(t).ServerTLS(false), func(_ *Server, w http.ResponseWriter, _ *http.Request) {
		jsonReply(w, 200, OKBody)
	})
}

// Literal answers every request 200 application/json with body.
func Literal(t testing.TB, body string) *Server {
	return start(t, func(_ *Server, w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		jsonReply(w, 200, body)
	})
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

// Oversize answers every request 200 with a valid Prometheus matrix (for every API path) of
// at least n bytes, streamed, so the only thing wrong with it is its size.
func Oversize(t testing.TB, n int) *Server {
	return start(t, func(_ *Server, w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		// What this answer has still to send: each request counts down its own.
		left := n
		var b bytes.Buffer
		b.WriteString(`{"status":"success","data":{"resultType":"matrix","result":[`)
		for i := 0; b.Len() < left; i++ {
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
				left -= b.Len()
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
	// Encoding is the Content-Encoding the upstream answered with ("" when uncompressed).
	Encoding string
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
		i := len(rec.got)
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
		rec.mu.Lock()
		rec.got[i].Encoding = w.Header().Get("Content-Encoding")
		rec.mu.Unlock()
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

// Watched accepts connections, reads each request and holds it without answering, and
// records when each request arrived and when its client closed the socket.
type Watched struct {
	URL string
	// Arrived and Closed receive a time per request (buffered for 16).
	Arrived, Closed chan time.Time
	requests        atomic.Int64
}

// Requests is how many requests reached the server.
func (u *Watched) Requests() int64 { return u.requests.Load() }

// Watch starts a Watched server.
func Watch(t testing.TB) *Watched {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := &Watched{URL: "http://" + ln.Addr().String(), Arrived: make(chan time.Time, 16), Closed: make(chan time.Time, 16)}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go u.hold(conn)
		}
	}()
	t.Cleanup(func() { _ = ln.Close() })
	return u
}

func (u *Watched) hold(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	req, err := http.ReadRequest(r)
	if err != nil {
		return
	}
	_, _ = io.Copy(io.Discard, req.Body)
	u.requests.Add(1)
	u.Arrived <- time.Now()
	// The next read returns only when the client closes the socket.
	var one [1]byte
	_, _ = r.Read(one[:])
	u.Closed <- time.Now()
}
