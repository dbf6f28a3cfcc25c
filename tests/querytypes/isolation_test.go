package querytypes_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

func TestAMalformedOrUnknownQueryFailsAloneWhileTheOthersSucceed(t *testing.T) {
	from, to := world.DS.Now.Add(-time.Hour), world.DS.Now
	q := func(refID, queryType string, json map[string]any) host.Query {
		return host.Query{RefID: refID, QueryType: queryType, From: from, To: to, IntervalMS: 15000, MaxDataPoints: 1000, JSON: json}
	}
	bad := map[string]struct {
		query host.Query
		// mention is a word the error must contain so the user sees what to fix.
		mention []string
	}{
		"truncatedJSON": {query: host.Query{RefID: "truncatedJSON", QueryType: "requestRate", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 1000,
			RawJSON: []byte(`{"refId":"truncatedJSON","queryType":"requestRate","services":["mahav`)}},
		"unknownType":    {query: q("unknownType", "bogusType", nil), mention: []string{"bogusType"}},
		"wrongFieldType": {query: q("wrongFieldType", "requestRate", map[string]any{"services": 42}), mention: []string{"services"}},
		"badPercentile":  {query: q("badPercentile", "requestLatency", map[string]any{"percentiles": []float64{50, 150}}), mention: []string{"150"}},
		"badWindow":      {query: q("badWindow", "requestRate", map[string]any{"rateWindow": "five minutes"}), mention: []string{"rateWindow", "five minutes"}},
		"badPromQL":      {query: q("badPromQL", "promql", map[string]any{"expr": "sum(rate(up[5m]"}), mention: []string{}},
	}
	good := []host.Query{
		q("A", "requestRate", nil),
		q("B", "errorRate", map[string]any{"services": []string{"mahavishnu"}}),
		q("C", "promql", map[string]any{"expr": "up"}),
	}
	all := append([]host.Query{}, good...)
	for _, b := range bad {
		all = append(all, b.query)
	}
	res, err := world.Plugin.QueryData(testkit.Ctx(t, 60*time.Second), seed(), nil, all...)
	if err != nil {
		t.Fatalf("the whole request failed (each query must fail alone): %v", err)
	}
	for _, g := range good {
		r, ok := res[g.RefID]
		if !ok || r.Error != "" {
			t.Errorf("good refId %s: present %v, error %q", g.RefID, ok, r.Error)
			continue
		}
		if len(readSeries(t, r.Frames)) == 0 {
			t.Errorf("good refId %s: no data", g.RefID)
		}
	}
	for refID, b := range bad {
		r, ok := res[refID]
		if !ok {
			t.Errorf("refId %s: no response", refID)
			continue
		}
		if r.Error == "" {
			t.Errorf("refId %s: no error", refID)
			continue
		}
		for _, m := range b.mention {
			if !strings.Contains(r.Error, m) {
				t.Errorf("refId %s: error %q does not mention %q", refID, r.Error, m)
			}
		}
		t.Logf("%s: %s", refID, r.Error)
	}
	if !world.Plugin.Alive() {
		t.Fatal("plugin process died")
	}
}
func TestAQueryRequestRunsEveryTypeAndReturnsEachRefID(t *testing.T) {
	from, to := world.DS.Now.Add(-time.Hour), world.DS.Now
	qs := []host.Query{
		{RefID: "rate", QueryType: "requestRate", From: from, To: to, IntervalMS: 30000, MaxDataPoints: 1000},
		{RefID: "lat", QueryType: "requestLatency", From: from, To: to, IntervalMS: 30000, MaxDataPoints: 1000},
		{RefID: "err", QueryType: "errorRate", From: from, To: to, IntervalMS: 30000, MaxDataPoints: 1000},
		{RefID: "raw", QueryType: "promql", From: from, To: to, IntervalMS: 30000, MaxDataPoints: 1000, JSON: map[string]any{"expr": "up"}},
	}
	res, err := world.Plugin.QueryData(testkit.Ctx(t, 60*time.Second), seed(), nil, qs...)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		r, ok := res[q.RefID]
		if !ok {
			t.Errorf("no response for refId %s", q.RefID)
			continue
		}
		if r.Error != "" {
			t.Errorf("refId %s: %s", q.RefID, r.Error)
			continue
		}
		if len(readSeries(t, r.Frames)) == 0 {
			t.Errorf("refId %s: no data", q.RefID)
		}
		for _, f := range r.Frames {
			if f.RefID != q.RefID {
				t.Errorf("refId %s: frame carries refId %q", q.RefID, f.RefID)
			}
		}
	}
	jobs := world.DS.JobNames(func(j fixture.Job) bool { return j.Exports(fixture.FamilyHTTPDuration) })
	if want := 3 * len(jobs); len(readSeries(t, res["lat"].Frames)) != want {
		t.Errorf("requestLatency with default percentiles [50 95 99] over %d jobs %v: %d series, want %d", len(jobs), jobs, len(res["lat"].Frames), want)
	}
}
