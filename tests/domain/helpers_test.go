package domain_test

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
	to := world.ds.Now.Add(-3 * time.Second)
	return newSpan(world.prom, to.Add(-time.Hour).Add(7*time.Second), to, intervalMS, maxDataPoints, scrape, scrape)
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
		rateWindow: fmt.Sprintf("%dms", max(minInterval+scrapeInterval, 4*scrapeInterval).Milliseconds()),
	}
}

func window() (from, to time.Time) {
	b := backfilled()
	return b.from, b.to
}

func step() time.Duration { return backfilled().step }

func rateWindow() string { return backfilled().rateWindow }

// settings is a datasource instance over the shared Prometheus; uid tells instances apart.
func settings(uid string, jsonData map[string]any) host.Settings {
	return host.Settings{URL: world.prom.URL, UID: uid, JSONData: jsonData}
}

// seed is the default datasource: seed profile, no overrides.
func seed() host.Settings { return settings("domain-seed", nil) }

func ctxT(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

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
	res, err := world.plugin.QueryData(ctxT(t, 60*time.Second), s, headers, q)
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

// table is a wide table frame read by column title.
type table struct {
	frame *data.Frame
	keys  []string // key column titles
	rows  []row
}

type row struct {
	key     string // key values joined by "/"
	keyVals map[string]string
	values  map[string]*float64
	status  string
	reasons string
}

// readTable reads the single table frame: string key columns before the value columns,
// float64 value columns, then `status` and `reasons`.
func readTable(t *testing.T, frames data.Frames) table {
	t.Helper()
	if len(frames) != 1 {
		t.Fatalf("table answer has %d frames, want 1", len(frames))
	}
	f := frames[0]
	if f.Meta == nil || f.Meta.Type != data.FrameTypeTable {
		t.Fatalf("frame %q is not a table frame (meta %+v)", f.Name, f.Meta)
	}
	tb := table{frame: f}
	n := f.Rows()
	for i := 0; i < n; i++ {
		tb.rows = append(tb.rows, row{keyVals: map[string]string{}, values: map[string]*float64{}})
	}
	inKeys := true
	for _, fld := range f.Fields {
		switch {
		case fld.Name == "status" || fld.Name == "reasons":
			for i := 0; i < n; i++ {
				v, _ := fld.ConcreteAt(i)
				s, _ := v.(string)
				if fld.Name == "status" {
					tb.rows[i].status = s
				} else {
					tb.rows[i].reasons = s
				}
			}
		case fld.Type() == data.FieldTypeString || fld.Type() == data.FieldTypeNullableString:
			if !inKeys {
				t.Fatalf("string column %q after value columns", fld.Name)
			}
			tb.keys = append(tb.keys, fld.Name)
			for i := 0; i < n; i++ {
				v, _ := fld.ConcreteAt(i)
				s, _ := v.(string)
				tb.rows[i].keyVals[fld.Name] = s
			}
		default:
			inKeys = false
			for i := 0; i < n; i++ {
				v, err := fld.NullableFloatAt(i)
				if err != nil {
					t.Fatalf("column %q row %d: %v", fld.Name, i, err)
				}
				tb.rows[i].values[fld.Name] = v
			}
		}
	}
	for i := range tb.rows {
		var parts []string
		for _, k := range tb.keys {
			parts = append(parts, tb.rows[i].keyVals[k])
		}
		tb.rows[i].key = strings.Join(parts, "/")
	}
	return tb
}

func (tb table) row(t *testing.T, key string) row {
	t.Helper()
	for _, r := range tb.rows {
		if r.key == key {
			return r
		}
	}
	t.Fatalf("table has no row %q (rows %v)", key, tb.keysList())
	return row{}
}

func (tb table) keysList() []string {
	var out []string
	for _, r := range tb.rows {
		out = append(out, r.key)
	}
	sort.Strings(out)
	return out
}

func (tb table) field(t *testing.T, title string) *data.Field {
	t.Helper()
	for _, f := range tb.frame.Fields {
		if f.Name == title {
			return f
		}
	}
	t.Fatalf("table has no column %q", title)
	return nil
}

// column is one value column of a table and the seed PromQL that defines it.
type column struct {
	title, unit string
	expr        string
}

// checkTable compares every row and column with Prometheus's own instant answer to the
// column's PromQL at the end of the window, matching rows by the key labels.
func checkTable(t *testing.T, tb table, keyLabels []string, cols []column) {
	t.Helper()
	checkTableIn(t, backfilled(), tb, keyLabels, cols)
}

func checkTableIn(t *testing.T, sp span, tb table, keyLabels []string, cols []column) {
	t.Helper()
	to := sp.to
	if len(tb.keys) != len(keyLabels) {
		t.Fatalf("table keys %v, want one per label %v", tb.keys, keyLabels)
	}
	exec := strings.Split(tb.frame.Meta.ExecutedQueryString, "\n")
	if len(exec) != len(cols) {
		t.Errorf("executedQueryString has %d lines, want one per value column (%d): %q", len(exec), len(cols), tb.frame.Meta.ExecutedQueryString)
	}
	// Every key Prometheus has for any column is a row; every row is such a key.
	want := map[string]bool{}
	for _, c := range cols {
		fld := tb.field(t, c.title)
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
			r := tb.row(t, key)
			v := r.values[c.title]
			got[key] = true
			switch {
			case math.IsNaN(pv):
				if v != nil {
					t.Errorf("%s %s: table has %v, Prometheus has NaN (want null)", key, c.title, *v)
				}
			case v == nil:
				t.Errorf("%s %s: table has null, Prometheus has %g", key, c.title, pv)
			case !closeEnough(*v, pv):
				t.Errorf("%s %s: table has %.17g, Prometheus has %.17g (%s)", key, c.title, *v, pv, c.expr)
			}
		}
		for _, r := range tb.rows {
			if !got[r.key] && r.values[c.title] != nil {
				t.Errorf("%s %s: table has %g, Prometheus has no sample for %s", r.key, c.title, *r.values[c.title], c.expr)
			}
		}
	}
	for _, r := range tb.rows {
		if !want[r.key] {
			t.Errorf("row %q matches no series of any column's PromQL", r.key)
		}
	}
	// Worst status first.
	rank := map[string]int{"critical": 0, "warn": 1, "ok": 2}
	for i := 1; i < len(tb.rows); i++ {
		if rank[tb.rows[i-1].status] > rank[tb.rows[i].status] {
			t.Errorf("row %d (%s, %s) comes after a better one (%s, %s): worst status first", i, tb.rows[i].key, tb.rows[i].status, tb.rows[i-1].key, tb.rows[i-1].status)
		}
	}
	for _, r := range tb.rows {
		if _, ok := rank[r.status]; !ok {
			t.Errorf("row %s: status %q, want ok, warn or critical", r.key, r.status)
		}
		if (r.status == "ok") != (r.reasons == "") {
			t.Errorf("row %s: status %s with reasons %q: reasons go with warn and critical only", r.key, r.status, r.reasons)
		}
	}
}

// series is one timeseries frame reduced to what the tests compare.
type series struct {
	labels   map[string]string
	times    []time.Time
	values   []*float64
	interval float64
	unit     string
	display  string
	frame    *data.Frame
}

func (s series) key() string { return testkit.LabelsKey(s.labels) }

// readSeries reads timeseries-multi frames; the empty frame (no rows) is dropped.
func readSeries(t *testing.T, frames data.Frames) []series {
	t.Helper()
	var out []series
	for _, f := range frames {
		if f.Meta == nil || f.Meta.Type != data.FrameTypeTimeSeriesMulti {
			t.Fatalf("frame %q is not timeseries-multi (meta %+v)", f.Name, f.Meta)
		}
		if len(f.Fields) != 2 || f.Fields[0].Type() != data.FieldTypeTime {
			t.Fatalf("frame %q: fields %s, want Time and Value", f.Name, fieldTypes(f))
		}
		tf, vf := f.Fields[0], f.Fields[1]
		if vf.Type() != data.FieldTypeFloat64 && vf.Type() != data.FieldTypeNullableFloat64 {
			t.Fatalf("frame %q: value field is %s", f.Name, vf.Type())
		}
		if f.Rows() == 0 {
			continue
		}
		s := series{labels: map[string]string{}, frame: f}
		for k, v := range vf.Labels {
			s.labels[k] = v
		}
		if tf.Config != nil {
			s.interval = tf.Config.Interval
		}
		if vf.Config != nil {
			s.unit = vf.Config.Unit
			s.display = vf.Config.DisplayNameFromDS
		}
		for i := 0; i < f.Rows(); i++ {
			tv, _ := tf.ConcreteAt(i)
			s.times = append(s.times, tv.(time.Time))
			v, err := vf.NullableFloatAt(i)
			if err != nil {
				t.Fatal(err)
			}
			s.values = append(s.values, v)
		}
		out = append(out, s)
	}
	return out
}

func fieldTypes(f *data.Frame) string {
	var parts []string
	for _, fld := range f.Fields {
		parts = append(parts, fmt.Sprintf("%s:%s", fld.Name, fld.Type()))
	}
	return strings.Join(parts, ", ")
}

// line is one PromQL of a timeseries answer: series carrying metric=<metric> (or no metric
// label when metric is "") must equal Prometheus's answer to expr, with that unit and labels.
type line struct {
	metric string
	expr   string
	unit   string
	labels []string // label names Prometheus's answer has (metric added by the plugin)
}

// checkSeries compares every point with Prometheus's range answer at the frame's own
// timestamps and step, and checks that every series Prometheus has is there.
func checkSeries(t *testing.T, got []series, lines []line) {
	t.Helper()
	checkSeriesIn(t, backfilled(), got, lines)
}

func checkSeriesIn(t *testing.T, sp span, got []series, lines []line) {
	t.Helper()
	if len(got) == 0 {
		t.Fatal("no series")
	}
	wantStep := sp.step
	from, to := sp.from, sp.to
	start := alignDown(from, wantStep)
	end := alignDown(to, wantStep)
	byMetric := map[string][]series{}
	for _, s := range got {
		byMetric[s.labels["metric"]] = append(byMetric[s.labels["metric"]], s)
		if time.Duration(s.interval*float64(time.Millisecond)) != wantStep {
			t.Errorf("%s: time field config.interval %g ms, want the step %s", s.key(), s.interval, wantStep)
		}
		if s.display == "" {
			t.Errorf("%s: no displayNameFromDS", s.key())
		}
		nan := 0
		for _, v := range s.values {
			if v != nil && math.IsNaN(*v) {
				nan++
			}
		}
		if nan > 0 {
			t.Errorf("%s: %d of %d points are NaN: a gap is null or no series, never NaN", s.key(), nan, len(s.values))
		}
	}
	for _, l := range lines {
		ss := byMetric[l.metric]
		delete(byMetric, l.metric)
		answer := sp.prom.QueryRange(t, l.expr, start, end, wantStep)
		want := map[string]fixture.Series{}
		for _, a := range answer {
			lbl := map[string]string{}
			for k, v := range a.Labels {
				lbl[k] = v
			}
			if l.metric != "" {
				lbl["metric"] = l.metric
			}
			want[testkit.LabelsKey(lbl)] = a
		}
		seen := map[string]bool{}
		for _, s := range ss {
			if s.unit != l.unit {
				t.Errorf("%s: unit %q, want %q", s.key(), s.unit, l.unit)
			}
			names := []string{}
			for k := range s.labels {
				if k != "metric" {
					names = append(names, k)
				}
			}
			sort.Strings(names)
			if strings.Join(names, ",") != strings.Join(sortedUnique(l.labels), ",") {
				t.Errorf("%s: label names %v, want %v", s.key(), names, l.labels)
			}
			w, ok := want[s.key()]
			if !ok {
				t.Errorf("series %s has no counterpart in Prometheus's answer to %s", s.key(), l.expr)
				continue
			}
			seen[s.key()] = true
			points := map[int64]float64{}
			for _, p := range w.Samples {
				points[p.T.UnixMilli()] = p.V
			}
			matched := 0
			for i, ts := range s.times {
				pv, ok := points[ts.UnixMilli()]
				v := s.values[i]
				switch {
				case !ok && v == nil:
				case !ok:
					t.Errorf("%s at %s: frame has %g, Prometheus has no point", s.key(), ts.Format(time.RFC3339), *v)
				case v == nil:
					if !math.IsNaN(pv) {
						t.Errorf("%s at %s: frame has null, Prometheus has %g", s.key(), ts.Format(time.RFC3339), pv)
					}
					matched++
				default:
					matched++
					if !closeEnough(*v, pv) {
						t.Errorf("%s at %s: frame has %.17g, Prometheus has %.17g", s.key(), ts.Format(time.RFC3339), *v, pv)
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
				t.Errorf("%s: frame has %d of Prometheus's %d points (%d numbers)", s.key(), matched, len(points), numbers)
			}
		}
		for k, w := range want {
			if !seen[k] && hasNumber(w) {
				t.Errorf("Prometheus has series %s for %s, the answer lacks it", k, l.expr)
			}
		}
	}
	for m, ss := range byMetric {
		t.Errorf("%d series with metric=%q that no PromQL of the type explains, e.g. %s", len(ss), m, ss[0].key())
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

func alignDown(t time.Time, step time.Duration) time.Time {
	ms, s := t.UnixMilli(), step.Milliseconds()
	return time.UnixMilli(ms - ((ms%s)+s)%s).UTC()
}

func closeEnough(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return a == b
	}
	d := math.Abs(a - b)
	return d <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) || d < 1e-12
}

func pct(v *float64) string {
	if v == nil {
		return "null"
	}
	return strconv.FormatFloat(*v, 'g', 17, 64)
}
