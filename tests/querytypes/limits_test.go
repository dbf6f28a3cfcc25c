package querytypes_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/faults"
	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

// TestQueriesPastTheLimitsAreRefusedBeforeAnyUpstreamCall sends, in one request, a
// requestLatency query with 1,000 percentiles, a query whose time range ends before it
// starts, and a plain query. The first two fail at once in the plugin's words; only the
// third reaches Prometheus (seen through a recording proxy in front of it) and answers.
func TestQueriesPastTheLimitsAreRefusedBeforeAnyUpstreamCall(t *testing.T) {
	recorder := faults.Record(t, world.Prom.URL)

	from, to := world.DS.Now.Add(-time.Hour), world.DS.Now
	percentiles := make([]float64, 1000)
	for i := range percentiles {
		percentiles[i] = float64(i+1) / 10.01
	}
	queries := []host.Query{
		{RefID: "many", QueryType: "requestLatency", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 1000,
			JSON: map[string]any{"percentiles": percentiles}},
		{RefID: "reversed", QueryType: "requestRate", From: to, To: from, IntervalMS: 15000, MaxDataPoints: 1000},
		{RefID: "A", QueryType: "promql", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 1000,
			JSON: map[string]any{"expr": "up"}},
	}
	settings := host.Settings{URL: recorder.URL, UID: "limits"}
	started := time.Now()
	res, err := world.Plugin.QueryData(testkit.Ctx(t, 60*time.Second), settings, nil, queries...)
	if err != nil {
		t.Fatalf("the whole request failed: %v", err)
	}
	elapsed := time.Since(started)

	want := map[string][]string{
		"many":     {`field "percentiles" has 1000 values`, "limit of 20", "fewer percentiles"},
		"reversed": {"time range", "ends before it starts", "end is after its start"},
	}
	for refID, mentions := range want {
		r := res[refID]
		if r.Error == "" {
			t.Errorf("refId %s: no error", refID)
			continue
		}
		for _, m := range mentions {
			if !strings.Contains(r.Error, m) {
				t.Errorf("refId %s: error %q does not mention %q", refID, r.Error, m)
			}
		}
		if strings.Contains(r.Error, "Prometheus") {
			t.Errorf("refId %s: error %q comes from Prometheus, not from the plugin", refID, r.Error)
		}
	}
	if a := res["A"]; a.Error != "" || len(readSeries(t, a.Frames)) == 0 {
		t.Errorf("refId A: error %q, or no data", a.Error)
	}
	seen := recorder.Requests()
	if len(seen) == 0 {
		t.Fatal("no call reached Prometheus, not even refId A's")
	}
	for _, r := range seen {
		if call := r.Path + " " + r.Query.Get("query"); call != "/api/v1/query_range up" {
			t.Errorf("a refused query reached Prometheus: %s", call)
		}
	}
	// 1,000 histogram queries used to run into the 10 s timeout.
	if elapsed > 10*time.Second {
		t.Errorf("the request took %v; refusals must not wait on Prometheus", elapsed)
	}
}
