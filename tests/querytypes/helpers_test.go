package querytypes_test

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

const (
	scrape        = 15 * time.Second
	intervalMS    = 15000
	maxDataPoints = 1200
)

// span is a panel's range over one Prometheus and the step and rate window the plugin
// must pick for it.
type span struct {
	prom       *fixture.Prometheus
	from, to   time.Time
	intervalMS int64
	maxPoints  int64
	step       time.Duration
	rateWindow string
}

// backfilled is the range every test over the shared dataset asks about: an hour ending a
// few seconds before the dataset's reference time, deliberately off the step grid. Grafana
// picks the 15 s minimum interval as the step (range/maxDataPoints is smaller).
func backfilled() span {
	to := world.DS.Now.Add(-3 * time.Second)
	return newSpan(world.Prom, to.Add(-time.Hour).Add(7*time.Second), to, intervalMS, maxDataPoints, scrape, scrape)
}

// newSpan is a range whose step is the minimum interval (the caller makes sure that
// range/maxPoints is below it) and whose rate window is $__rate_interval:
// max(step + scrape interval, 4 x scrape interval).
func newSpan(prom *fixture.Prometheus, from, to time.Time, intervalMS, maxPoints int64, minInterval, scrapeInterval time.Duration) span {
	if to.Sub(from)/time.Duration(maxPoints) >= minInterval {
		panic("range too wide for the minimum-interval step")
	}
	return span{
		prom: prom, from: from, to: to, intervalMS: intervalMS, maxPoints: maxPoints, step: minInterval,
		rateWindow: testkit.PromDuration(max(minInterval+scrapeInterval, 4*scrapeInterval)),
	}
}

func window() (from, to time.Time) {
	b := backfilled()
	return b.from, b.to
}

func rateWindow() string { return backfilled().rateWindow }

// settings is a datasource instance over the shared Prometheus; uid tells instances apart.
func settings(uid string, jsonData map[string]any) host.Settings {
	return world.Settings(uid, jsonData)
}

// seed is the default datasource: seed profile, no overrides.
func seed() host.Settings { return settings("querytypes-seed", nil) }

// query runs one query over the backfilled span and fails the test when the refId failed.
func query(t *testing.T, s host.Settings, queryType string, json map[string]any, alert bool) host.Response {
	t.Helper()
	return queryIn(t, backfilled(), s, queryType, json, alert)
}

func queryIn(t *testing.T, sp span, s host.Settings, queryType string, json map[string]any, alert bool) host.Response {
	t.Helper()
	var headers map[string]string
	if alert {
		headers = map[string]string{"FromAlert": "true"}
	}
	q := host.Query{RefID: "A", QueryType: queryType, From: sp.from, To: sp.to, IntervalMS: sp.intervalMS, MaxDataPoints: sp.maxPoints, JSON: json}
	res, err := world.Plugin.QueryData(testkit.Ctx(t, 60*time.Second), s, headers, q)
	if err != nil {
		t.Fatalf("%s: %v", queryType, err)
	}
	r, ok := res["A"]
	if !ok {
		t.Fatalf("%s: no answer for refId A", queryType)
	}
	if r.Error != "" {
		t.Fatalf("%s %v: refId A failed: %s", queryType, json, r.Error)
	}
	return r
}

// readTable reads the single table frame of an answer.
func readTable(t *testing.T, frames data.Frames) testkit.Table {
	t.Helper()
	return testkit.ReadTable(t, testkit.OnlyFrame(t, frames))
}

// readSeries reads the timeseries frames of an answer that has data.
func readSeries(t *testing.T, frames data.Frames) []testkit.Series {
	t.Helper()
	return testkit.NonEmpty(testkit.ReadSeries(t, frames))
}

// typeCase is what a query type means, written from ../shared/DESIGN.md independently of
// the plugin: its key labels and columns in the table format, its lines in the time series
// format, each with the PromQL Prometheus must answer the same.
type typeCase struct {
	queryType string
	// json is added to every query of the case (the format aside).
	json map[string]any
	// table format, for the types that have one
	keyLabels []string
	columns   []column
	// timeseries format
	lines []line
}

// column is one value column of a table and the seed PromQL that defines it.
type column struct {
	title, unit string
	expr        string
}

// line is one PromQL of a timeseries answer: the series carrying the labels in added (the
// labels the plugin adds to Prometheus's, such as metric or percentile) must equal
// Prometheus's answer to expr, with that unit and label names.
type line struct {
	added  map[string]string
	expr   string
	unit   string
	labels []string // label names Prometheus's answer has
	// legend is false for a type that names no series itself (promql).
	noLegend bool
}

// metric is the added label of a line of a type with several PromQL.
func metric(name string) map[string]string {
	if name == "" {
		return nil
	}
	return map[string]string{"metric": name}
}

// sumRate is the per-label rate of a counter over the rate window.
func sumRate(metric, by string) string {
	return fmt.Sprintf("sum by (%s) (rate(%s[%s]))", by, metric, rateWindow())
}

func successPercent(metric, by string) string {
	return fmt.Sprintf(`100 * %s / %s`, sumRate(metric+`{status="success"}`, by), sumRate(metric, by))
}

// p is the q-quantile of a histogram given by name, optionally with matchers: `h{a="b"}`.
func p(q float64, histogram, by string) string {
	buckets := histogram + "_bucket"
	if i := strings.Index(histogram, "{"); i >= 0 {
		buckets = histogram[:i] + "_bucket" + histogram[i:]
	}
	return fmt.Sprintf("histogram_quantile(%g, sum by (le, %s) (rate(%s[%s])))", q, by, buckets, rateWindow())
}

// checkTable compares every row and column with Prometheus's own instant answer to the
// column's PromQL at the end of the window, matching rows by the key labels.
func checkTable(t *testing.T, tb testkit.Table, keyLabels []string, cols []column) {
	t.Helper()
	checkTableIn(t, backfilled(), tb, keyLabels, cols)
}

func checkTableIn(t *testing.T, sp span, tb testkit.Table, keyLabels []string, cols []column) {
	t.Helper()
	to := sp.to
	if len(tb.Keys) != len(keyLabels) {
		t.Fatalf("table keys %v, want one per label %v", tb.Keys, keyLabels)
	}
	exec := strings.Split(tb.Frame.Meta.ExecutedQueryString, "\n")
	if len(exec) != len(cols) {
		t.Errorf("executedQueryString has %d lines, want one per value column (%d): %q", len(exec), len(cols), tb.Frame.Meta.ExecutedQueryString)
	}
	// Every key Prometheus has for any column is a row; every row is such a key.
	want := map[string]bool{}
	for _, c := range cols {
		fld := testkit.Field(t, tb.Frame, c.title)
		if fld.Config == nil || fld.Config.Unit != c.unit {
			t.Errorf("column %q: unit %v, want %q", c.title, fld.Config, c.unit)
		}
		answer := sp.prom.Query(t, c.expr, to)
		got := map[string]bool{}
		for _, s := range answer {
			var parts []string
			for _, l := range keyLabels {
				parts = append(parts, s.Labels[l])
			}
			key := strings.Join(parts, "/")
			want[key] = true
			pv := s.Samples[0].V
			r := tb.Row(t, key)
			v := r.Values[c.title]
			got[key] = true
			switch {
			case math.IsNaN(pv):
				if v != nil {
					t.Errorf("%s %s: table has %v, Prometheus has NaN (want null)", key, c.title, *v)
				}
			case v == nil:
				t.Errorf("%s %s: table has null, Prometheus has %g", key, c.title, pv)
			case !testkit.CloseEnough(*v, pv):
				t.Errorf("%s %s: table has %.17g, Prometheus has %.17g (%s)", key, c.title, *v, pv, c.expr)
			}
		}
		for _, r := range tb.Rows {
			if !got[r.Key] && r.Values[c.title] != nil {
				t.Errorf("%s %s: table has %g, Prometheus has no sample for %s", r.Key, c.title, *r.Values[c.title], c.expr)
			}
		}
	}
	for _, r := range tb.Rows {
		if !want[r.Key] {
			t.Errorf("row %q matches no series of any column's PromQL", r.Key)
		}
	}
	// Worst status first.
	rank := map[string]int{"critical": 0, "warn": 1, "ok": 2}
	for i := 1; i < len(tb.Rows); i++ {
		if rank[tb.Rows[i-1].Status] > rank[tb.Rows[i].Status] {
			t.Errorf("row %d (%s, %s) comes after a better one (%s, %s): worst status first", i, tb.Rows[i].Key, tb.Rows[i].Status, tb.Rows[i-1].Key, tb.Rows[i-1].Status)
		}
	}
	for _, r := range tb.Rows {
		if _, ok := rank[r.Status]; !ok {
			t.Errorf("row %s: status %q, want ok, warn or critical", r.Key, r.Status)
		}
		if (r.Status == "ok") != (r.Reasons == "") {
			t.Errorf("row %s: status %s with reasons %q: reasons go with warn and critical only", r.Key, r.Status, r.Reasons)
		}
	}
}

// checkSeries compares every point with Prometheus's range answer at the frame's own
// timestamps and step, and checks that every series Prometheus has is there.
func checkSeries(t *testing.T, got []testkit.Series, lines []line) {
	t.Helper()
	checkSeriesIn(t, backfilled(), got, lines)
}

// lineOf is the line a series answers: the one with the most added labels, all carried
// by the series; -1 for none.
func lineOf(s testkit.Series, lines []line) int {
	best := -1
	for i, l := range lines {
		carries := true
		for k, v := range l.added {
			carries = carries && s.Labels[k] == v
		}
		if _, tagged := s.Labels["metric"]; tagged && l.added["metric"] == "" {
			carries = false
		}
		if carries && (best < 0 || len(l.added) > len(lines[best].added)) {
			best = i
		}
	}
	return best
}

func checkSeriesIn(t *testing.T, sp span, got []testkit.Series, lines []line) {
	t.Helper()
	if len(got) == 0 {
		t.Fatal("no series")
	}
	wantStep := sp.step
	start := testkit.AlignDown(sp.from, wantStep)
	end := testkit.AlignDown(sp.to, wantStep)
	byLine := make([][]testkit.Series, len(lines))
	for _, s := range got {
		i := lineOf(s, lines)
		if i < 0 {
			t.Errorf("series %s: no PromQL of the type explains it", s.Key())
			continue
		}
		byLine[i] = append(byLine[i], s)
		if s.Interval != wantStep {
			t.Errorf("%s: time field config.interval %s, want the step %s", s.Key(), s.Interval, wantStep)
		}
		if s.Display == "" && !lines[i].noLegend {
			t.Errorf("%s: no displayNameFromDS", s.Key())
		}
		if eq := testkit.Executed(s.Frame); !strings.HasPrefix(eq, "Expr: ") || !strings.Contains(eq, "\nStep: "+wantStep.String()) {
			t.Errorf("%s: executedQueryString %q, want \"Expr: <promql>\\nStep: %s\"", s.Key(), eq, wantStep)
		}
		nan := 0
		for _, v := range s.Values {
			if v != nil && math.IsNaN(*v) {
				nan++
			}
		}
		if nan > 0 {
			t.Errorf("%s: %d of %d points are NaN: a gap is null or no series, never NaN", s.Key(), nan, len(s.Values))
		}
	}
	for i, l := range lines {
		answer := sp.prom.QueryRange(t, l.expr, start, end, wantStep)
		want := map[string]fixture.Series{}
		for _, a := range answer {
			lbl := map[string]string{}
			for k, v := range a.Labels {
				lbl[k] = v
			}
			for k, v := range l.added {
				lbl[k] = v
			}
			want[testkit.LabelsKey(lbl)] = a
		}
		seen := map[string]bool{}
		for _, s := range byLine[i] {
			if s.Unit != l.unit {
				t.Errorf("%s: unit %q, want %q", s.Key(), s.Unit, l.unit)
			}
			names := []string{}
			for k := range s.Labels {
				if _, added := l.added[k]; !added {
					names = append(names, k)
				}
			}
			sort.Strings(names)
			if strings.Join(names, ",") != strings.Join(testkit.SortedUnique(l.labels), ",") {
				t.Errorf("%s: label names %v, want %v", s.Key(), names, l.labels)
			}
			w, ok := want[s.Key()]
			if !ok {
				t.Errorf("series %s has no counterpart in Prometheus's answer to %s", s.Key(), l.expr)
				continue
			}
			seen[s.Key()] = true
			points := map[int64]float64{}
			for _, p := range w.Samples {
				points[p.T.UnixMilli()] = p.V
			}
			matched := 0
			for i, ts := range s.Times {
				pv, ok := points[ts.UnixMilli()]
				v := s.Values[i]
				switch {
				case !ok && v == nil:
				case !ok:
					t.Errorf("%s at %s: frame has %g, Prometheus has no point", s.Key(), ts.Format(time.RFC3339), *v)
				case v == nil:
					if !math.IsNaN(pv) {
						t.Errorf("%s at %s: frame has null, Prometheus has %g", s.Key(), ts.Format(time.RFC3339), pv)
					}
					matched++
				default:
					matched++
					if !testkit.CloseEnough(*v, pv) {
						t.Errorf("%s at %s: frame has %.17g, Prometheus has %.17g", s.Key(), ts.Format(time.RFC3339), *v, pv)
					}
				}
			}
			// A NaN of Prometheus's (a ratio or quantile of nothing) may be left out.
			numbers := 0
			for _, v := range points {
				if !math.IsNaN(v) {
					numbers++
				}
			}
			if matched < numbers || matched > len(points) {
				t.Errorf("%s: frame has %d of Prometheus's %d points (%d numbers)", s.Key(), matched, len(points), numbers)
			}
		}
		for k, w := range want {
			if !seen[k] && hasNumber(w) {
				t.Errorf("Prometheus has series %s for %s, the answer lacks it", k, l.expr)
			}
		}
	}
}

func hasNumber(s fixture.Series) bool {
	for _, p := range s.Samples {
		if !math.IsNaN(p.V) {
			return true
		}
	}
	return false
}
