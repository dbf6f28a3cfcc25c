package querytypes_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

// BenchmarkEcosystemSummary compares one ecosystemSummary QueryData, through the host as
// Grafana calls it, with the slowest single Prometheus call it makes, each PromQL of the
// query's executedQueryString sent alone to /api/v1/query at the same evaluation time.
// Reported as medians over the iterations: query-ms (QueryData), slowest-call-ms and their
// ratio (the target is <= 1.2; mean-ratio is the same from means); round-ms, the same calls
// fired concurrently from Go, and query/round, what the plugin adds to that round.
//
//	cd tests && go test ./querytypes/ -run '^$' -bench EcosystemSummary -benchtime 150x
//
// MCP_BENCH_EXTRA_SERVERS (default 12, beside the three named servers) and MCP_BENCH_TOOLS
// (default 40 per server) size the simulated ecosystem.
func BenchmarkEcosystemSummary(b *testing.B) {
	// Scraping every 5 s keeps the simulator and ingestion from competing with the
	// measured calls on a small machine.
	w := startEcosystemWith(b, fixture.EcosystemOptions{
		Simulator:      fixture.SimulatorOptions{Seed: 23, ExtraServers: envInt(b, "MCP_BENCH_EXTRA_SERVERS", 12), ToolsPerServer: envInt(b, "MCP_BENCH_TOOLS", 40)},
		ScrapeInterval: 5 * time.Second,
		NoRules:        true,
	})
	js := map[string]any{"rateWindow": "1m"}
	jobs := len(w.eco.Sim.Servers)
	testkit.WaitFor(b, 60*time.Second, "every service in the summary", func() (bool, string) {
		rs := rows(b, testkit.FrameNamed(b, w.summaryNow(b, js), "ecosystemSummary"))
		have := 0
		for _, r := range rs {
			if r.Values["request rate"] != nil {
				have++
			}
		}
		return have == jobs, describe(rs)
	})
	to := time.Now()
	from := to.Add(-5 * time.Minute)
	summary := testkit.FrameNamed(b, w.query(b, nil, "ecosystemSummary", from, to, js), "ecosystemSummary")
	exprs := strings.Split(summary.Meta.ExecutedQueryString, "\n")
	at := strconv.FormatFloat(float64(to.UnixMilli())/1000, 'f', 3, 64)

	b.ResetTimer()
	var query, slowest, round []float64
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	// The three measurements take turns going first: each call leaves Prometheus work
	// (garbage collection) that slows whatever comes right after it.
	measure := []func(){
		func() {
			t0 := time.Now()
			w.query(b, nil, "ecosystemSummary", from, to, js)
			query = append(query, ms(time.Since(t0)))
		},
		func() {
			var worst time.Duration
			for _, e := range exprs {
				t0 := time.Now()
				instantQuery(b, w.eco.Prom.URL, e, at)
				worst = max(worst, time.Since(t0))
			}
			slowest = append(slowest, ms(worst))
		},
		func() {
			t0 := time.Now()
			var wg sync.WaitGroup
			for _, e := range exprs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					instantQuery(b, w.eco.Prom.URL, e, at)
				}()
			}
			wg.Wait()
			round = append(round, ms(time.Since(t0)))
		},
	}
	for i := 0; i < b.N; i++ {
		for k := range measure {
			measure[(i+k)%len(measure)]()
		}
	}
	b.StopTimer()
	if testing.Verbose() {
		for _, e := range exprs {
			t0 := time.Now()
			instantQuery(b, w.eco.Prom.URL, e, at)
			b.Logf("%6.1f ms  %.160s", ms(time.Since(t0)), e)
		}
	}
	b.ReportMetric(median(query), "query-ms")
	b.ReportMetric(median(slowest), "slowest-call-ms")
	b.ReportMetric(median(round), "round-ms")
	b.ReportMetric(median(query)/median(slowest), "ratio")
	b.ReportMetric(mean(query)/mean(slowest), "mean-ratio")
	b.ReportMetric(median(query)/median(round), "query/round")
	b.ReportMetric(float64(len(exprs)), "calls")
}

// envInt reads a size of the benchmarked ecosystem from the environment.
func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		b.Fatalf("%s=%q: want a whole number", name, v)
	}
	return n
}

// median of xs; the machine is shared, so one slow iteration must not move the figure.
func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

func mean(xs []float64) float64 {
	var sum float64
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

// instantQuery POSTs one PromQL to /api/v1/query, as the plugin does by default, and reads
// the whole answer.
func instantQuery(b *testing.B, base, expr, at string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	form := url.Values{"query": {expr}, "time": {at}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(base, "/")+"/api/v1/query", strings.NewReader(form.Encode()))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatalf("%s: %v", expr, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("%s: HTTP %d %v: %s", expr, resp.StatusCode, err, fmt.Sprintf("%.200s", body))
	}
}
