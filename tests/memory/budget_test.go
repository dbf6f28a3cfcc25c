// The process's memory budget (Grafana ini `[plugin.mahavishnu-mcp-datasource]`
// memory_budget_mib, GF_PLUGIN_MEMORY_BUDGET_MIB): many large queries at once keep the
// plugin's peak memory under the budget plus a fixed overhead, and every query is either
// answered or refused with a message naming the limit.
package memory_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/faults"
	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

// overhead is what the process may hold beyond its budget: code, the runtime, connection
// buffers, the allocator's slack and the transient state of parsing.
const overhead = 48 << 20

// bytesPerSeries is about what one series of faults.Oversize takes in the body (100 points of 19 to 20 bytes).
const bytesPerSeries = 2050

// envInt reads a positive integer knob, else def.
func envInt(t *testing.T, key string, def int) int {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive whole number", key, v)
	}
	return n
}

// Oversize's samples lie at 1700000000 + 15 s * k; the range covers all 100 of them.
func bigQuery(refID string) host.Query {
	from := time.Unix(1700000000, 0)
	return host.Query{RefID: refID, QueryType: "promql", From: from, To: from.Add(1500 * time.Second), IntervalMS: 15000, MaxDataPoints: 1000, JSON: map[string]any{"expr": "up"}}
}

func metrics(t *testing.T, p *host.Plugin) map[string]float64 {
	t.Helper()
	text, err := p.CollectMetrics(testkit.Ctx(t, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return testkit.Samples(t, text)
}

// TestManyLargeQueriesStayInsideTheMemoryBudget runs MCP_MEMORY_QUERIES concurrent queries
// (default 16) of MCP_MEMORY_SERIES series each (default 1000, about 2 MB of JSON) under a
// budget of MCP_MEMORY_BUDGET_MIB (default 16, the smallest accepted), each with a timeout of
// MCP_MEMORY_TIMEOUT seconds (default 30). The benchmark in docs/RELIABILITY.md runs
// it with 64 queries of 10,000 series.
func TestManyLargeQueriesStayInsideTheMemoryBudget(t *testing.T) {
	queries := envInt(t, "MCP_MEMORY_QUERIES", 16)
	series := envInt(t, "MCP_MEMORY_SERIES", 1000)
	budgetMiB := envInt(t, "MCP_MEMORY_BUDGET_MIB", 16)
	timeout := envInt(t, "MCP_MEMORY_TIMEOUT", 30)

	upstream := faults.Oversize(t, series*bytesPerSeries)
	p := host.Start(t, host.Options{Env: []string{fmt.Sprintf("GF_PLUGIN_MEMORY_BUDGET_MIB=%d", budgetMiB)}})
	idle := testkit.RSS(t, p.PID())
	s := host.Settings{URL: upstream.URL, UID: "big", JSONData: map[string]any{
		"maxConcurrentQueries": queries, "timeout": timeout, "maxResponseBytes": 256 << 20,
	}}
	if got := metrics(t, p)["mcp_plugin_memory_budget_bytes"]; got != float64(budgetMiB<<20) {
		t.Fatalf("budget read from GF_PLUGIN_MEMORY_BUDGET_MIB: metric says %v bytes, want %d MiB", got, budgetMiB)
	}

	type result struct {
		r   host.Response
		ok  bool
		err error
		dur time.Duration
	}
	results := make([]result, queries)
	var wg sync.WaitGroup
	started := time.Now()
	for i := range queries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			begun := time.Now()
			res, err := p.QueryData(testkit.Ctx(t, time.Duration(timeout)*time.Second+60*time.Second), s, nil, bigQuery("A"))
			r, ok := res["A"]
			results[i] = result{r: r, ok: ok, err: err, dur: time.Since(begun)}
		}()
	}
	wg.Wait()
	elapsed := time.Since(started)
	peak := testkit.PeakRSS(t, p.PID())

	answered, refused, frames := 0, 0, 0
	for i, res := range results {
		switch {
		case res.err != nil:
			t.Errorf("query %d: the whole call failed: %v", i, res.err)
		case !res.ok:
			t.Errorf("query %d: lost, no answer for its refId", i)
		case res.r.Error == "":
			answered++
			frames = len(res.r.Frames)
			if frames == 0 {
				t.Errorf("query %d: answered without frames", i)
			}
		default:
			refused++
			if refused == 1 {
				t.Logf("first refusal: %s", res.r.Error)
			}
			for _, w := range []string{fmt.Sprintf("memory budget of %d MiB", budgetMiB), "memory_budget_mib", "GF_PLUGIN_MEMORY_BUDGET_MIB", "narrow the query"} {
				if !strings.Contains(res.r.Error, w) {
					t.Errorf("query %d: error %q lacks %q", i, res.r.Error, w)
				}
			}
			if res.r.Status != 503 {
				t.Errorf("query %d: status %d, want 503 (%s)", i, res.r.Status, res.r.Error)
			}
			// The deadline counts from the start of the query; what follows it (a frame's
			// encoding, the host's decoding of the other answers) is bounded by the timeout again.
			if res.dur > 2*time.Duration(timeout)*time.Second {
				t.Errorf("query %d: refused after %s, beyond its %d s timeout", i, res.dur, timeout)
			}
		}
	}
	bound := int64(budgetMiB<<20) + overhead
	t.Logf("%d queries of %d series (%s of JSON each) under a %d MiB budget: %d answered (%d frames each), %d refused, in %s; RSS idle %s, peak %s (bound %s)",
		queries, series, testkit.MiB(int64(series*bytesPerSeries)), budgetMiB, answered, frames, refused, elapsed.Round(time.Millisecond),
		testkit.MiB(idle), testkit.MiB(peak), testkit.MiB(bound))
	if answered == 0 {
		t.Errorf("no query was answered: the budget must let queries that fit through")
	}
	if frames != 0 && (frames < series*9/10 || frames > series*11/10) {
		t.Errorf("an answer had %d frames, want one per series (about %d)", frames, series)
	}
	if peak > bound {
		t.Errorf("peak RSS %s beyond the budget plus overhead %s", testkit.MiB(peak), testkit.MiB(bound))
	}

	m := metrics(t, p)
	okCount := m[testkit.SampleKey("mcp_plugin_queries_total", "query_type", "promql", "outcome", "ok")]
	refusedCount := m[testkit.SampleKey("mcp_plugin_queries_total", "query_type", "promql", "outcome", "memory_budget")]
	if int(okCount) != answered || int(refusedCount) != refused || m["mcp_plugin_memory_budget_refusals_total"] != float64(refused) {
		t.Errorf("metrics: ok %v, memory_budget %v, refusals %v; want %d, %d, %d", okCount, refusedCount, m["mcp_plugin_memory_budget_refusals_total"], answered, refused, refused)
	}
	for _, k := range []string{"mcp_plugin_memory_budget_held_bytes", "mcp_plugin_memory_budget_waiting", "mcp_plugin_queries_in_flight"} {
		if m[k] != 0 {
			t.Errorf("%s is %v after every query ended, want 0", k, m[k])
		}
	}
}

// TestAQueryLargerThanTheWholeBudgetIsRefusedAtOnce: an answer that alone exceeds the
// budget fails without waiting for its timeout, and the process stays small.
func TestAQueryLargerThanTheWholeBudgetIsRefusedAtOnce(t *testing.T) {
	upstream := faults.Oversize(t, 40<<20)
	p := host.Start(t, host.Options{Env: []string{"GF_PLUGIN_MEMORY_BUDGET_MIB=16"}})
	s := host.Settings{URL: upstream.URL, UID: "huge", JSONData: map[string]any{"timeout": 30, "maxResponseBytes": 256 << 20}}
	started := time.Now()
	res, err := p.QueryData(testkit.Ctx(t, 60*time.Second), s, nil, bigQuery("A"))
	if err != nil {
		t.Fatal(err)
	}
	r := res["A"]
	if elapsed := time.Since(started); elapsed > 10*time.Second {
		t.Errorf("refused after %s; a query larger than the budget must not wait for its 30 s timeout", elapsed)
	}
	for _, w := range []string{"needs more than the plugin's whole memory budget of 16 MiB", "memory_budget_mib", "GF_PLUGIN_MEMORY_BUDGET_MIB", "narrow the query"} {
		if !strings.Contains(r.Error, w) {
			t.Errorf("error %q lacks %q", r.Error, w)
		}
	}
	if r.Status != 503 || len(r.Frames) != 0 {
		t.Errorf("status %d with %d frames, want 503 and none", r.Status, len(r.Frames))
	}
	if peak := testkit.PeakRSS(t, p.PID()); peak > 16<<20+overhead {
		t.Errorf("peak RSS %s beyond the budget plus overhead", testkit.MiB(peak))
	}
}
