package querytypes_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

// Under the OpenTelemetry profile the failure is in the series labels (error_type): failed
// tool calls lead the exemplars, the slowest failing series first.
func TestFailingToolCallsLeadTheExemplars(t *testing.T) {
	w := startEcosystem(t, fixture.SimulatorOptions{Seed: 22, Profile: "otel", Scenario: "tool-failures"})
	const expr = `mcp_server_operation_duration_seconds_bucket{mcp_method_name="tools/call"}`
	const limit = 3
	var prom, failing []promExemplar
	var from, to time.Time
	testkit.WaitFor(t, 60*time.Second, "failing tool exemplars in three series", func() (bool, string) {
		to = time.Now().Add(-3 * time.Second)
		from = to.Add(-2 * time.Minute)
		prom = exemplarsFromPrometheus(t, w.eco.Prom, expr, from, to)
		failing = failing[:0]
		series := map[string]bool{}
		for _, e := range prom {
			if e.failing {
				failing = append(failing, e)
				series[e.series] = true
			}
		}
		return len(series) >= limit && len(prom) > len(failing), itoa(len(series)) + " failing series"
	})
	frames := w.query(t, nil, "exemplars", from, to, map[string]any{"exemplarSource": "tool", "limit": limit})
	f := frames[0]
	custom := exemplarFrame(t, f, data.DataTopicAnnotations)
	if got := number(t, custom["failing"]); got != limit {
		t.Errorf("meta failing = %d, want %d", got, limit)
	}
	if got := number(t, custom["leftOut"]); got != len(prom)-limit {
		t.Errorf("leftOut %d, want %d", got, len(prom)-limit)
	}
	for _, e := range testkit.Strings(t, f, "error_type") {
		if e == "" {
			t.Errorf("a successful call's exemplar was kept before failing ones")
		}
	}
	kept := map[string]bool{}
	for _, id := range testkit.Strings(t, f, "trace_id") {
		kept[id] = true
	}
	for _, id := range slowestPerSeries(failing, limit) {
		if !kept[id] {
			t.Errorf("the slowest failing exemplar %s of a failing series is missing (kept %v)", id, kept)
		}
	}

	// As a table (for table panels, which Grafana gives no annotations) the same rows in a
	// frame without the annotations data topic. Exemplars still arriving may change the
	// pick between two queries: compare a pair answered back to back.
	testkit.WaitFor(t, 30*time.Second, "the same exemplars as a table", func() (bool, string) {
		js := map[string]any{"exemplarSource": "tool", "limit": limit}
		series := w.query(t, nil, "exemplars", from, to, js)[0]
		js["format"] = "table"
		table := w.query(t, nil, "exemplars", from, to, js)
		if len(table) != 1 {
			t.Fatalf("exemplars as a table: %d frames, want one", len(table))
		}
		exemplarFrame(t, table[0], "")
		a, b := testkit.Strings(t, series, "trace_id"), testkit.Strings(t, table[0], "trace_id")
		return strings.Join(a, ",") == strings.Join(b, ","), fmt.Sprintf("time series %v, table %v", a, b)
	})
}

// exemplarsKeepTheSlowest: with a limit, the slowest exemplar of each series is kept, the
// rest counted in the frame's meta and notice, in time order.
func exemplarsKeepTheSlowest(t *testing.T, w *ecosystem) {
	const metric = "mcp_http_request_duration_seconds_bucket"
	// Exemplars accumulate with every scrape: wait until there are enough to sample.
	var from, to time.Time
	var prom []promExemplar
	var series map[string]bool
	testkit.WaitFor(t, 90*time.Second, "enough exemplars in Prometheus to test sampling", func() (bool, string) {
		to = time.Now().Add(-3 * time.Second)
		from = to.Add(-90 * time.Second)
		prom = exemplarsFromPrometheus(t, w.eco.Prom, metric, from, to)
		series = map[string]bool{}
		for _, e := range prom {
			series[e.series] = true
		}
		return len(series) >= 5 && len(prom) >= 20, fmt.Sprintf("%d in %d series", len(prom), len(series))
	})
	for _, limit := range []int{4, len(series) + 5} {
		frames := w.query(t, nil, "exemplars", from, to, map[string]any{"exemplarSource": "http", "limit": limit})
		if len(frames) != 1 {
			t.Fatalf("limit %d: %d frames, want one exemplar frame", limit, len(frames))
		}
		f := frames[0]
		custom := exemplarFrame(t, f, data.DataTopicAnnotations)
		if got := number(t, custom["available"]); got != len(prom) {
			t.Errorf("limit %d: available %d, Prometheus has %d", limit, got, len(prom))
		}
		if got := number(t, custom["leftOut"]); got != len(prom)-limit {
			t.Errorf("limit %d: leftOut %d, want %d", limit, got, len(prom)-limit)
		}
		if n, _ := f.RowLen(); n != limit {
			t.Errorf("limit %d: %d rows", limit, n)
		}
		if len(f.Meta.Notices) == 0 || !strings.Contains(f.Meta.Notices[0].Text, "of "+itoa(len(prom))+" exemplars") {
			t.Errorf("limit %d: notices %+v do not say how many were left out", limit, f.Meta.Notices)
		}
		kept := map[string]bool{}
		for _, id := range testkit.Strings(t, f, "trace_id") {
			kept[id] = true
		}
		for _, id := range slowestPerSeries(prom, limit) {
			if !kept[id] {
				t.Errorf("limit %d: the slowest exemplar %s of a series is missing", limit, id)
			}
		}
		times := f.Fields[0]
		for i := 1; i < times.Len(); i++ {
			if times.At(i).(time.Time).Before(times.At(i - 1).(time.Time)) {
				t.Errorf("limit %d: exemplars not in time order at row %d", limit, i)
			}
		}
	}
}

// exemplarsComeWithTheirLines: requestLatency and toolHealth time series bring the
// exemplars of their own series when asked, and only then.
func exemplarsComeWithTheirLines(t *testing.T, w *ecosystem) {
	now := time.Now()
	from := now.Add(-2 * time.Minute)
	frames := w.query(t, nil, "requestLatency", from, now, map[string]any{"services": []string{"session-buddy"}, "exemplars": true})
	var lines int
	var ex *data.Frame
	for _, f := range frames {
		if f.Name == "exemplar" {
			ex = f
		} else {
			lines++
		}
	}
	if lines != 3 || ex == nil {
		t.Fatalf("requestLatency with exemplars: %d latency frames and exemplars %v, want 3 and a frame", lines, ex != nil)
	}
	exemplarFrame(t, ex, data.DataTopicAnnotations)
	for _, job := range testkit.Strings(t, ex, "job") {
		if job != "session-buddy" {
			t.Fatalf("exemplar of job %q in a session-buddy query", job)
		}
	}
	for _, f := range w.query(t, nil, "requestLatency", from, now, map[string]any{"services": []string{"session-buddy"}}) {
		if f.Name == "exemplar" {
			t.Fatal("exemplars returned without the exemplars option")
		}
	}
	frames = w.query(t, nil, "toolHealth", from, now, map[string]any{"format": "timeseries", "tools": []string{"deploy"}, "exemplars": true})
	ex = nil
	for _, f := range frames {
		if f.Name == "exemplar" {
			ex = f
		}
	}
	if ex == nil {
		t.Fatalf("toolHealth timeseries with exemplars returned no exemplar frame (%d frames)", len(frames))
	}
	exemplarFrame(t, ex, data.DataTopicAnnotations)
	for _, tool := range testkit.Strings(t, ex, "tool_name") {
		if tool != "deploy" {
			t.Fatalf("exemplar of tool %q in a deploy query", tool)
		}
	}
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

// exemplarFrame checks the shape Grafana's Prometheus datasource gives exemplars, with data
// topic `topic` (annotations as time series, none as a table), and returns the frame's
// custom meta.
func exemplarFrame(t testing.TB, f *data.Frame, topic data.DataTopic) map[string]any {
	t.Helper()
	if f.Name != "exemplar" {
		t.Fatalf("exemplar frame is named %q, want exemplar", f.Name)
	}
	if f.Meta == nil {
		t.Fatal("exemplar frame has no meta")
	}
	if f.Meta.DataTopic != topic {
		t.Errorf("exemplar frame dataTopic %q, want %q", f.Meta.DataTopic, topic)
	}
	custom, ok := f.Meta.Custom.(map[string]any)
	if !ok || custom["resultType"] != "exemplar" {
		t.Fatalf("exemplar frame meta.custom %#v lacks resultType exemplar", f.Meta.Custom)
	}
	if len(f.Fields) < 3 || f.Fields[0].Name != "Time" || f.Fields[1].Name != "Value" {
		t.Fatalf("exemplar fields %v, want Time, Value, then labels", testkit.FieldNames(f))
	}
	if f.Fields[0].Type() != data.FieldTypeTime || f.Fields[1].Type() != data.FieldTypeFloat64 {
		t.Fatalf("exemplar Time/Value types %s/%s", f.Fields[0].Type(), f.Fields[1].Type())
	}
	for _, fld := range f.Fields[2:] {
		if fld.Type() != data.FieldTypeString {
			t.Errorf("label field %s is %s, want string", fld.Name, fld.Type())
		}
	}
	trace := testkit.Field(t, f, "trace_id")
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

func number(t testing.TB, v any) int {
	t.Helper()
	f, ok := v.(float64)
	if !ok {
		t.Fatalf("%#v is not a number", v)
	}
	return int(f)
}
