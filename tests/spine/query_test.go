package spine

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mahavishnu/mcp-grafana/tests/host"
)

const scrape = 15 * time.Second

// autoWindow is Grafana's $__rate_interval: max(step + scrape interval, 4 x scrape interval).
func autoWindow(step time.Duration) time.Duration {
	return max(step+scrape, 4*scrape)
}

func TestQueryTypesEqualPrometheusAnswersToTheSeedPromQL(t *testing.T) {
	e := newEnv(t, nil)
	from := e.ds.Now.Add(-90 * time.Minute).Add(7 * time.Second)
	to := e.ds.Now.Add(-3 * time.Second)

	cases := []struct {
		name      string
		queryType string
		json      map[string]any
		unit      string
		labels    func(*testing.T, series)
		expr      func(s series, w time.Duration) (string, map[string]string)
	}{
		{
			name: "requestRate", queryType: "requestRate", unit: "reqps",
			labels: onlyLabels("job"),
			expr: func(_ series, w time.Duration) (string, map[string]string) {
				return fmt.Sprintf(`sum by (job) (rate(mcp_http_requests_total[%s]))`, promDuration(w)), nil
			},
		},
		{
			name: "requestRate explicit 5m window", queryType: "requestRate", unit: "reqps",
			json:   map[string]any{"rateWindow": "5m"},
			labels: onlyLabels("job"),
			expr: func(_ series, _ time.Duration) (string, map[string]string) {
				return `sum by (job) (rate(mcp_http_requests_total[5m]))`, nil
			},
		},
		{
			name: "requestLatency", queryType: "requestLatency", unit: "s",
			json:   map[string]any{"percentiles": []float64{50, 95, 99.9}},
			labels: onlyLabels("job", "percentile"),
			expr: func(s series, w time.Duration) (string, map[string]string) {
				p, err := strconv.ParseFloat(s.labels["percentile"], 64)
				if err != nil {
					return "invalid percentile label " + s.labels["percentile"], nil
				}
				return fmt.Sprintf(`histogram_quantile(%s, sum by (le, job) (rate(mcp_http_request_duration_seconds_bucket[%s])))`,
						strconv.FormatFloat(p/100, 'g', -1, 64), promDuration(w)),
					map[string]string{"percentile": s.labels["percentile"]}
			},
		},
		{
			name: "errorRate", queryType: "errorRate", unit: "percent",
			labels: onlyLabels("job"),
			expr: func(_ series, w time.Duration) (string, map[string]string) {
				return fmt.Sprintf(`100 * sum by (job) (rate(mcp_http_requests_total{status=~"5.."}[%[1]s])) / sum by (job) (rate(mcp_http_requests_total[%[1]s]))`, promDuration(w)), nil
			},
		},
		{
			name: "promql", queryType: "promql",
			json: map[string]any{"expr": `sum by (job, tool_name) (rate(mcp_tool_calls_total{status="error"}[5m]))`},
			expr: func(_ series, _ time.Duration) (string, map[string]string) {
				return `sum by (job, tool_name) (rate(mcp_tool_calls_total{status="error"}[5m]))`, nil
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := host.Query{RefID: "A", QueryType: c.queryType, From: from, To: to, IntervalMS: 15000, MaxDataPoints: 1200, JSON: c.json}
			res, err := e.plugin.QueryData(ctxT(t, 60*time.Second), e.settings(), nil, q)
			if err != nil {
				t.Fatal(err)
			}
			r := res["A"]
			if r.Error != "" {
				t.Fatalf("refId A failed: %s", r.Error)
			}
			ss := nonEmpty(timeseries(t, "A", r.Frames))
			if len(ss) == 0 {
				t.Fatalf("no series in %d frames", len(r.Frames))
			}
			checkTimeseriesMeta(t, r.Frames)
			wantStep := grafanaStep(from, to, 15000, 1200, scrape)
			for _, s := range ss {
				if c.labels != nil {
					c.labels(t, s)
				}
				if c.unit != "" && s.unit != c.unit {
					t.Errorf("%s: unit %q, want %q", s.key(), s.unit, c.unit)
				}
				if got := time.Duration(s.interval * float64(time.Millisecond)); got != wantStep {
					t.Errorf("%s: step %s, want %s", s.key(), got, wantStep)
				}
			}
			compareWithPrometheus(t, e.prom, ss, func(s series) (string, map[string]string) {
				return c.expr(s, autoWindow(wantStep))
			})
			t.Logf("%s: %d series equal Prometheus's answers (%v)", c.name, len(ss), sortedKeys(ss))
		})
	}
}

func onlyLabels(names ...string) func(*testing.T, series) {
	return func(t *testing.T, s series) {
		t.Helper()
		if len(s.labels) != len(names) {
			t.Errorf("series labels %s, want exactly %v", s.key(), names)
			return
		}
		for _, n := range names {
			if _, ok := s.labels[n]; !ok {
				t.Errorf("series labels %s lack %s", s.key(), n)
			}
		}
	}
}

func checkTimeseriesMeta(t *testing.T, frames data.Frames) {
	t.Helper()
	for _, f := range frames {
		if f.Meta == nil {
			t.Errorf("frame %q has no meta", f.Name)
			continue
		}
		if f.Meta.Type != data.FrameTypeTimeSeriesMulti {
			t.Errorf("frame %q: meta.type %q, want timeseries-multi", f.Name, f.Meta.Type)
		}
		if f.Meta.TypeVersion != (data.FrameTypeVersion{0, 1}) {
			t.Errorf("frame %q: meta.typeVersion %v, want [0 1]", f.Name, f.Meta.TypeVersion)
		}
		eq := f.Meta.ExecutedQueryString
		if !strings.HasPrefix(eq, "Expr: ") || !strings.Contains(eq, "\nStep: ") {
			t.Errorf("frame %q: executedQueryString %q, want \"Expr: <promql>\\nStep: <duration>\"", f.Name, eq)
		}
	}
}

func TestStepAndRangeAlignmentFollowGrafana(t *testing.T) {
	e := newEnv(t, nil)
	now := e.ds.Now
	cases := []struct {
		name          string
		from, to      time.Time
		intervalMs    int64
		maxDataPoints int64
	}{
		{"panel interval wins", now.Add(-time.Hour).Add(1234 * time.Millisecond), now.Add(-777 * time.Millisecond), 15000, 1500},
		{"max data points rounds to a nice interval", now.Add(-2 * time.Hour), now, 1000, 50},
		{"30 days at one point per ms is capped by the 11000-point floor", now.Add(-30 * 24 * time.Hour), now, 1, 1_000_000},
		{"sub-second steps never exceed 11000 points", now.Add(-2 * time.Hour).Add(333 * time.Millisecond), now, 1, 20000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := host.Query{RefID: "A", QueryType: "requestRate", From: c.from, To: c.to, IntervalMS: c.intervalMs, MaxDataPoints: c.maxDataPoints}
			res, err := e.plugin.QueryData(ctxT(t, 90*time.Second), e.settings(), nil, q)
			if err != nil {
				t.Fatal(err)
			}
			if res["A"].Error != "" {
				t.Fatalf("refId A failed: %s", res["A"].Error)
			}
			ss := nonEmpty(timeseries(t, "A", res["A"].Frames))
			if len(ss) == 0 {
				t.Fatal("no series")
			}
			grafana := grafanaStep(c.from, c.to, c.intervalMs, c.maxDataPoints, scrape)
			for _, s := range ss {
				step := time.Duration(s.interval * float64(time.Millisecond))
				start, end := alignDown(c.from, step), alignDown(c.to, step)
				points := int64(end.Sub(start)/step) + 1
				if points > 11000 {
					t.Errorf("%s: step %s gives %d points over the range, Prometheus refuses more than 11000", s.key(), step, points)
				}
				if len(s.times) > 11000 {
					t.Errorf("%s: %d points in the frame", s.key(), len(s.times))
				}
				gStart, gEnd := alignDown(c.from, grafana), alignDown(c.to, grafana)
				if int64(gEnd.Sub(gStart)/grafana)+1 <= 11000 {
					if step != grafana {
						t.Errorf("%s: step %s, Grafana's Prometheus datasource picks %s", s.key(), step, grafana)
					}
				} else if step <= grafana || step > 2*grafana+time.Millisecond {
					t.Errorf("%s: step %s, want just above Grafana's %s so the range fits 11000 points", s.key(), step, grafana)
				}
				for _, ts := range s.times {
					if ts.Before(start) || ts.After(end) {
						t.Errorf("%s: point at %s outside the aligned range [%s, %s]", s.key(), ts, start, end)
						break
					}
					if ts.UnixMilli()%step.Milliseconds() != 0 {
						t.Errorf("%s: point at %s is not on a multiple of the step %s", s.key(), ts, step)
						break
					}
				}
				if stepLine := executedStep(s.frame); stepLine != step {
					t.Errorf("%s: executedQueryString says step %s, time field says %s", s.key(), stepLine, step)
				}
			}
			t.Logf("%s: step %s (Grafana %s), %d series", c.name, time.Duration(ss[0].interval*float64(time.Millisecond)), grafana, len(ss))
		})
	}
}

func executedStep(f *data.Frame) time.Duration {
	if f.Meta == nil {
		return -1
	}
	_, after, ok := strings.Cut(f.Meta.ExecutedQueryString, "\nStep: ")
	if !ok {
		return -1
	}
	d, err := time.ParseDuration(strings.TrimSpace(after))
	if err != nil {
		return -1
	}
	return d
}

func TestAQueryRequestRunsEveryTypeAndReturnsEachRefID(t *testing.T) {
	e := newEnv(t, nil)
	from, to := e.ds.Now.Add(-time.Hour), e.ds.Now
	qs := []host.Query{
		{RefID: "rate", QueryType: "requestRate", From: from, To: to, IntervalMS: 30000, MaxDataPoints: 1000},
		{RefID: "lat", QueryType: "requestLatency", From: from, To: to, IntervalMS: 30000, MaxDataPoints: 1000},
		{RefID: "err", QueryType: "errorRate", From: from, To: to, IntervalMS: 30000, MaxDataPoints: 1000},
		{RefID: "raw", QueryType: "promql", From: from, To: to, IntervalMS: 30000, MaxDataPoints: 1000, JSON: map[string]any{"expr": "up"}},
	}
	res, err := e.plugin.QueryData(ctxT(t, 60*time.Second), e.settings(), nil, qs...)
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
		if len(nonEmpty(timeseries(t, q.RefID, r.Frames))) == 0 {
			t.Errorf("refId %s: no data", q.RefID)
		}
		for _, f := range r.Frames {
			if f.RefID != q.RefID {
				t.Errorf("refId %s: frame carries refId %q", q.RefID, f.RefID)
			}
		}
	}
	if want := 3 * 3; len(nonEmpty(timeseries(t, "lat", res["lat"].Frames))) != want {
		t.Errorf("requestLatency with default percentiles [50 95 99] over 3 jobs: %d series, want %d", len(res["lat"].Frames), want)
	}
}
