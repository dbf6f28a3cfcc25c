package simulator_test

import (
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
)

// BenchmarkScrapes50Servers2000Tools scrapes a 50-server, 2,000-tool simulator over HTTP with
// Prometheus's Accept header, round-robin over the servers, from concurrent clients, and
// reports scrapes per second. For the figure in docs/PERFORMANCE.md use a release build:
//
//	cargo build --release -p mcp-simulator
//	cd tests && MCP_SIMULATOR_BINARY=target/release/mcp-simulator \
//	  go test -run '^$' -bench Scrapes -benchtime 20s ./simulator/
func BenchmarkScrapes50Servers2000Tools(b *testing.B) {
	sim := fixture.StartSimulator(b, fixture.SimulatorOptions{Seed: 1, ExtraServers: 47, ToolsPerServer: 40})
	if len(sim.Servers) != 50 {
		b.Fatalf("simulator runs %d servers, want 50", len(sim.Servers))
	}
	urls := make([]string, len(sim.Servers))
	for i, s := range sim.Servers {
		urls[i] = "http://" + s.Address + "/metrics"
	}
	const accept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 4, MaxIdleConns: 256},
	}
	var next, bytes atomic.Int64
	b.SetParallelism(2) // 2 x GOMAXPROCS clients in flight
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			u := urls[int(next.Add(1))%len(urls)]
			req, _ := http.NewRequest(http.MethodGet, u, nil)
			req.Header.Set("Accept", accept)
			resp, err := client.Do(req)
			if err != nil {
				b.Errorf("scrape %s: %v", u, err)
				return
			}
			n, _ := io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("scrape %s: HTTP %d", u, resp.StatusCode)
				return
			}
			bytes.Add(n)
		}
	})
	elapsed := time.Since(start).Seconds()
	b.ReportMetric(float64(b.N)/elapsed, "scrapes/s")
	b.ReportMetric(float64(bytes.Load())/float64(b.N)/1024, "KiB/scrape")
}
