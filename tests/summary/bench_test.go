package summary_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
)

// BenchmarkEcosystemSummary compares one ecosystemSummary QueryData, through the host as
// Grafana calls it, with the slowest single Prometheus call it makes, each PromQL of the
// query's executedQueryString sent alone to /api/v1/query at the same evaluation time.
// Reported: query-ms (QueryData), slowest-call-ms and their ratio (the target is <= 1.2);
// round-ms, the same calls fired concurrently from Go, and query/round, what the plugin
// adds to that round.
//
//	cd tests && go test ./summary/ -run '^$' -bench EcosystemSummary -benchtime 50x
func BenchmarkEcosystemSummary(b *testing.B) {
	// Scraping every 5 s keeps the simulator and ingestion from competing with the
	// measured calls on a small machine.
	w := startWith(b, fixture.EcosystemOptions{
		Simulator:      fixture.SimulatorOptions{Seed: 23, ExtraServers: 12, ToolsPerServer: 40},
		ScrapeInterval: 5 * time.Second,
		NoRules:        true,
	})
	js := map[string]any{"rateWindow": "1m"}
	jobs := len(w.eco.Sim.Servers)
	waitFor(b, 60*time.Second, "every service in the summary", func() (bool, string) {
		rs := rows(b, frameNamed(b, w.summaryNow(b, js), "ecosystemSummary"))
		have := 0
		for _, r := range rs {
			if r.values["request rate"] != nil {
				have++
			}
		}
		return have == jobs, describe(rs)
	})
	to := time.Now()
	from := to.Add(-5 * time.Minute)
	summary := frameNamed(b, w.query(b, nil, "ecosystemSummary", from, to, js), "ecosystemSummary")
	exprs := strings.Split(summary.Meta.ExecutedQueryString, "\n")
	at := strconv.FormatFloat(float64(to.UnixMilli())/1000, 'f', 3, 64)

	b.ResetTimer()
	var query, slowest, round time.Duration
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		w.query(b, nil, "ecosystemSummary", from, to, js)
		query += time.Since(t0)

		var worst time.Duration
		for _, e := range exprs {
			t0 := time.Now()
			instantQuery(b, w.eco.Prom.URL, e, at)
			if d := time.Since(t0); d > worst {
				worst = d
			}
		}
		slowest += worst

		t0 = time.Now()
		var wg sync.WaitGroup
		for _, e := range exprs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				instantQuery(b, w.eco.Prom.URL, e, at)
			}()
		}
		wg.Wait()
		round += time.Since(t0)
	}
	if testing.Verbose() {
		for _, e := range exprs {
			t0 := time.Now()
			instantQuery(b, w.eco.Prom.URL, e, at)
			b.Logf("%6.1f ms  %s", float64(time.Since(t0).Microseconds())/1000, e)
		}
	}
	b.StopTimer()
	perQuery := float64(query.Microseconds()) / 1000 / float64(b.N)
	perSlowest := float64(slowest.Microseconds()) / 1000 / float64(b.N)
	b.ReportMetric(perQuery, "query-ms")
	b.ReportMetric(perSlowest, "slowest-call-ms")
	perRound := float64(round.Microseconds()) / 1000 / float64(b.N)
	b.ReportMetric(perQuery/perSlowest, "ratio")
	b.ReportMetric(perRound, "round-ms")
	b.ReportMetric(perQuery/perRound, "query/round")
	b.ReportMetric(float64(len(exprs)), "calls")
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
