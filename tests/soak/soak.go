// Package soak runs the plugin for a long time under mixed load and records whether it stays
// flat: the simulator switching scenarios, a Prometheus scraping it every second, and the
// plugin binary launched as Grafana launches it, asked by concurrent clients for every query
// type (in both formats where a type has two), every resource and its health.
//
// Query ranges are at most LongestRange, and the first Warmup of the run (at least that long)
// is left out of the steady slopes: by then every answer covers history that exists, so
// answers stop growing with Prometheus's history and a growing plugin is the plugin's own.
//
// Every sample interval it reads the plugin's resident set, open descriptors and threads
// from /proc, and from its metrics its tokio tasks alive, queries in flight and heap (the
// bytes it holds, and with glibc what malloc holds and keeps free); in the end
// the least-squares slope of each over the whole run and over its steady part. Every failed
// call is classified; a class not listed in Explained is an unexplained error. A health
// failure is explained only by Prometheus's target state, polled every TargetPoll through
// the run: no target's last scrape succeeded at some instant while the call ran.
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
	"health without scrapes": "at an instant while the call ran, every target's last scrape had failed (Prometheus's target state, recorded through the run, shows when and why), so Prometheus had marked every series stale and no MCP family existed; health said so, as it must",
}

// LongestRange is the longest query range (and resource window) the clients ask for.
const LongestRange = 5 * time.Minute

// TargetPoll is how often the run records Prometheus's target state, under the scrape
// interval (1 s) so that no scrape goes unseen.
const TargetPoll = 400 * time.Millisecond

// Options shape a run; zero values take the defaults.
type Options struct {
	// Duration of the load (default 30 minutes), warm-up included.
	Duration time.Duration
	// Warmup is the first part of the load, left out of the steady slopes (default
	// LongestRange).
	Warmup time.Duration
	// Clients calling the plugin at once, each one call after another (default 16).
	Clients int
	// SampleEvery is the interval of the /proc samples (default 10 s).
	SampleEvery time.Duration
	// ScenarioEvery is how long each scenario plays (default 1 minute).
	ScenarioEvery time.Duration
	// Rest, when set, is how long the plugin may take after the load to close its idle
	// pooled connections (descriptors back to the start's) before the rested sample.
	Rest time.Duration
	// Progress, when set, is called with each sample as it is taken.
	Progress func(Sample)
}

func (o *Options) defaults() {
	if o.Duration <= 0 {
		o.Duration = 30 * time.Minute
	}
	if o.Warmup <= 0 {
		o.Warmup = LongestRange
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
	Tasks    float64 // mcp_plugin_tasks_alive
	InFlight float64 // mcp_plugin_queries_in_flight
	Calls    int64   // calls ended so far
	Heap     Heap
	// Upstream is the body bytes received from Prometheus so far, by endpoint
	// (mcp_plugin_upstream_response_bytes_total): an answer that grows over the run shows here.
	Upstream map[string]float64
}

const upstreamBytes = "mcp_plugin_upstream_response_bytes_total"

// upstreamOf is the plugin's upstream body bytes so far by endpoint.
func upstreamOf(m map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for k, v := range m {
		if rest, ok := strings.CutPrefix(k, upstreamBytes+`{endpoint="`); ok {
			out[strings.TrimSuffix(rest, `"}`)] = v
		}
	}
	return out
}

// Heap is the plugin's heap as its metrics report it, in bytes.
type Heap struct {
	Live float64 // mcp_plugin_heap_live_bytes: allocated and not yet freed
	// What glibc's malloc has from the system, and of that what it keeps free; HasMalloc is
	// false where the plugin's C library does not report it (the static musl build).
	MallocHeld, MallocFree float64
	HasMalloc              bool
}

func heapOf(m map[string]float64) Heap {
	held, ok := m["mcp_plugin_heap_malloc_held_bytes"]
	return Heap{Live: m["mcp_plugin_heap_live_bytes"], MallocHeld: held, MallocFree: m["mcp_plugin_heap_malloc_free_bytes"], HasMalloc: ok}
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
	Rested   *Sample  // with Options.Rest: after the idle pooled connections closed
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
	targets := &targetLog{}
	var pending []pendingHealth // health failures, classified once the target state is known

	rep := &Report{Options: opts, Binary: bin, Calls: map[string]int64{}, Failures: map[string]*Failure{}}
	var ended atomic.Int64
	var mu sync.Mutex
	fail := func(kind string, f *failed) {
		if rep.Failures[f.class] == nil {
			rep.Failures[f.class] = &Failure{Kind: kind, First: f.msg, Explained: Explained[f.class]}
		}
		rep.Failures[f.class].Count++
	}
	record := func(kind string, begun time.Time, f *failed) {
		ended.Add(1)
		mu.Lock()
		defer mu.Unlock()
		rep.Calls[kind]++
		rep.Latency = append(rep.Latency, time.Since(begun))
		switch {
		case f == nil:
		case f.class == healthNotOK:
			pending = append(pending, pendingHealth{kind: kind, begun: begun, ended: time.Now(), msg: f.msg})
		default:
			fail(kind, f)
		}
	}
	scenario := 0
	read := func(at time.Duration) Sample {
		m := metrics(tb, plugin)
		return Sample{
			At: at, Scenario: Scenarios[scenario], RSS: testkit.RSS(tb, plugin.PID()), FDs: testkit.OpenFDs(plugin.PID()),
			Threads: testkit.Threads(tb, plugin.PID()), Tasks: m["mcp_plugin_tasks_alive"], InFlight: m["mcp_plugin_queries_in_flight"],
			Calls: ended.Load(), Heap: heapOf(m), Upstream: upstreamOf(m),
		}
	}
	sample := func(at time.Duration) {
		smp := read(at)
		rep.Samples = append(rep.Samples, smp)
		if opts.Progress != nil {
			opts.Progress(smp)
		}
	}

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		targets.record(ctx, eco)
	}()
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
				record(o.kind, begun, f)
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
	if opts.Rest > 0 {
		// Pooled upstream connections close once idle for reqwest's 90 s; then what the heap
		// still holds beyond the start is neither a query's nor a connection's.
		testkit.Poll(opts.Rest, func() (bool, string) {
			n := testkit.OpenFDs(plugin.PID())
			return n <= rep.Samples[0].FDs, fmt.Sprintf("%d descriptors", n)
		})
		rested := read(time.Since(started))
		rep.Rested = &rested
		if opts.Progress != nil {
			opts.Progress(rested)
		}
	}
	for _, h := range pending {
		if why := targets.allDown(h.begun, h.ended); why != "" {
			fail(h.kind, &failed{"health without scrapes", h.msg + " (targets then: " + why + ")"})
		} else {
			fail(h.kind, &failed{healthNotOK, h.msg})
		}
	}
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
	ranges := []time.Duration{time.Minute, 2 * time.Minute, LongestRange}
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
		return "from=" + strconv.FormatInt(now.Add(-LongestRange).UnixMilli(), 10) + "&to=" + strconv.FormatInt(now.UnixMilli(), 10)
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
				return &failed{healthNotOK, h.Message}
			}
			return nil
		}},
	)
	return ops
}

const healthNotOK = "health not OK"

type pendingHealth struct {
	kind         string
	begun, ended time.Time
	msg          string
}

// targetLog is every scrape of every Prometheus target seen through the run.
type targetLog struct {
	mu      sync.Mutex
	scrapes map[string][]fixture.Target // by instance, in order of LastScrape
	errors  int                         // polls that failed
}

// record polls the target state every TargetPoll until ctx ends, then once more so that the
// scrape after the last call is known too.
func (l *targetLog) record(ctx context.Context, eco *fixture.Ecosystem) {
	l.scrapes = map[string][]fixture.Target{}
	poll := func() {
		pctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ts, err := eco.ActiveTargets(pctx)
		l.mu.Lock()
		defer l.mu.Unlock()
		if err != nil {
			l.errors++
			return
		}
		for _, t := range ts {
			seen := l.scrapes[t.Instance]
			if !t.LastScrape.IsZero() && (len(seen) == 0 || t.LastScrape.After(seen[len(seen)-1].LastScrape)) {
				l.scrapes[t.Instance] = append(seen, t)
			}
		}
	}
	tick := time.NewTicker(TargetPoll)
	defer tick.Stop()
	for {
		poll()
		select {
		case <-ctx.Done():
			time.Sleep(2 * time.Second) // the next scrape, whose start bounds the last failure
			poll()
			return
		case <-tick.C:
		}
	}
}

// allDown says, when at some instant in [from-1s, to] every target's last scrape had failed,
// each target's failed scrape then with its error; else nothing. A failed scrape hides its
// target's series from its start until the end of the next scrape recorded, and at most
// 3 s (a scrape the poll missed would otherwise stretch it).
func (l *targetLog) allDown(from, to time.Time) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	from = from.Add(-time.Second)
	type down struct {
		start, end time.Time
		t          fixture.Target
	}
	per := map[string][]down{}
	var starts []time.Time
	for inst, ss := range l.scrapes {
		for i, t := range ss {
			if t.Health == "up" {
				continue
			}
			end := t.LastScrape.Add(t.Took + 3*time.Second)
			if i+1 < len(ss) {
				if next := ss[i+1].LastScrape.Add(ss[i+1].Took); next.Before(end) {
					end = next
				}
			}
			if end.Before(from) || t.LastScrape.After(to) {
				continue
			}
			per[inst] = append(per[inst], down{t.LastScrape, end, t})
			starts = append(starts, t.LastScrape)
		}
	}
	if len(l.scrapes) == 0 || len(per) < len(l.scrapes) {
		return ""
	}
	starts = append(starts, from)
	for _, at := range starts {
		if at.Before(from) {
			at = from
		}
		if at.After(to) {
			continue
		}
		var why []string
		for _, ds := range per {
			for _, d := range ds {
				if !at.Before(d.start) && at.Before(d.end) {
					why = append(why, fmt.Sprintf("%s %s at %s: %s", d.t.Job, d.t.Health, d.t.LastScrape.UTC().Format("15:04:05.000"), d.t.LastError))
					break
				}
			}
		}
		if len(why) == len(l.scrapes) {
			sort.Strings(why)
			return strings.Join(why, "; ")
		}
	}
	return ""
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

// steady is the samples of the load after its warm-up.
func (r *Report) steady() []Sample {
	var out []Sample
	for _, s := range r.during() {
		if s.At >= r.Options.Warmup {
			out = append(out, s)
		}
	}
	return out
}

// SteadySlope is the slope of y over the samples after the warm-up, per hour.
func (r *Report) SteadySlope(y func(Sample) float64) float64 { return Slope(r.steady(), y) }

func rssMiB(s Sample) float64  { return float64(s.RSS) / (1 << 20) }
func fds(s Sample) float64     { return float64(s.FDs) }
func threads(s Sample) float64 { return float64(s.Threads) }
func tasks(s Sample) float64   { return s.Tasks }
func liveMiB(s Sample) float64 { return s.Heap.Live / (1 << 20) }
func heldMiB(s Sample) float64 { return s.Heap.MallocHeld / (1 << 20) }
func freeMiB(s Sample) float64 { return s.Heap.MallocFree / (1 << 20) }

// Means is the mean of y over each successive window of the samples, from the first; a
// sample at a window's end belongs to it, so the last one of a run ends the last window.
func Means(samples []Sample, window time.Duration, y func(Sample) float64) []float64 {
	var out []float64
	var sum float64
	n, w := 0, 0
	for _, s := range samples {
		if i := int(max(s.At-1, 0) / window); i > w && n > 0 {
			out = append(out, sum/float64(n))
			sum, n, w = 0, 0, i
		}
		sum += y(s)
		n++
	}
	if n > 0 {
		out = append(out, sum/float64(n))
	}
	return out
}

// Markdown is the report as docs/RELIABILITY.md records it.
func (r *Report) Markdown() string {
	var b strings.Builder
	d := r.during()
	first, last, idle := d[0], d[len(d)-1], r.Samples[len(r.Samples)-1]
	minMax := func(samples []Sample, y func(Sample) float64) (float64, float64) {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, s := range samples {
			lo, hi = math.Min(lo, y(s)), math.Max(hi, y(s))
		}
		return lo, hi
	}
	secs := r.Options.Duration.Seconds()
	st := r.steady()
	if len(st) == 0 {
		st = d
	}
	fmt.Fprintf(&b, "%d clients for %s (warm-up %s, ranges up to %s), %d samples every %s, scenarios every %s; plugin %s\n\n",
		r.Options.Clients, r.Options.Duration, r.Options.Warmup, LongestRange, len(d), r.Options.SampleEvery, r.Options.ScenarioEvery, r.Binary)
	type row struct {
		name string
		y    func(Sample) float64
		unit string
	}
	rows := []row{{"RSS (MiB)", rssMiB, "MiB/h"}, {"heap live (MiB)", liveMiB, "MiB/h"}}
	if first.Heap.HasMalloc {
		rows = append(rows, row{"malloc held (MiB)", heldMiB, "MiB/h"}, row{"malloc free (MiB)", freeMiB, "MiB/h"})
	}
	rows = append(rows, row{"open descriptors", fds, "/h"}, row{"threads", threads, "/h"}, row{"tokio tasks alive", tasks, "/h"})
	restedHead, restedSep := "", ""
	if r.Rested != nil {
		restedHead, restedSep = fmt.Sprintf(" rested (%s later) |", (r.Rested.At-idle.At).Round(time.Second)), "---|"
	}
	fmt.Fprintf(&b, "| | start | end of warm-up | end of load | idle after |%s min, steady | max, steady | slope, whole run | slope, steady |\n|---|---|---|---|---|%s---|---|---|---|\n",
		restedHead, restedSep)
	for _, row := range rows {
		lo, hi := minMax(st, row.y)
		rested := ""
		if r.Rested != nil {
			rested = fmt.Sprintf(" %.1f |", row.y(*r.Rested))
		}
		fmt.Fprintf(&b, "| %s | %.1f | %.1f | %.1f | %.1f |%s %.1f | %.1f | %+.2f %s | %+.2f %s |\n", row.name,
			row.y(first), row.y(st[0]), row.y(last), row.y(idle), rested, lo, hi, Slope(d, row.y), row.unit, Slope(st, row.y), row.unit)
	}
	window := r.Options.Warmup
	fmt.Fprintf(&b, "\nMeans of each %s (the first is the warm-up):\n\n", window)
	// Descriptors and tasks follow the queries in flight: their means are read beside its.
	for _, row := range append(rows, row{"queries in flight", func(s Sample) float64 { return s.InFlight }, ""}) {
		var means []string
		for _, m := range Means(d, window, row.y) {
			means = append(means, fmt.Sprintf("%.1f", m))
		}
		fmt.Fprintf(&b, "- %s: %s\n", row.name, strings.Join(means, ", "))
	}
	b.WriteString(UpstreamPerCall(d, window))
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

// UpstreamPerCall is, for each window, the upstream body bytes received per call ended in
// it, in all and by endpoint: flat when the answers' sizes are steady.
func UpstreamPerCall(d []Sample, window time.Duration) string {
	if len(d) < 2 || len(d[len(d)-1].Upstream) == 0 {
		return ""
	}
	endpoints := make([]string, 0, len(d[len(d)-1].Upstream))
	for e := range d[len(d)-1].Upstream {
		endpoints = append(endpoints, e)
	}
	sort.Strings(endpoints)
	// The first sample, then the last of each window.
	ends, last := []Sample{d[0]}, -1
	for _, s := range d[1:] {
		if w := int(max(s.At-1, 0) / window); w != last {
			ends, last = append(ends, s), w
		} else {
			ends[len(ends)-1] = s
		}
	}
	per := func(name string, y func(Sample) float64) string {
		var kb []string
		for i := 1; i < len(ends); i++ {
			if calls := ends[i].Calls - ends[i-1].Calls; calls > 0 {
				kb = append(kb, fmt.Sprintf("%.1f", (y(ends[i])-y(ends[i-1]))/float64(calls)/1024))
			}
		}
		return fmt.Sprintf("- %s: %s\n", name, strings.Join(kb, ", "))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nUpstream body KiB per call ended, each %s:\n\n", window)
	b.WriteString(per("all", func(s Sample) float64 {
		var sum float64
		for _, v := range s.Upstream {
			sum += v
		}
		return sum
	}))
	for _, e := range endpoints {
		b.WriteString(per(e, func(s Sample) float64 { return s.Upstream[e] }))
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
