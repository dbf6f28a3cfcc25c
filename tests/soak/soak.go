// Package soak runs the plugin for a long time under mixed load and records whether it stays
// flat: the simulator switching scenarios, a Prometheus scraping it every second, and the
// plugin binary launched as Grafana launches it, asked by concurrent clients for every query
// type (in both formats where a type has two), every resource and its health.
//
// Every sample interval it reads the plugin's resident set, open descriptors and threads
// from /proc (the plugin reports no task count of its own; its queries in flight come from
// its metrics), and in the end the least-squares slope of each over the run. Every failed
// call is classified; a class not listed in Explained is an unexplained error.
//
//	tb := standalone.New("soak") // or a *testing.T
//	rep := soak.Run(tb, soak.Options{Duration: 30 * time.Minute})
//	fmt.Print(rep.Markdown())
//
// tests/cmd/soak is the command; docs/RELIABILITY.md has the figures of the recorded run.
package soak

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

// Scenarios are the simulator's scenarios, played in turn.
var Scenarios = []string{"healthy", "tool-failures", "pool-exhaustion", "service-down", "latency-spike", "slow-failures"}

// Explained are the classes of failure a soak may meet on a shared machine, with why; any
// other class is an unexplained error.
var Explained = map[string]string{
	"upstream timeout":       "Prometheus did not answer within the datasource timeout: the machine's cores were taken by other work; the query failed on its own refId, as it must",
	"health without scrapes": "every scrape of the simulator had just failed (Prometheus's targets down, their last error said why), so Prometheus had marked every series stale and no MCP family existed at that instant; health said so, as it must",
}

// Options shape a run; zero values take the defaults.
type Options struct {
	// Duration of the load (default 30 minutes).
	Duration time.Duration
	// Clients calling the plugin at once, each one call after another (default 16).
	Clients int
	// SampleEvery is the interval of the /proc samples (default 10 s).
	SampleEvery time.Duration
	// ScenarioEvery is how long each scenario plays (default 1 minute).
	ScenarioEvery time.Duration
	// Progress, when set, is called with each sample as it is taken.
	Progress func(Sample)
}

func (o *Options) defaults() {
	if o.Duration <= 0 {
		o.Duration = 30 * time.Minute
	}
	if o.Clients <= 0 {
		o.Clients = 16
	}
	if o.SampleEvery <= 0 {
		o.SampleEvery = 10 * time.Second
	}
	if o.ScenarioEvery <= 0 {
		o.ScenarioEvery = time.Minute
	}
}

// Sample is one reading of the plugin process.
type Sample struct {
	At       time.Duration // since the load started
	Scenario string
	RSS      int64 // bytes
	FDs      int
	Threads  int
	InFlight float64 // mcp_plugin_queries_in_flight
	Calls    int64   // calls ended so far
}

// Failure is one class of failed call: how many, and the first one's words.
type Failure struct {
	Count     int
	Kind      string // the call that first failed so
	First     string
	Explained string // why, from Explained; empty when unexplained
}

// Report is what a run measured.
type Report struct {
	Options  Options
	Binary   string
	Samples  []Sample // during the load, then one after it ended and the plugin was idle
	Calls    map[string]int64
	Failures map[string]*Failure
	Latency  []time.Duration // of every call, sorted
}

// op is one kind of call; it returns nil, or the failure's class and words.
type op struct {
	kind string
	call func(ctx context.Context) *failed
}

type failed struct{ class, msg string }

// Run starts the parts, runs the load for opts.Duration and returns what it measured. It
// fails tb only when a part cannot start or be read; failed calls are in the report.
func Run(tb testing.TB, opts Options) *Report {
	tb.Helper()
	opts.defaults()
	bin, err := host.BinaryPath()
	if err != nil {
		tb.Fatal(err)
	}
	host.RequireBinary(tb, bin)
	eco := fixture.StartEcosystem(tb, fixture.EcosystemOptions{})
	plugin := host.Start(tb, host.Options{Binary: bin})
	s := host.Settings{URL: eco.Prom.URL, UID: "soak", JSONData: map[string]any{"timeInterval": "1s"}}
	ops := operations(tb, plugin, s, eco)

	rep := &Report{Options: opts, Binary: bin, Calls: map[string]int64{}, Failures: map[string]*Failure{}}
	var mu sync.Mutex
	var ended atomic.Int64
	record := func(kind string, took time.Duration, f *failed) {
		ended.Add(1)
		mu.Lock()
		defer mu.Unlock()
		rep.Calls[kind]++
		rep.Latency = append(rep.Latency, took)
		if f == nil {
			return
		}
		if rep.Failures[f.class] == nil {
			rep.Failures[f.class] = &Failure{Kind: kind, First: f.msg, Explained: Explained[f.class]}
		}
		rep.Failures[f.class].Count++
	}

	scenario := 0
	sample := func(at time.Duration) {
		m := metrics(tb, plugin)
		smp := Sample{
			At: at, Scenario: Scenarios[scenario], RSS: testkit.RSS(tb, plugin.PID()), FDs: testkit.OpenFDs(plugin.PID()),
			Threads: testkit.Threads(tb, plugin.PID()), InFlight: m["mcp_plugin_queries_in_flight"], Calls: ended.Load(),
		}
		rep.Samples = append(rep.Samples, smp)
		if opts.Progress != nil {
			opts.Progress(smp)
		}
	}

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	started := time.Now()
	sample(0)
	for c := range opts.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; ctx.Err() == nil; i++ {
				o := ops[i%len(ops)]
				callCtx, cancel := context.WithTimeout(ctx, time.Minute)
				begun := time.Now()
				f := o.call(callCtx)
				cancel()
				if ctx.Err() != nil && f != nil {
					return // cut by the end of the run, not a failure
				}
				record(o.kind, time.Since(begun), f)
			}
		}()
	}
	// Samples and scenario changes happen here, on the caller's goroutine, where tb may fail.
	sampleTick := time.NewTicker(opts.SampleEvery)
	scenarioTick := time.NewTicker(opts.ScenarioEvery)
	end := time.After(opts.Duration)
load:
	for {
		select {
		case <-sampleTick.C:
			sample(time.Since(started))
		case <-scenarioTick.C:
			scenario = (scenario + 1) % len(Scenarios)
			eco.Sim.SetScenario(tb, Scenarios[scenario])
		case <-end:
			break load
		}
	}
	sampleTick.Stop()
	scenarioTick.Stop()
	stop()
	wg.Wait()
	// Idle again: nothing in flight, then the last sample.
	testkit.WaitFor(tb, time.Minute, "no query in flight after the load", func() (bool, string) {
		v := metrics(tb, plugin)["mcp_plugin_queries_in_flight"]
		return v == 0, fmt.Sprintf("%v in flight", v)
	})
	sample(time.Since(started))
	sort.Slice(rep.Latency, func(i, j int) bool { return rep.Latency[i] < rep.Latency[j] })
	return rep
}

func metrics(tb testing.TB, p *host.Plugin) map[string]float64 {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	text, err := p.CollectMetrics(ctx)
	if err != nil {
		tb.Fatalf("CollectMetrics: %v", err)
	}
	return testkit.Samples(tb, text)
}

// operations are the calls the clients take in turn: every query type the plugin lists (in
// each format where it reads `format`), every resource, and health.
func operations(tb testing.TB, p *host.Plugin, s host.Settings, eco *fixture.Ecosystem) []op {
	tb.Helper()
	jobs := eco.Sim.Jobs()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code, body, err := p.CallResource(ctx, s, "GET", "queryTypes", nil)
	if err != nil || code != 200 {
		tb.Fatalf("GET queryTypes: %d %v %s", code, err, body)
	}
	var types []struct {
		QueryType string   `json:"queryType"`
		Fields    []string `json:"fields"`
	}
	if err := json.Unmarshal(body, &types); err != nil || len(types) == 0 {
		tb.Fatalf("GET queryTypes: %v %s", err, body)
	}
	ranges := []time.Duration{5 * time.Minute, 15 * time.Minute, time.Hour}
	var ops []op
	for _, ty := range types {
		js := map[string]any{}
		if ty.QueryType == "promql" {
			js["expr"] = `sum by (job) (rate(mcp_http_requests_total[1m]))`
		}
		formats := []string{""}
		for _, f := range ty.Fields {
			if f == "format" {
				formats = []string{"timeseries", "table"}
			}
		}
		for _, format := range formats {
			q := map[string]any{}
			for k, v := range js {
				q[k] = v
			}
			kind := "query " + ty.QueryType
			if format != "" {
				q["format"] = format
				kind += " " + format
			}
			queryType, span := ty.QueryType, ranges[len(ops)%len(ranges)]
			ops = append(ops, op{kind: kind, call: func(ctx context.Context) *failed {
				now := time.Now()
				res, err := p.QueryData(ctx, s, nil, host.Query{RefID: "A", QueryType: queryType, From: now.Add(-span), To: now, MaxDataPoints: 300, JSON: q})
				if err != nil {
					return &failed{"call failed", err.Error()}
				}
				r, ok := res["A"]
				switch {
				case !ok:
					return &failed{"refId lost", "no answer for refId A"}
				case r.Error != "":
					return &failed{classify(r.Status, r.Error), fmt.Sprintf("status %d: %s", r.Status, r.Error)}
				case len(r.Frames) == 0:
					return &failed{"no frames", "answered without a frame"}
				}
				return nil
			}})
		}
	}
	window := func() string {
		now := time.Now()
		return "from=" + strconv.FormatInt(now.Add(-15*time.Minute).UnixMilli(), 10) + "&to=" + strconv.FormatInt(now.UnixMilli(), 10)
	}
	resource := func(kind, method string, path func() string, body []byte) op {
		return op{kind: "resource " + kind, call: func(ctx context.Context) *failed {
			code, out, err := p.CallResource(ctx, s, method, path(), body)
			switch {
			case err != nil:
				return &failed{"call failed", err.Error()}
			case code != 200:
				return &failed{"resource status", fmt.Sprintf("HTTP %d: %s", code, out)}
			}
			return nil
		}}
	}
	fixed := func(v string) func() string { return func() string { return v } }
	preview, _ := json.Marshal(map[string]any{"query": map[string]any{"queryType": "requestLatency"}})
	ops = append(ops,
		resource("queryTypes", "GET", fixed("queryTypes"), nil),
		resource("services", "GET", func() string { return "services?" + window() }, nil),
		resource("values/tool_name", "GET", func() string { return "values/tool_name?" + window() }, nil),
		resource("values/pool_type", "GET", func() string {
			return "values/pool_type?" + window() + "&services=" + url.QueryEscape(strings.Join(jobs, ","))
		}, nil),
		resource("promql", "POST", fixed("promql"), preview),
		resource("ecosystemCheck", "GET", fixed("ecosystemCheck"), nil),
		op{kind: "health", call: func(ctx context.Context) *failed {
			h, err := p.CheckHealth(ctx, s)
			switch {
			case err != nil:
				return &failed{"call failed", err.Error()}
			case h.Status.String() != "OK":
				if down := scrapesDown(ctx, eco); down != "" {
					return &failed{"health without scrapes", h.Message + " (targets then: " + down + ")"}
				}
				return &failed{"health not OK", h.Message}
			}
			return nil
		}},
	)
	return ops
}

// scrapesDown lists Prometheus's targets with their last scrape error when none is up, else
// says nothing.
func scrapesDown(ctx context.Context, eco *fixture.Ecosystem) string {
	targets, err := eco.ActiveTargets(ctx)
	if err != nil || len(targets) == 0 {
		return ""
	}
	var down []string
	for _, t := range targets {
		if t.Health == "up" {
			return ""
		}
		down = append(down, t.Job+" "+t.Health+": "+t.LastError)
	}
	return strings.Join(down, "; ")
}

// classify names a query error's class by its status and words.
func classify(status int32, msg string) string {
	switch {
	case status == 504 && strings.Contains(msg, "did not answer within"):
		return "upstream timeout"
	case status == 503 && strings.Contains(msg, "memory budget"):
		return "memory budget"
	default:
		return fmt.Sprintf("query error %d", status)
	}
}

// Slope is the least-squares slope of y over the samples' times, per hour.
func Slope(samples []Sample, y func(Sample) float64) float64 {
	n := float64(len(samples))
	if n < 2 {
		return 0
	}
	var sx, sy float64
	for _, s := range samples {
		sx += s.At.Hours()
		sy += y(s)
	}
	mx, my := sx/n, sy/n
	var num, den float64
	for _, s := range samples {
		dx := s.At.Hours() - mx
		num += dx * (y(s) - my)
		den += dx * dx
	}
	if den == 0 {
		return 0
	}
	return num / den
}

// Unexplained counts the failed calls whose class is not in Explained.
func (r *Report) Unexplained() int {
	n := 0
	for _, f := range r.Failures {
		if f.Explained == "" {
			n += f.Count
		}
	}
	return n
}

// TotalCalls is how many calls ended.
func (r *Report) TotalCalls() int64 {
	var n int64
	for _, c := range r.Calls {
		n += c
	}
	return n
}

// during is the samples taken while the load ran (the idle one after it left out).
func (r *Report) during() []Sample {
	if len(r.Samples) < 2 {
		return r.Samples
	}
	return r.Samples[:len(r.Samples)-1]
}

// secondHalf is the samples of the load's second half.
func (r *Report) secondHalf() []Sample {
	d := r.during()
	return d[len(d)/2:]
}

func rssMiB(s Sample) float64  { return float64(s.RSS) / (1 << 20) }
func fds(s Sample) float64     { return float64(s.FDs) }
func threads(s Sample) float64 { return float64(s.Threads) }

// Markdown is the report as docs/RELIABILITY.md records it.
func (r *Report) Markdown() string {
	var b strings.Builder
	d := r.during()
	first, last, idle := d[0], d[len(d)-1], r.Samples[len(r.Samples)-1]
	minMax := func(y func(Sample) float64) (float64, float64) {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, s := range d {
			lo, hi = math.Min(lo, y(s)), math.Max(hi, y(s))
		}
		return lo, hi
	}
	secs := r.Options.Duration.Seconds()
	fmt.Fprintf(&b, "%d clients for %s, %d samples every %s, scenarios every %s; plugin %s\n\n",
		r.Options.Clients, r.Options.Duration, len(d), r.Options.SampleEvery, r.Options.ScenarioEvery, r.Binary)
	fmt.Fprintf(&b, "| | start | end of load | idle after | min | max | slope, whole run | slope, second half |\n|---|---|---|---|---|---|---|---|\n")
	for _, row := range []struct {
		name string
		y    func(Sample) float64
		unit string
	}{{"RSS (MiB)", rssMiB, "MiB/h"}, {"open descriptors", fds, "/h"}, {"threads", threads, "/h"}} {
		lo, hi := minMax(row.y)
		fmt.Fprintf(&b, "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %+.2f %s | %+.2f %s |\n", row.name,
			row.y(first), row.y(last), row.y(idle), lo, hi, Slope(d, row.y), row.unit, Slope(r.secondHalf(), row.y), row.unit)
	}
	total := r.TotalCalls()
	q := func(p float64) time.Duration {
		if len(r.Latency) == 0 {
			return 0
		}
		return r.Latency[int(p*float64(len(r.Latency)-1))]
	}
	fmt.Fprintf(&b, "\nCalls: %d (%.1f/s) over %d kinds; latency p50 %s, p99 %s, max %s; failed: %d, unexplained: %d.\n",
		total, float64(total)/secs, len(r.Calls), q(0.5).Round(time.Millisecond), q(0.99).Round(time.Millisecond),
		q(1).Round(time.Millisecond), r.failed(), r.Unexplained())
	kinds := make([]string, 0, len(r.Calls))
	for k := range r.Calls {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	b.WriteString("\n| call | count |\n|---|---|\n")
	for _, k := range kinds {
		fmt.Fprintf(&b, "| %s | %d |\n", k, r.Calls[k])
	}
	if len(r.Failures) > 0 {
		b.WriteString("\n| failure class | count | first call | first message | explained |\n|---|---|---|---|---|\n")
		classes := make([]string, 0, len(r.Failures))
		for c := range r.Failures {
			classes = append(classes, c)
		}
		sort.Strings(classes)
		for _, c := range classes {
			f := r.Failures[c]
			why := f.Explained
			if why == "" {
				why = "**no**"
			}
			fmt.Fprintf(&b, "| %s | %d | %s | %s | %s |\n", c, f.Count, f.Kind, strings.ReplaceAll(f.First, "|", `\|`), why)
		}
	}
	return b.String()
}

func (r *Report) failed() int {
	n := 0
	for _, f := range r.Failures {
		n += f.Count
	}
	return n
}
