// Command soak runs the plugin's soak benchmark (tests/soak): the simulator switching
// scenarios, Prometheus scraping it, and the plugin binary asked by concurrent clients for
// every query type, format, resource and its health, sampled from /proc. It prints a line
// per sample, then the report as docs/RELIABILITY.md records it; it exits 1 when a call
// failed for a reason the soak cannot explain.
//
//	cd tests && MCP_PLUGIN_BINARY=/path/to/release/gpx_mcp go run ./cmd/soak -duration 30m
//
// Flags: -duration (default 30m, warm-up included; 1m with -warmup 20s for a first look), -warmup (5m), -clients (16), -sample (10s),
// -scenario-every (1m), -rest (3m). Binaries: MCP_PLUGIN_BINARY, MCP_SIMULATOR_BINARY, as for the tests.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/internal/standalone"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
	"github.com/mahavishnu/mcp-grafana/tests/soak"
)

func main() {
	var opts soak.Options
	flag.DurationVar(&opts.Duration, "duration", 30*time.Minute, "how long the load runs")
	flag.DurationVar(&opts.Warmup, "warmup", soak.LongestRange, "first part of the load, left out of the steady slopes")
	flag.IntVar(&opts.Clients, "clients", 16, "clients calling the plugin at once")
	flag.DurationVar(&opts.SampleEvery, "sample", 10*time.Second, "interval of the /proc samples")
	flag.DurationVar(&opts.ScenarioEvery, "scenario-every", time.Minute, "how long each simulator scenario plays")
	flag.DurationVar(&opts.Rest, "rest", 3*time.Minute, "after the load, how long to wait for idle connections to close before the rested sample (0: none)")
	flag.Parse()
	opts.Progress = func(s soak.Sample) {
		heap := "live " + testkit.MiB(int64(s.Heap.Live))
		if s.Heap.HasMalloc {
			heap += fmt.Sprintf(", malloc held %s free %s", testkit.MiB(int64(s.Heap.MallocHeld)), testkit.MiB(int64(s.Heap.MallocFree)))
		}
		fmt.Fprintf(os.Stderr, "%8s  %-16s rss %-10s heap %s fds %-4d threads %-3d tasks %-4.0f in flight %-3.0f calls %d\n",
			s.At.Round(time.Second), s.Scenario, testkit.MiB(s.RSS), heap, s.FDs, s.Threads, s.Tasks, s.InFlight, s.Calls)
	}

	tb := standalone.New("soak")
	var rep *soak.Report
	err := tb.Do(func() { rep = soak.Run(tb, opts) })
	tb.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
	fmt.Print(rep.Markdown())
	if n := rep.Unexplained(); n > 0 {
		fmt.Fprintf(os.Stderr, "soak: %d unexplained failures\n", n)
		os.Exit(1)
	}
}
