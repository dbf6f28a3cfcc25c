// Package summary_test drives the ecosystemSummary and exemplars query types through the
// plugin launched as Grafana launches it, against the simulator scraped by a real Prometheus.
package summary_test

import (
	"context"
	"encoding/json"
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

// world is a simulated ecosystem, the Prometheus scraping it and the plugin.
type world struct {
	eco    *fixture.Ecosystem
	plugin *host.Plugin
	// profile is the datasource's metricProfile ("" for seed).
	profile string
}

func start(t testing.TB, sim fixture.SimulatorOptions) *world {
	t.Helper()
	return startWith(t, fixture.EcosystemOptions{Simulator: sim, NoRules: true})
}

func startWith(t testing.TB, opts fixture.EcosystemOptions) *world {
	t.Helper()
	bin, err := host.BinaryPath()
	if err != nil {
		t.Fatal(err)
	}
	host.RequireBinary(t, bin)
	eco := fixture.StartEcosystem(t, opts)
	p := host.Start(t, host.Options{Binary: bin})
	return &world{eco: eco, plugin: p, profile: opts.Simulator.Profile}
}

func (w *world) settings() host.Settings {
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
func (w *world) query(t testing.TB, headers map[string]string, queryType string, from, to time.Time, js map[string]any) data.Frames {
	t.Helper()
	return w.queryAs(t, w.settings(), headers, queryType, from, to, js)
}

// queryAs is query through the datasource settings s.
func (w *world) queryAs(t testing.TB, s host.Settings, headers map[string]string, queryType string, from, to time.Time, js map[string]any) data.Frames {
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

// serviceRow is one row of the summary table.
type serviceRow struct {
	status  string
	reasons string
	values  map[string]*float64
}

func (r serviceRow) String() string { return fmt.Sprintf("%s (%s)", r.status, r.reasons) }

func frameNamed(t testing.TB, frames data.Frames, name string) *data.Frame {
	t.Helper()
	for _, f := range frames {
		if f.Name == name {
			return f
		}
	}
	var names []string
	for _, f := range frames {
		names = append(names, f.Name)
	}
	t.Fatalf("no frame %q among %v", name, names)
	return nil
}

func field(t testing.TB, f *data.Frame, name string) *data.Field {
	t.Helper()
	for _, fld := range f.Fields {
		if fld.Name == name {
			return fld
		}
	}
	t.Fatalf("frame %q has no field %q", f.Name, name)
	return nil
}

// rows reads a table frame keyed by its first field; string fields go to status/reasons,
// float fields to values.
func rows(t testing.TB, f *data.Frame) map[string]serviceRow {
	t.Helper()
	out := map[string]serviceRow{}
	n, _ := f.RowLen()
	for i := 0; i < n; i++ {
		key := fmt.Sprint(f.Fields[0].At(i))
		r := serviceRow{values: map[string]*float64{}}
		for _, fld := range f.Fields[1:] {
			switch fld.Name {
			case "status":
				r.status = fld.At(i).(string)
			case "reasons":
				r.reasons = fld.At(i).(string)
			default:
				if v, err := fld.NullableFloatAt(i); err == nil {
					r.values[fld.Name] = v
				}
			}
		}
		out[key] = r
	}
	return out
}

// summaryNow is the summary over the last five minutes, evaluated now.
func (w *world) summaryNow(t testing.TB, extra map[string]any) data.Frames {
	t.Helper()
	now := time.Now()
	js := map[string]any{"rateWindow": "20s"}
	for k, v := range extra {
		js[k] = v
	}
	return w.query(t, nil, "ecosystemSummary", now.Add(-5*time.Minute), now, js)
}

// waitFor polls cond every 250 ms until it holds, and fails with the last description
// when it does not within timeout.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, last := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s; last seen:\n%s", what, timeout, last)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func describe(rs map[string]serviceRow) string {
	keys := make([]string, 0, len(rs))
	for k := range rs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s: %s\n", k, rs[k])
	}
	return b.String()
}

// promExemplar is one exemplar as Prometheus's own API returns it.
type promExemplar struct {
	series  string // series labels without le, as a key
	failing bool
	traceID string
	value   float64
}

// exemplarsFromPrometheus asks /api/v1/query_exemplars directly, as the plugin should.
func exemplarsFromPrometheus(t testing.TB, prom *fixture.Prometheus, expr string, from, to time.Time) []promExemplar {
	t.Helper()
	var out []promExemplar
	for _, s := range prom.Exemplars(t, expr, from, to) {
		l := map[string]string{}
		for k, v := range s.Labels {
			if k != "le" {
				l[k] = v
			}
		}
		key := testkit.LabelsKey(l)
		for _, e := range s.Exemplars {
			out = append(out, promExemplar{series: key, failing: l["error_type"] != "", traceID: e.Labels["trace_id"], value: e.Value})
		}
	}
	return out
}

// slowestPerSeries is the trace id of the slowest exemplar of each series, slowest series
// first, at most n of them.
func slowestPerSeries(ex []promExemplar, n int) []string {
	best := map[string]promExemplar{}
	for _, e := range ex {
		if b, ok := best[e.series]; !ok || e.value > b.value {
			best[e.series] = e
		}
	}
	list := make([]promExemplar, 0, len(best))
	for _, e := range best {
		list = append(list, e)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].value > list[j].value })
	var out []string
	for i := 0; i < len(list) && i < n; i++ {
		out = append(out, list[i].traceID)
	}
	return out
}

// exemplarFrame checks the shape Grafana's Prometheus datasource gives exemplars and
// returns the frame's custom meta.
func exemplarFrame(t testing.TB, f *data.Frame) map[string]any {
	t.Helper()
	if f.Name != "exemplar" {
		t.Fatalf("exemplar frame is named %q, want exemplar", f.Name)
	}
	if f.Meta == nil {
		t.Fatal("exemplar frame has no meta")
	}
	if f.Meta.DataTopic != data.DataTopicAnnotations {
		t.Errorf("exemplar frame dataTopic %q, want annotations", f.Meta.DataTopic)
	}
	custom, ok := f.Meta.Custom.(map[string]any)
	if !ok || custom["resultType"] != "exemplar" {
		t.Fatalf("exemplar frame meta.custom %#v lacks resultType exemplar", f.Meta.Custom)
	}
	if len(f.Fields) < 3 || f.Fields[0].Name != "Time" || f.Fields[1].Name != "Value" {
		t.Fatalf("exemplar fields %v, want Time, Value, then labels", fieldNames(f))
	}
	if f.Fields[0].Type() != data.FieldTypeTime || f.Fields[1].Type() != data.FieldTypeFloat64 {
		t.Fatalf("exemplar Time/Value types %s/%s", f.Fields[0].Type(), f.Fields[1].Type())
	}
	for _, fld := range f.Fields[2:] {
		if fld.Type() != data.FieldTypeString {
			t.Errorf("label field %s is %s, want string", fld.Name, fld.Type())
		}
	}
	trace := field(t, f, "trace_id")
	if trace.Config == nil || len(trace.Config.Links) != 2 {
		t.Fatalf("trace_id field links: %+v, want an internal and an external one", trace.Config)
	}
	internal, external := trace.Config.Links[0], trace.Config.Links[1]
	if internal.Internal == nil || internal.Internal.DatasourceUID != traceDatasourceUID || internal.URL != "" {
		t.Errorf("internal link %+v does not point at datasource %s", internal, traceDatasourceUID)
	} else {
		q, _ := json.Marshal(internal.Internal.Query)
		var got map[string]any
		_ = json.Unmarshal(q, &got)
		if got["query"] != "${__value.raw}" || got["queryType"] != "traceql" {
			t.Errorf("internal link query %s, want the trace id as Grafana's Prometheus datasource asks Tempo", q)
		}
	}
	if external.URL != traceURLTemplate || !external.TargetBlank || external.Internal != nil {
		t.Errorf("external link %+v, want %s in a new tab", external, traceURLTemplate)
	}
	return custom
}

func fieldNames(f *data.Frame) []string {
	var out []string
	for _, fld := range f.Fields {
		out = append(out, fld.Name)
	}
	return out
}

func stringsOf(t testing.TB, f *data.Frame, name string) []string {
	t.Helper()
	fld := field(t, f, name)
	out := make([]string, fld.Len())
	for i := range out {
		out[i] = fld.At(i).(string)
	}
	return out
}

func number(t testing.TB, v any) int {
	t.Helper()
	f, ok := v.(float64)
	if !ok {
		t.Fatalf("%#v is not a number", v)
	}
	return int(f)
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
func checkColumnsAgainstPrometheus(t *testing.T, w *world, want map[string]string) {
	t.Helper()
	var at time.Time
	refs := map[string]map[string]float64{}
	// Right after a start or a scenario switch some families have no rate yet: wait until
	// Prometheus has every column, so the comparison is never vacuous.
	waitFor(t, 60*time.Second, "every column in Prometheus", func() (bool, string) {
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
	got := rows(t, frameNamed(t, frames, "ecosystemSummary"))
	for column, expr := range want {
		ref := refs[column]
		for job, r := range got {
			v, ok := ref[job]
			g := r.values[column]
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
