// The live ecosystem: the simulator, the Prometheus scraping it every second and the plugin,
// for ecosystemSummary, exemplars and the status bands that need traffic over time.
package querytypes_test

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

const (
	traceDatasourceUID = "tempo-uid"
	traceURLTemplate   = "https://tracing.example/trace/${__value.raw}"
)

// ecosystem is a simulated ecosystem, the Prometheus scraping it and the plugin.
type ecosystem struct {
	eco    *fixture.Ecosystem
	plugin *host.Plugin
	// profile is the datasource's metricProfile ("" for seed).
	profile string
}

func startEcosystem(t testing.TB, sim fixture.SimulatorOptions) *ecosystem {
	t.Helper()
	return startEcosystemWith(t, fixture.EcosystemOptions{Simulator: sim, NoRules: true})
}

func startEcosystemWith(t testing.TB, opts fixture.EcosystemOptions) *ecosystem {
	t.Helper()
	// The plugin binary first, so that a missing build fails fast with the command that makes it.
	bin, err := host.BinaryPath()
	if err != nil {
		t.Fatal(err)
	}
	host.RequireBinary(t, bin)
	eco := fixture.StartEcosystem(t, opts)
	return &ecosystem{eco: eco, plugin: host.Start(t, host.Options{Binary: bin}), profile: opts.Simulator.Profile}
}

func (w *ecosystem) settings() host.Settings {
	jd := map[string]any{
		"timeInterval":       "1s",
		"traceDatasourceUid": traceDatasourceUID,
		"traceUrlTemplate":   traceURLTemplate,
	}
	if w.profile != "" {
		jd["metricProfile"] = w.profile
	}
	return host.Settings{URL: w.eco.Prom.URL, UID: "prom-" + strconv.Itoa(w.eco.Prom.PID), JSONData: jd}
}

// query runs one query over [from, to] and fails the test on a transport or query error.
func (w *ecosystem) query(t testing.TB, headers map[string]string, queryType string, from, to time.Time, js map[string]any) data.Frames {
	t.Helper()
	return w.queryAs(t, w.settings(), headers, queryType, from, to, js)
}

// queryAs is query through the datasource settings s.
func (w *ecosystem) queryAs(t testing.TB, s host.Settings, headers map[string]string, queryType string, from, to time.Time, js map[string]any) data.Frames {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := w.plugin.QueryData(ctx, s, headers, host.Query{
		RefID: "A", QueryType: queryType, From: from, To: to, MaxDataPoints: 300, JSON: js,
	})
	if err != nil {
		t.Fatalf("%s: QueryData: %v\nplugin logs:\n%s", queryType, err, w.plugin.Logs())
	}
	r := res["A"]
	if r.Error != "" {
		t.Fatalf("%s: query error (status %d): %s", queryType, r.Status, r.Error)
	}
	return r.Frames
}

// rows are the rows of a table frame by key (the service for the summary).
func rows(t testing.TB, f *data.Frame) map[string]testkit.Row {
	t.Helper()
	return testkit.ReadTable(t, f).ByKey()
}

// describe lists rows for a failure message, by key.
func describe(rs map[string]testkit.Row) string {
	keys := make([]string, 0, len(rs))
	for k := range rs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s\n", rs[k])
	}
	return b.String()
}

// summaryNow is the summary over the last five minutes, evaluated now.
func (w *ecosystem) summaryNow(t testing.TB, extra map[string]any) data.Frames {
	t.Helper()
	now := time.Now()
	js := map[string]any{"rateWindow": "20s"}
	for k, v := range extra {
		js[k] = v
	}
	return w.query(t, nil, "ecosystemSummary", now.Add(-5*time.Minute), now, js)
}

// checkWindow is the rate window of the column checks.
const checkWindow = "20s"

// columnRate is the per-job rate of sel over checkWindow.
func columnRate(sel string) string {
	return fmt.Sprintf("sum by (job) (rate(%s[%s]))", sel, checkWindow)
}

// columnShare is 100 * part / all per job, 0 when the part has no series but the whole has
// some, as in the plugin.
func columnShare(part, all string) string {
	return fmt.Sprintf("100 * ((%s) or (%s) * 0) / (%s)", columnRate(part), columnRate(all), columnRate(all))
}

// seedColumns is each summary column's meaning in one plain PromQL over the seed names.
func seedColumns() map[string]string {
	reqs, calls := "mcp_http_requests_total", "mcp_tool_calls_total"
	return map[string]string{
		"up":              "min by (job) (up)",
		"request rate":    columnRate(reqs),
		"5xx %":           columnShare(reqs+`{status=~"5.."}`, reqs),
		"p95 latency":     fmt.Sprintf("histogram_quantile(0.95, sum by (le, job) (rate(mcp_http_request_duration_seconds_bucket[%s])))", checkWindow),
		"tool success %":  columnShare(calls+`{status="success"}`, calls),
		"tool calls/s":    columnRate(calls),
		"active workers":  "sum by (job) (pool_workers_active)",
		"active sessions": "sum by (job) (sessions_active)",
		"CPU %":           "max by (job) (mahavishnu_cpu_usage_percent)",
		"memory":          "sum by (job) (mahavishnu_memory_usage_bytes)",
	}
}

// checkColumnsAgainstPrometheus evaluates each column of want (column title -> PromQL),
// independent of how the plugin splits its calls, at the summary's own evaluation time,
// and requires the same value (or the same absence) on every row.
func checkColumnsAgainstPrometheus(t *testing.T, w *ecosystem, want map[string]string) {
	t.Helper()
	var at time.Time
	refs := map[string]map[string]float64{}
	// Right after a start or a scenario switch some families have no rate yet: wait until
	// Prometheus has every column, so the comparison is never vacuous.
	testkit.WaitFor(t, 60*time.Second, "every column in Prometheus", func() (bool, string) {
		at = time.Now().Add(-2 * time.Second).Truncate(time.Millisecond)
		for column, expr := range want {
			refs[column] = map[string]float64{}
			for _, s := range w.eco.Prom.Query(t, expr, at) {
				if v := s.Samples[0].V; !math.IsNaN(v) {
					refs[column][s.Labels["job"]] = v
				}
			}
			if len(refs[column]) == 0 {
				return false, column + " has no value"
			}
		}
		return true, ""
	})
	frames := w.query(t, nil, "ecosystemSummary", at.Add(-5*time.Minute), at, map[string]any{"rateWindow": checkWindow})
	got := rows(t, testkit.FrameNamed(t, frames, "ecosystemSummary"))
	for column, expr := range want {
		ref := refs[column]
		for job, r := range got {
			v, ok := ref[job]
			g := r.Values[column]
			switch {
			case !ok && g != nil:
				t.Errorf("%s %s = %v, Prometheus has none (%s)", job, column, *g, expr)
			case ok && g == nil:
				t.Errorf("%s %s is empty, Prometheus has %v (%s)", job, column, v, expr)
			case ok && math.Abs(*g-v) > 1e-9*math.Max(1, math.Abs(v)):
				t.Errorf("%s %s = %v, Prometheus %v (%s)", job, column, *g, v, expr)
			}
		}
		for job := range ref {
			if _, ok := got[job]; !ok {
				t.Errorf("Prometheus has %s for %s, the summary has no row", column, job)
			}
		}
	}
}
