package resources_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

// previewCall is one upstream call of the promql resource's answer.
type previewCall struct {
	Expr    string `json:"expr"`
	Kind    string `json:"kind"`
	StepMs  *int64 `json:"stepMs"`
	Purpose string `json:"purpose"`
}

// The editor's PromQL preview is the PromQL QueryData runs: for each query type, the
// preview's calls are the expressions the frames say were executed, at the same step.
func TestPromQLPreviewIsWhatQueryDataRuns(t *testing.T) {
	to := world.DS.Now
	from := to.Add(-time.Hour)
	job := world.DS.Jobs[0].Name
	cases := []map[string]any{
		{"queryType": "requestRate", "services": []string{job}},
		{"queryType": "requestLatency", "percentiles": []float64{50, 99.9}, "rateWindow": "2m"},
		{"queryType": "errorRate"},
		{"queryType": "toolHealth", "services": []string{job}},
		{"queryType": "toolHealth", "format": "timeseries"},
		{"queryType": "poolCapacity", "format": "table"},
		{"queryType": "system"},
		{"queryType": "ecosystemSummary"},
		{"queryType": "promql", "expr": "sum by (job) (up)", "legendFormat": "{{job}}"},
	}
	for _, q := range cases {
		b, _ := json.Marshal(q)
		name := string(b)
		t.Run(name, func(t *testing.T) {
			calls := preview(t, q, from, to)
			if len(calls) == 0 {
				t.Fatalf("preview of %s has no calls", name)
			}
			res, err := world.Plugin.QueryData(testkit.Ctx(t, 60*time.Second), seed(), nil,
				hostQuery("A", q, from, to))
			if err != nil {
				t.Fatal(err)
			}
			r := res["A"]
			if r.Error != "" {
				t.Fatalf("QueryData: %s", r.Error)
			}
			ran, steps := executedExprs(r.Frames)
			var want []string
			for _, c := range calls {
				if c.Kind == "exemplars" {
					continue
				}
				want = append(want, c.Expr)
				if c.Kind == "range" {
					if c.StepMs == nil {
						t.Errorf("range call %q has no stepMs", c.Expr)
					} else if s, ok := steps[c.Expr]; ok && s != time.Duration(*c.StepMs)*time.Millisecond {
						t.Errorf("call %q: preview step %d ms, frames ran at %s", c.Expr, *c.StepMs, s)
					}
				}
				if c.Purpose == "" {
					t.Errorf("call %q has no purpose", c.Expr)
				}
			}
			sort.Strings(want)
			if !reflect.DeepEqual(want, ran) {
				t.Errorf("preview exprs\n  %q\nframes executed\n  %q", want, ran)
			}
		})
	}
}

// A query QueryData refuses gets the same words from the preview, with HTTP 400.
func TestPromQLPreviewRefusesABadQueryWithQueryDataWords(t *testing.T) {
	to := world.DS.Now
	from := to.Add(-time.Hour)
	q := map[string]any{"queryType": "requestRate", "rateWindow": "fast"}
	body, _ := json.Marshal(map[string]any{"query": q, "from": from.UnixMilli(), "to": to.UnixMilli()})
	code, out, err := world.Plugin.CallResource(testkit.Ctx(t, 30*time.Second), seed(), "POST", "promql", body)
	if err != nil {
		t.Fatal(err)
	}
	var msg struct {
		Error string `json:"error"`
	}
	if code != 400 || json.Unmarshal(out, &msg) != nil {
		t.Fatalf("bad query: HTTP %d %s, want 400 with an error", code, out)
	}
	res, err := world.Plugin.QueryData(testkit.Ctx(t, 30*time.Second), seed(), nil, hostQuery("A", q, from, to))
	if err != nil {
		t.Fatal(err)
	}
	if msg.Error != res["A"].Error || !strings.Contains(msg.Error, "rateWindow") || !strings.Contains(msg.Error, "fast") {
		t.Errorf("preview error %q, QueryData error %q: want the same words naming rateWindow and \"fast\"", msg.Error, res["A"].Error)
	}
}

// The query types resource lists every type with a description, a default format and
// the fields it reads.
func TestQueryTypesResourceDescribesEveryType(t *testing.T) {
	code, body, err := world.Plugin.CallResource(testkit.Ctx(t, 30*time.Second), seed(), "GET", "queryTypes", nil)
	if err != nil {
		t.Fatal(err)
	}
	var types []struct {
		QueryType     string   `json:"queryType"`
		Description   string   `json:"description"`
		DefaultFormat string   `json:"defaultFormat"`
		Fields        []string `json:"fields"`
	}
	if code != 200 || json.Unmarshal(body, &types) != nil {
		t.Fatalf("GET queryTypes: HTTP %d %s", code, body)
	}
	byName := map[string]int{}
	for i, qt := range types {
		byName[qt.QueryType] = i
		if qt.Description == "" || (qt.DefaultFormat != "table" && qt.DefaultFormat != "timeseries") {
			t.Errorf("%s: description %q, default format %q", qt.QueryType, qt.Description, qt.DefaultFormat)
		}
	}
	if len(types) != 15 {
		t.Errorf("%d query types, want 15: %s", len(types), body)
	}
	if i, ok := byName["toolHealth"]; !ok || types[i].DefaultFormat != "table" || !slices.Contains(types[i].Fields, "tools") {
		t.Errorf("toolHealth entry wrong: %s", body)
	}
	if i, ok := byName["promql"]; !ok || !slices.Contains(types[i].Fields, "expr") || slices.Contains(types[i].Fields, "services") {
		t.Errorf("promql entry wrong: %s", body)
	}
}

func hostQuery(refID string, q map[string]any, from, to time.Time) host.Query {
	return host.Query{RefID: refID, QueryType: q["queryType"].(string), From: from, To: to,
		IntervalMS: 15000, MaxDataPoints: 500, JSON: q}
}

func preview(t *testing.T, q map[string]any, from, to time.Time) []previewCall {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": q, "from": from.UnixMilli(), "to": to.UnixMilli(),
		"intervalMs": 15000, "maxDataPoints": 500})
	if err != nil {
		t.Fatal(err)
	}
	code, out, err := world.Plugin.CallResource(testkit.Ctx(t, 30*time.Second), seed(), "POST", "promql", body)
	if err != nil {
		t.Fatal(err)
	}
	var answer struct {
		Queries []previewCall `json:"queries"`
	}
	if code != 200 || json.Unmarshal(out, &answer) != nil {
		t.Fatalf("POST promql: HTTP %d %s", code, out)
	}
	return answer.Queries
}

// executedExprs reads every frame's executedQueryString (`Expr: ...\nStep: ...` of time
// series, one PromQL a line of tables) into the distinct expressions, sorted, and the
// step each range expression ran at.
func executedExprs(frames data.Frames) ([]string, map[string]time.Duration) {
	set := map[string]bool{}
	steps := map[string]time.Duration{}
	last := ""
	for _, f := range frames {
		if f.Meta != nil && f.Meta.DataTopic == data.DataTopicAnnotations {
			continue
		}
		for _, line := range strings.Split(testkit.Executed(f), "\n") {
			switch {
			case strings.HasPrefix(line, "Expr: "):
				last = strings.TrimPrefix(line, "Expr: ")
				set[last] = true
			case strings.HasPrefix(line, "Step: "):
				if d, err := time.ParseDuration(strings.TrimPrefix(line, "Step: ")); err == nil {
					steps[last] = d
				}
			case line != "":
				set[line] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for e := range set {
		out = append(out, e)
	}
	sort.Strings(out)
	return out, steps
}
