// Package load_test proves the plugin under load: the queries of one request run together,
// maxConcurrentQueries queues the rest instead of failing them, and 64 concurrent query
// streams neither fail nor pile up, with Prometheus up or down, within bounds of memory and
// descriptors.
package load_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/faults"
	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

const (
	loadWorkers = 64
	// loadRSSBound is the resident memory the plugin stays under during the load runs.
	loadRSSBound = 256 << 20
	// fdBound is the open descriptors the plugin stays under: no connection pile-up.
	fdBound = 512
)

// loadDuration is 60 s, or MCP_LOAD_SECONDS for a shorter look.
func loadDuration(t *testing.T) time.Duration {
	if v := os.Getenv("MCP_LOAD_SECONDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("MCP_LOAD_SECONDS=%q: use a whole number of seconds", v)
		}
		return time.Duration(n) * time.Second
	}
	return 60 * time.Second
}

type loadResult struct {
	latencies  []time.Duration
	failures   map[string]int
	maxRSS     int64
	maxFDs     int
	calls      int
	whole      time.Duration
	callErrors atomic.Int64
}

func (r *loadResult) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(p / 100 * float64(len(r.latencies)-1))
	return r.latencies[i]
}

// hammer runs loadWorkers loops of one-query QueryData calls for d and measures them.
func hammer(t *testing.T, p *host.Plugin, s host.Settings, queries []host.Query, d time.Duration) *loadResult {
	t.Helper()
	res := &loadResult{failures: map[string]int{}}
	var mu sync.Mutex
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()

	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopSampling:
				return
			case <-tick.C:
				if rss := testkit.RSS(t, p.PID()); rss > res.maxRSS {
					res.maxRSS = rss
				}
				if n := testkit.OpenFDs(p.PID()); n > res.maxFDs {
					res.maxFDs = n
				}
			}
		}
	}()

	started := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < loadWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []time.Duration
			fails := map[string]int{}
			for i := w; ctx.Err() == nil; i++ {
				q := queries[i%len(queries)]
				// Each call has its own deadline: the run's end must not cancel calls midway.
				callCtx, callCancel := context.WithTimeout(context.Background(), 60*time.Second)
				t0 := time.Now()
				out, err := p.QueryData(callCtx, s, nil, q)
				local = append(local, time.Since(t0))
				callCancel()
				if err != nil {
					res.callErrors.Add(1)
					fails["call: "+err.Error()]++
					continue
				}
				if e := out[q.RefID].Error; e != "" {
					fails[q.QueryType+": "+firstWords(e)]++
				}
			}
			mu.Lock()
			res.latencies = append(res.latencies, local...)
			for k, v := range fails {
				res.failures[k] += v
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.whole = time.Since(started)
	close(stopSampling)
	<-sampled
	sort.Slice(res.latencies, func(i, j int) bool { return res.latencies[i] < res.latencies[j] })
	res.calls = len(res.latencies)
	return res
}

// firstWords keeps an error's kind and drops its port numbers, to group failures.
func firstWords(e string) string {
	if i := strings.Index(e, ": "); i > 0 && i < 80 {
		e = e[i+2:]
	}
	if len(e) > 60 {
		e = e[:60]
	}
	return e
}

func (r *loadResult) summary() string {
	return fmt.Sprintf("%d calls in %s (%.0f/s), p50 %s, p99 %s, max %s, max RSS %s, max open fds %d",
		r.calls, r.whole.Round(time.Millisecond), float64(r.calls)/r.whole.Seconds(),
		r.percentile(50).Round(time.Microsecond*10), r.percentile(99).Round(time.Microsecond*10),
		r.percentile(100).Round(time.Microsecond*10), testkit.MiB(r.maxRSS), r.maxFDs)
}

func loadQueries(ds *fixture.Dataset) []host.Query {
	from, to := ds.Now.Add(-3*time.Hour), ds.Now
	q := func(ref, typ string) host.Query {
		return host.Query{RefID: ref, QueryType: typ, From: from, To: to, IntervalMS: 15000, MaxDataPoints: 1000}
	}
	return []host.Query{q("rate", "requestRate"), q("lat", "requestLatency"), q("err", "errorRate"), q("tools", "toolHealth"), q("pools", "poolCapacity")}
}

// checkSettled reads the plugin's metrics: nothing left in flight or queued.
func checkSettled(t *testing.T, p *host.Plugin) {
	t.Helper()
	text, err := p.CollectMetrics(testkit.Ctx(t, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	got := testkit.Samples(t, text)
	for _, k := range []string{"mcp_plugin_queries_in_flight", "mcp_plugin_queries_queued"} {
		if v, ok := got[k]; !ok || v != 0 {
			t.Errorf("%s = %v after the run, want 0", k, v)
		}
	}
}

func TestTheQueriesOfOneRequestRunConcurrently(t *testing.T) {
	w := fixture.StartWorld(t, nil, host.Options{})
	rec := faults.RecordSlow(t, w.Prom.URL, 400*time.Millisecond)
	s := host.Settings{URL: rec.URL, UID: "slow"}
	from, to := w.DS.Now.Add(-time.Hour), w.DS.Now
	var qs []host.Query
	for _, id := range []string{"A", "B", "C", "D"} {
		qs = append(qs, host.Query{RefID: id, QueryType: "requestRate", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 500})
	}
	start := time.Now()
	res, err := w.Plugin.QueryData(testkit.Ctx(t, 30*time.Second), s, nil, qs...)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	for _, q := range qs {
		if res[q.RefID].Error != "" {
			t.Errorf("refId %s: %s", q.RefID, res[q.RefID].Error)
		}
	}
	if rec.MaxInFlight() < int64(len(qs)) {
		t.Errorf("at most %d upstream requests were in flight together, want all %d queries at once (took %s)", rec.MaxInFlight(), len(qs), took)
	}
}

func TestSixtyFourConcurrentQueryStreamsAgainstPrometheus(t *testing.T) {
	w := fixture.StartWorld(t, nil, host.Options{})
	p := w.Plugin
	r := hammer(t, p, w.Settings("load", nil), loadQueries(w.DS), loadDuration(t))
	t.Logf("Prometheus up, %d workers: %s", loadWorkers, r.summary())
	if len(r.failures) > 0 {
		t.Errorf("failures under load: %v", r.failures)
	}
	if r.calls < loadWorkers {
		t.Errorf("only %d calls completed", r.calls)
	}
	checkFootprint(t, p, r)
}

// checkFootprint requires the run's peak memory and descriptors within their bounds, and
// the process to settle afterwards.
func checkFootprint(t *testing.T, p *host.Plugin, r *loadResult) {
	t.Helper()
	if r.maxRSS > loadRSSBound {
		t.Errorf("RSS peaked at %s, over the bound %s", testkit.MiB(r.maxRSS), testkit.MiB(loadRSSBound))
	}
	if r.maxFDs > fdBound {
		t.Errorf("open descriptors peaked at %d, over %d", r.maxFDs, fdBound)
	}
	checkSettled(t, p)
}

func TestSixtyFourConcurrentQueryStreamsWithPrometheusDownFailFast(t *testing.T) {
	ds := fixture.NewDataset(fixture.DatasetOptions{})
	prom := fixture.StartPrometheus(t, fixture.PrometheusOptions{})
	p := host.Start(t, host.Options{})
	s := host.Settings{URL: prom.URL, UID: "down"}
	// Stop Prometheus: its port now refuses connections.
	if err := syscall.Kill(prom.PID, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	testkit.WaitFor(t, 30*time.Second, "Prometheus stopping", func() (bool, string) {
		return syscall.Kill(prom.PID, 0) != nil, "still running"
	})

	r := hammer(t, p, s, loadQueries(ds), loadDuration(t))
	t.Logf("Prometheus down, %d workers: %s", loadWorkers, r.summary())
	if r.callErrors.Load() > 0 {
		t.Errorf("%d calls failed as a whole instead of per query: %v", r.callErrors.Load(), r.failures)
	}
	failed := 0
	for k, n := range r.failures {
		failed += n
		if !strings.Contains(k, "refused") {
			t.Errorf("%d failures that are not a refused connection: %s", n, k)
		}
	}
	if failed != r.calls {
		t.Errorf("%d of %d queries failed; every one should, saying the connection was refused", failed, r.calls)
	}
	// Failing fast: a refused connection is answered in well under a second even with
	// 64 callers, and nothing piles up behind it.
	if p99 := r.percentile(99); p99 > time.Second {
		t.Errorf("p99 %s: failures are not fast", p99)
	}
	checkFootprint(t, p, r)
}

func TestMaxConcurrentQueriesQueuesInsteadOfFailing(t *testing.T) {
	w := fixture.StartWorld(t, nil, host.Options{})
	p := w.Plugin
	from, to := w.DS.Now.Add(-time.Hour), w.DS.Now
	var qs []host.Query
	for i := 0; i < 8; i++ {
		qs = append(qs, host.Query{RefID: fmt.Sprintf("Q%d", i), QueryType: "requestRate", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 300})
	}
	const hold = 300 * time.Millisecond

	for _, c := range []struct {
		limit    any // nil: the default, 16
		inFlight int64
	}{{limit: 2, inFlight: 2}, {limit: "3", inFlight: 3}, {limit: nil, inFlight: 8}} {
		t.Run(fmt.Sprintf("maxConcurrentQueries=%v", c.limit), func(t *testing.T) {
			rec := faults.RecordSlow(t, w.Prom.URL, hold)
			jd := map[string]any{}
			if c.limit != nil {
				jd["maxConcurrentQueries"] = c.limit
			}
			s := host.Settings{URL: rec.URL, UID: fmt.Sprintf("limit-%v", c.limit), JSONData: jd}

			// Watch the queue while the request runs.
			var maxQueued atomic.Int64
			stop := make(chan struct{})
			watched := make(chan struct{})
			go func() {
				defer close(watched)
				for {
					select {
					case <-stop:
						return
					case <-time.After(20 * time.Millisecond):
					}
					text, err := p.CollectMetrics(context.Background())
					if err != nil {
						continue
					}
					if v := int64(testkit.Samples(t, text)["mcp_plugin_queries_queued"]); v > maxQueued.Load() {
						maxQueued.Store(v)
					}
				}
			}()
			started := time.Now()
			res, err := p.QueryData(testkit.Ctx(t, 60*time.Second), s, nil, qs...)
			took := time.Since(started)
			close(stop)
			<-watched
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range qs {
				if r := res[q.RefID]; r.Error != "" || len(r.Frames) == 0 {
					t.Errorf("refId %s: error %q, %d frames: a query over the limit must wait, not fail", q.RefID, r.Error, len(r.Frames))
				}
			}
			if got := rec.MaxInFlight(); got != c.inFlight {
				t.Errorf("Prometheus saw %d queries at once, want %d", got, c.inFlight)
			}
			waves := (int64(len(qs)) + c.inFlight - 1) / c.inFlight
			if min := time.Duration(waves) * hold; took < min {
				t.Errorf("8 queries took %s, less than %d waves of %s", took, waves, hold)
			}
			if c.inFlight < int64(len(qs)) && maxQueued.Load() == 0 {
				t.Error("mcp_plugin_queries_queued never showed a waiting query")
			}
			t.Logf("8 queries, limit %v: at most %d upstream at once, %s in all, up to %d queued", c.limit, rec.MaxInFlight(), took.Round(time.Millisecond), maxQueued.Load())
		})
	}
}
