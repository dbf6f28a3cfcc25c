// Package e2e measures the plugin end to end and its footprint, through the same Go host
// the end-to-end tests use (tests/host: go-plugin and pluginv2 as Grafana drives them) against
// Debian's Prometheus backfilled with a synthetic dataset (tests/fixture).
//
//	MCP_BENCH=1 go test ./e2e -run . -v -timeout 60m     # full figures (docs/PERFORMANCE.md)
//	go test ./e2e -run . -v                               # smoke: tiny sizes, one repetition
//
// Environment: MCP_PLUGIN_BINARY (default target/debug/gpx_mcp; measure a release build),
// MCP_MINIMAL_PLUGIN (the Go yardstick, bench/peer/minimal; built by the test when unset),
// MCP_BENCH_SERIES (default 100,1000,10000; smoke 20), MCP_BENCH_POINTS (default 240;
// smoke 20), MCP_BENCH_REPS (default 7; smoke 1), MCP_BENCH_OVERSIZE (a series count, such
// as 100000, asked for as copies of the largest size: the answer must fail with the size
// limit, its peak memory recorded), MCP_BENCH_SPANS (a file: our plugin's debug log of the
// end-to-end run, where each range answer's parse and frame time, the time left after its
// last byte and the reply's sending time are logged). Every figure is printed as one JSON line starting with
// "FIGURE"; nothing here asserts a time.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/klauspost/compress/gzip"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/host"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"
)

const step = 15 * time.Second

type config struct {
	full     bool
	series   []int
	points   int
	reps     int
	oversize int
}

func load() config {
	c := config{full: os.Getenv("MCP_BENCH") == "1", series: []int{20}, points: 20, reps: 1}
	if c.full {
		c.series, c.points, c.reps = []int{100, 1000, 10000}, 240, 7
	}
	if v := os.Getenv("MCP_BENCH_SERIES"); v != "" {
		c.series = nil
		for _, s := range strings.Split(v, ",") {
			if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n > 0 {
				c.series = append(c.series, n)
			}
		}
	}
	if n, err := strconv.Atoi(os.Getenv("MCP_BENCH_POINTS")); err == nil && n > 1 {
		c.points = n
	}
	if n, err := strconv.Atoi(os.Getenv("MCP_BENCH_REPS")); err == nil && n > 0 {
		c.reps = n
	}
	if n, err := strconv.Atoi(os.Getenv("MCP_BENCH_OVERSIZE")); err == nil && n > 0 {
		c.oversize = n
	}
	return c
}

// dataset is OpenMetrics text: for each size N, a gauge family bench_N with N series of
// `points` samples 15 s apart ending at `end`, values with a realistic number of digits.
func dataset(sizes []int, points int, end time.Time) []byte {
	var b bytes.Buffer
	first := end.Add(-time.Duration(points-1) * step).Unix()
	for _, n := range sizes {
		fmt.Fprintf(&b, "# TYPE bench_%d gauge\n", n)
		for s := 0; s < n; s++ {
			labels := fmt.Sprintf(`{job="mcp-server-%02d",instance="10.0.%d.%d:9100",series="%05d"}`, s%16, s/250, s%250, s)
			for p := 0; p < points; p++ {
				v := float64((s*7919+p*104729)%100000) / 7.0
				fmt.Fprintf(&b, "bench_%d%s %s %d\n", n, labels, strconv.FormatFloat(v, 'f', -1, 64), first+int64(p)*int64(step/time.Second))
			}
		}
	}
	b.WriteString("# EOF\n")
	return b.Bytes()
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func figure(t *testing.T, kv map[string]any) {
	t.Helper()
	line, _ := json.Marshal(kv)
	fmt.Printf("FIGURE %s\n", line)
}

// directClient keeps its connections, as the plugins do; it never asks for gzip by itself.
var directClient = &http.Client{Transport: &http.Transport{DisableCompression: true}}

// direct is the same range query straight to Prometheus, the body read to its end (and
// gunzipped with klauspost/compress, as fast as zlib, when gzip is on), as the yardstick
// of the plugin's added cost. It returns the time, the time to the body's first byte
// (Prometheus 2.42 encodes the whole answer before it sends any of it, so nothing can be
// parsed while it encodes), the body's size and the bytes that crossed the wire.
func direct(ctx context.Context, base, expr string, from, to time.Time, gz bool) (took, first time.Duration, size, wire int, err error) {
	v := url.Values{
		"query": {expr},
		"start": {strconv.FormatInt(from.Truncate(step).Unix(), 10)},
		"end":   {strconv.FormatInt(to.Truncate(step).Unix(), 10)},
		"step":  {"15"},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/query_range", strings.NewReader(v.Encode()))
	if err != nil {
		return 0, 0, 0, 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if gz {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	start := time.Now()
	rsp, err := directClient.Do(req)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	defer rsp.Body.Close()
	counted := &counter{r: rsp.Body, start: start}
	var body io.Reader = counted
	if rsp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(counted)
		if err != nil {
			return 0, 0, 0, 0, err
		}
		body = zr
	}
	n, err := io.Copy(io.Discard, body)
	took = time.Since(start)
	if rsp.StatusCode != http.StatusOK {
		return 0, 0, 0, 0, fmt.Errorf("HTTP %d", rsp.StatusCode)
	}
	return took, counted.first, int(n), counted.n, err
}

// counter counts the bytes read through it and notes when the first arrived.
type counter struct {
	r     io.Reader
	n     int
	start time.Time
	first time.Duration
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.n == 0 && n > 0 {
		c.first = time.Since(c.start)
	}
	c.n += n
	return n, err
}

func pluginBinary(t *testing.T) string {
	p, err := host.BinaryPath()
	if err != nil {
		t.Fatal(err)
	}
	host.RequireBinary(t, p)
	return p
}

func minimalBinary(t *testing.T) string {
	if p := os.Getenv("MCP_MINIMAL_PLUGIN"); p != "" {
		return p
	}
	out := filepath.Join(t.TempDir(), "minimal")
	cmd := exec.Command("go", "build", "-o", out, "../minimal")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the minimal Go plugin: %v\n%s", err, b)
	}
	return out
}

// settings is one datasource per URL and compression ("gzip" or "none"): the plugin
// caches an instance by its UID, as it must for Grafana, so other settings need another UID.
func settings(prom, compression string) host.Settings {
	return host.Settings{
		URL: prom,
		UID: "bench-" + compression + "-" + strings.NewReplacer(":", "-", "/", "-", ".", "-").Replace(prom),
		JSONData: map[string]any{
			"timeout":          120,
			"maxResponseBytes": 2 << 30,
			"timeInterval":     "15s",
			"compression":      compression,
		},
	}
}

func promqlQuery(expr string, from, to time.Time, points int) host.Query {
	return host.Query{
		RefID: "A", QueryType: "promql", From: from, To: to,
		IntervalMS: step.Milliseconds(), MaxDataPoints: int64(points),
		JSON: map[string]any{"expr": expr, "legendFormat": ""},
	}
}

func rss(pid int) (cur, peak int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			cur = v
		case "VmHWM:":
			peak = v
		}
	}
	return cur, peak
}

type env struct {
	cfg      config
	prom     *fixture.Prometheus
	from, to time.Time
}

// TestPerformance shares one backfilled Prometheus between the end-to-end and the
// footprint measurements.
func TestPerformance(t *testing.T) {
	cfg := load()
	end := time.Now().Truncate(step)
	prom := fixture.StartPrometheus(t, fixture.PrometheusOptions{
		Backfill:   dataset(cfg.series, cfg.points, end),
		ExtraFlags: []string{"--query.max-samples=200000000", "--query.timeout=15m"},
	})
	e := &env{cfg: cfg, prom: prom, from: end.Add(-time.Duration(cfg.points-1) * step), to: end}
	t.Run("EndToEnd", func(t *testing.T) { endToEnd(t, e) })
	t.Run("Footprint", func(t *testing.T) { footprint(t, e) })
	t.Run("PeakBySize", func(t *testing.T) { peakBySize(t, e) })
	t.Run("Oversize", func(t *testing.T) { oversize(t, e) })
}

// rawPlugin is a plugin process started with Grafana's environment and called over its
// pluginv2 gRPC service directly, so a QueryData call is timed without the frames being
// decoded (Grafana's decoding is timed separately).
type rawPlugin struct {
	data pluginv2.DataClient
	pid  int
	cmd  *exec.Cmd
	raw  *host.RawProcess
}

func startRaw(t *testing.T, bin string, env ...string) *rawPlugin {
	rp := host.StartRaw(t, bin, env...)
	parts := strings.Split(strings.TrimSpace(rp.FirstLine), "|")
	if len(parts) < 5 {
		t.Fatalf("%s: handshake %q", bin, rp.FirstLine)
	}
	target := parts[3]
	if parts[2] == "unix" {
		target = "unix://" + parts[3]
	}
	conn, err := grpc.NewClient(target,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(1<<31-1), grpc.MaxCallSendMsgSize(1<<31-1)))
	if err != nil {
		t.Fatalf("%s: %v", bin, err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return &rawPlugin{data: pluginv2.NewDataClient(conn), pid: rp.Cmd.Process.Pid, cmd: rp.Cmd, raw: rp}
}

// kill stops the process now (its cleanup would, at the end of the test).
func (p *rawPlugin) kill() error {
	_ = p.cmd.Process.Kill()
	return p.cmd.Wait()
}

// query times one QueryData call and returns the refId's frames, still encoded.
func (p *rawPlugin) query(ctx context.Context, s host.Settings, q host.Query) (time.Duration, [][]byte, error) {
	took, rsp, err := p.call(ctx, s, q)
	if err != nil {
		return 0, nil, err
	}
	r := rsp.Responses[q.RefID]
	if r == nil {
		return 0, nil, fmt.Errorf("no response for %s", q.RefID)
	}
	if r.Error != "" {
		return 0, nil, fmt.Errorf("%s", r.Error)
	}
	return took, r.Frames, nil
}

// call times one QueryData call and returns the whole reply.
func (p *rawPlugin) call(ctx context.Context, s host.Settings, q host.Query) (time.Duration, *pluginv2.QueryDataResponse, error) {
	req, err := host.QueryRequest(s, nil, q)
	if err != nil {
		return 0, nil, err
	}
	start := time.Now()
	rsp, err := p.data.QueryData(ctx, req)
	return time.Since(start), rsp, err
}

// endToEnd: QueryData (over gRPC, as Grafana calls it) divided by the direct HTTP time of
// the same query, per size and with gzip off and on, for our plugin and for the minimal Go
// plugin; and the time Grafana's SDK then spends decoding our frames.
func endToEnd(t *testing.T, e *env) {
	ctx := context.Background()
	spans := os.Getenv("MCP_BENCH_SPANS")
	var env []string
	if spans != "" {
		env = append(env, "RUST_LOG=info,mcp_plugin=debug")
	}
	ours := startRaw(t, pluginBinary(t), env...)
	theirs := startRaw(t, minimalBinary(t))
	if spans != "" {
		defer func() {
			if err := os.WriteFile(spans, []byte(ours.raw.Stderr.String()), 0o644); err != nil {
				t.Error(err)
			}
		}()
	}
	for _, n := range e.cfg.series {
		expr := fmt.Sprintf("bench_%d", n)
		q := promqlQuery(expr, e.from, e.to, e.cfg.points)
		for _, gz := range []bool{false, true} {
			base := e.prom.URL
			s := settings(base, map[bool]string{false: "none", true: "gzip"}[gz])
			var tDirect, tFirst, tOurs, tGo, tDecode []time.Duration
			var frames, body, wire int
			for r := 0; r < e.cfg.reps+1; r++ { // the first round warms caches and is dropped
				d, first, size, onWire, err := direct(ctx, base, expr, e.from, e.to, gz)
				if err != nil {
					t.Fatal(err)
				}
				o, raw, err := ours.query(ctx, s, q)
				if err != nil {
					t.Fatalf("QueryData %s: %v", expr, err)
				}
				start := time.Now()
				decoded, err := data.UnmarshalArrowFrames(raw)
				dec := time.Since(start)
				if err != nil {
					t.Fatalf("decoding our frames: %v", err)
				}
				frames = len(decoded)
				g, _, err := theirs.query(ctx, s, q)
				if err != nil {
					t.Fatalf("minimal Go plugin %s: %v", expr, err)
				}
				if r == 0 {
					continue
				}
				tDirect, tFirst, tOurs, tGo, tDecode, body, wire = append(tDirect, d), append(tFirst, first), append(tOurs, o), append(tGo, g), append(tDecode, dec), size, onWire
			}
			if frames != n {
				t.Fatalf("%s: %d frames, want %d", expr, frames, n)
			}
			md, mo, mg := median(tDirect), median(tOurs), median(tGo)
			figure(t, map[string]any{
				"figure": "end_to_end", "series": n, "points": e.cfg.points, "gzip": gz, "body_bytes": body, "wire_bytes": wire,
				"direct_ms": ms(md), "direct_first_byte_ms": ms(median(tFirst)), "ours_ms": ms(mo), "go_minimal_ms": ms(mg), "sdk_decode_ours_ms": ms(median(tDecode)),
				"ours_over_direct": ratio(mo, md), "go_minimal_over_direct": ratio(mg, md), "reps": len(tDirect),
			})
		}
	}
}

// footprint: exec to handshake, idle RSS, RSS after the largest response and peak RSS
// under 64 concurrent queries, for our plugin and the minimal Go plugin.
func footprint(t *testing.T, e *env) {
	largest := e.cfg.series[len(e.cfg.series)-1]
	smallest := e.cfg.series[0]
	for _, who := range []struct{ name, bin string }{{"ours", pluginBinary(t)}, {"go_minimal", minimalBinary(t)}} {
		var starts []time.Duration
		for r := 0; r < max(e.cfg.reps, 3); r++ {
			starts = append(starts, handshakeTime(t, who.bin))
		}
		p := host.Start(t, host.Options{Binary: who.bin})
		pid := p.PID()
		idle := settle(pid)
		ctx := context.Background()
		s := settings(e.prom.URL, "gzip")
		res, err := p.QueryData(ctx, s, nil, promqlQuery(fmt.Sprintf("bench_%d", largest), e.from, e.to, e.cfg.points))
		if err != nil || res["A"].Error != "" {
			t.Fatalf("%s: %v %s", who.name, err, res["A"].Error)
		}
		res = nil
		runtime.GC()
		after, peakLargest := rss(pid)
		// Reset the peak (VmHWM) so the concurrent phase is measured on its own.
		if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
			t.Logf("cannot reset the peak RSS (%v); the concurrent peak includes the largest response", err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for i := 0; i < 64; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := p.QueryData(ctx, s, nil, promqlQuery(fmt.Sprintf("bench_%d", smallest), e.from, e.to, e.cfg.points))
				if err == nil && r["A"].Error != "" {
					err = fmt.Errorf("%s", r["A"].Error)
				}
				if err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("%s concurrent: %v", who.name, err)
		}
		_, peakAll := rss(pid)
		figure(t, map[string]any{
			"figure": "footprint", "plugin": who.name, "handshake_ms": ms(median(starts)),
			"idle_rss_kb": idle, "largest_series": largest, "rss_after_largest_kb": after,
			"peak_rss_largest_kb": peakLargest, "concurrent": 64, "concurrent_series": smallest,
			"peak_rss_after_concurrent_kb": peakAll,
		})
		p.Kill()
	}
}

// peakBySize: for each size, a fresh process of each plugin answers it once (compression
// none, the faster on loopback); its idle RSS, its peak (VmHWM) and the size of the gRPC
// reply it sent. The peak against the reply is the memory goal's figure.
func peakBySize(t *testing.T, e *env) {
	ctx := context.Background()
	s := settings(e.prom.URL, "none")
	for _, n := range e.cfg.series {
		for _, who := range []struct{ name, bin string }{{"ours", pluginBinary(t)}, {"go_minimal", minimalBinary(t)}} {
			p := startRaw(t, who.bin)
			idle := settle(p.pid)
			took, rsp, err := p.call(ctx, s, promqlQuery(fmt.Sprintf("bench_%d", n), e.from, e.to, e.cfg.points))
			if err != nil || rsp.Responses["A"].GetError() != "" {
				t.Fatalf("%s %d series: %v %s", who.name, n, err, rsp.GetResponses()["A"].GetError())
			}
			reply := proto.Size(rsp)
			rsp = nil
			_, peak := rss(p.pid)
			figure(t, map[string]any{
				"figure": "peak_by_size", "plugin": who.name, "series": n, "points": e.cfg.points,
				"query_ms": ms(took), "idle_rss_kb": idle, "peak_rss_kb": peak, "reply_bytes": reply,
				"peak_over_reply":            float64(int(float64(peak*1000)/float64(reply)*1000)) / 1000,
				"peak_above_idle_over_reply": float64(int(float64((peak-idle)*1000)/float64(reply)*1000)) / 1000,
			})
			_ = p.kill()
		}
	}
}

// oversize: MCP_BENCH_OVERSIZE series (copies of the largest size, told apart by a label)
// asked of a fresh plugin, once under the default maxResponseBytes and once under the
// bench's 2 GiB limit (where the memory budget stops it): the answer must be the clean
// error, and the peak RSS is recorded.
func oversize(t *testing.T, e *env) {
	if e.cfg.oversize == 0 {
		t.Skip("MCP_BENCH_OVERSIZE not set")
	}
	largest := e.cfg.series[len(e.cfg.series)-1]
	copies := (e.cfg.oversize + largest - 1) / largest
	var parts []string
	for i := 0; i < copies; i++ {
		parts = append(parts, fmt.Sprintf(`label_replace(bench_%d, "copy", "%d", "", "")`, largest, i))
	}
	expr := strings.Join(parts, " or ")
	ctx := context.Background()
	limits := []struct {
		name string
		s    host.Settings
	}{{"default maxResponseBytes", settings(e.prom.URL, "none")}, {"maxResponseBytes 2 GiB", settings(e.prom.URL, "none")}}
	delete(limits[0].s.JSONData, "maxResponseBytes")
	limits[0].s.UID += "-default-limit"
	// Prometheus takes minutes to evaluate the copies on a shared machine.
	for _, l := range limits {
		l.s.JSONData["timeout"] = 900
	}
	for _, l := range limits {
		p := startRaw(t, pluginBinary(t))
		idle := settle(p.pid)
		took, rsp, err := p.call(ctx, l.s, promqlQuery(expr, e.from, e.to, e.cfg.points))
		if err != nil {
			t.Fatalf("%s: %v", l.name, err)
		}
		r := rsp.Responses["A"]
		if r.GetError() == "" {
			t.Fatalf("%s: %d series answered with %d frames; want the size limit", l.name, copies*largest, len(r.GetFrames()))
		}
		_, peak := rss(p.pid)
		figure(t, map[string]any{
			"figure": "oversize", "series": copies * largest, "points": e.cfg.points, "limit": l.name,
			"ours_ms": ms(took), "status": r.GetStatus(), "error": r.GetError(),
			"idle_rss_kb": idle, "peak_rss_kb": peak,
		})
		_ = p.kill()
	}
}

// handshakeTime is exec to the first stdout line (the go-plugin handshake).
func handshakeTime(t *testing.T, bin string) time.Duration {
	start := time.Now()
	rp := host.StartRaw(t, bin)
	took := time.Since(start)
	// Go plugins answer on a unix socket, ours on loopback TCP: both are handshakes.
	if !strings.HasPrefix(rp.FirstLine, "1|2|") {
		t.Fatalf("%s: first line %q is not a handshake", bin, rp.FirstLine)
	}
	_ = rp.Cmd.Process.Kill()
	_ = rp.Cmd.Wait()
	return took
}

// settle waits (with a deadline) until the RSS stops changing, then returns it.
func settle(pid int) int64 {
	deadline := time.Now().Add(5 * time.Second)
	last, _ := rss(pid)
	for time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		cur, _ := rss(pid)
		if cur == last {
			return cur
		}
		last = cur
	}
	return last
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(int(float64(a)/float64(b)*1000)) / 1000
}
