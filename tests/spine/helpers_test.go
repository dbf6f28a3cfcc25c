// Package spine proves the backend spine end to end: the plugin binary launched as Grafana
// launches it, talking to a real Prometheus over deterministic backfilled data.
package spine

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

// env is one test's world: a Prometheus over a dataset and a running plugin.
type env struct {
	ds     *fixture.Dataset
	prom   *fixture.Prometheus
	plugin *host.Plugin
}

func newEnv(t *testing.T, jobs []fixture.Job) *env {
	t.Helper()
	return newEnvWith(t, jobs, host.Options{})
}

func newEnvWith(t *testing.T, jobs []fixture.Job, opts host.Options) *env {
	t.Helper()
	// The binary is checked first so a missing build fails fast with the fix.
	bin, err := host.BinaryPath()
	if err != nil {
		t.Fatal(err)
	}
	host.RequireBinary(t, bin)
	ds := fixture.NewDataset(fixture.DatasetOptions{Jobs: jobs})
	prom := fixture.StartPrometheus(t, fixture.PrometheusOptions{Backfill: ds.OpenMetrics()})
	opts.Binary = bin
	p := host.Start(t, opts)
	return &env{ds: ds, prom: prom, plugin: p}
}

func (e *env) settings() host.Settings {
	return host.Settings{URL: e.prom.URL, UID: "prom-" + strconv.Itoa(e.prom.PID)}
}

func ctxT(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// series is one timeseries frame reduced to what the tests compare.
type series struct {
	labels   map[string]string
	times    []time.Time
	values   []*float64
	interval float64
	unit     string
	frame    *data.Frame
}

func (s series) key() string { return testkit.LabelsKey(s.labels) }

// timeseries reads timeseries-multi frames: a time field and a float64 value field each.
func timeseries(t *testing.T, refID string, frames data.Frames) []series {
	t.Helper()
	var out []series
	for _, f := range frames {
		var timeF, valF *data.Field
		for _, fld := range f.Fields {
			switch fld.Type() {
			case data.FieldTypeTime, data.FieldTypeNullableTime:
				timeF = fld
			case data.FieldTypeFloat64, data.FieldTypeNullableFloat64:
				valF = fld
			}
		}
		if timeF == nil || valF == nil {
			t.Fatalf("refId %s: frame %q is not a time series (fields %s)", refID, f.Name, fieldTypes(f))
		}
		s := series{labels: map[string]string{}, frame: f}
		for k, v := range valF.Labels {
			s.labels[k] = v
		}
		if timeF.Config != nil {
			s.interval = timeF.Config.Interval
		}
		if valF.Config != nil {
			s.unit = valF.Config.Unit
		}
		for i := 0; i < timeF.Len(); i++ {
			tv, ok := timeF.ConcreteAt(i)
			if !ok {
				t.Fatalf("refId %s: null time at row %d", refID, i)
			}
			s.times = append(s.times, tv.(time.Time))
			v, err := valF.NullableFloatAt(i)
			if err != nil {
				t.Fatalf("refId %s: value at row %d: %v", refID, i, err)
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

// nonEmpty drops the empty-result frame (no rows).
func nonEmpty(ss []series) []series {
	var out []series
	for _, s := range ss {
		if len(s.times) > 0 {
			out = append(out, s)
		}
	}
	return out
}

// compareWithPrometheus checks every point of every frame series against Prometheus's own
// answer for the same expression at the frame's timestamps (start = first, end = last,
// step = the time field's config.interval).
func compareWithPrometheus(t *testing.T, prom *fixture.Prometheus, got []series, expected func(s series) (expr string, extra map[string]string)) {
	t.Helper()
	if len(got) == 0 {
		t.Fatal("no series to compare")
	}
	type want struct {
		points map[int64]float64
	}
	cache := map[string][]fixture.Series{}
	for _, s := range got {
		if s.interval <= 0 {
			t.Fatalf("%s: time field has no config.interval", s.key())
		}
		step := time.Duration(s.interval * float64(time.Millisecond))
		expr, extra := expected(s)
		start, end := s.times[0], s.times[len(s.times)-1]
		ck := fmt.Sprintf("%s|%d|%d|%d", expr, start.UnixMilli(), end.UnixMilli(), step)
		answer, ok := cache[ck]
		if !ok {
			answer = prom.QueryRange(t, expr, start, end, step)
			cache[ck] = answer
		}
		var match *fixture.Series
		for i := range answer {
			l := map[string]string{}
			for k, v := range answer[i].Labels {
				l[k] = v
			}
			for k, v := range extra {
				l[k] = v
			}
			if testkit.LabelsKey(l) == s.key() {
				match = &answer[i]
				break
			}
		}
		if match == nil {
			var keys []string
			for _, a := range answer {
				keys = append(keys, testkit.LabelsKey(a.Labels))
			}
			t.Errorf("frame series %s has no counterpart in Prometheus's answer to %s (series %v)", s.key(), expr, keys)
			continue
		}
		w := want{points: map[int64]float64{}}
		for _, p := range match.Samples {
			w.points[p.T.UnixMilli()] = p.V
		}
		seen := 0
		for i, ts := range s.times {
			pv, ok := w.points[ts.UnixMilli()]
			v := s.values[i]
			switch {
			case !ok && v == nil:
				continue
			case !ok:
				t.Errorf("%s at %s: frame has %g, Prometheus has no point", s.key(), ts.UTC().Format(time.RFC3339Nano), *v)
			case v == nil:
				if !math.IsNaN(pv) {
					t.Errorf("%s at %s: frame has null, Prometheus has %g", s.key(), ts.UTC().Format(time.RFC3339Nano), pv)
				}
				seen++
			default:
				seen++
				if !closeEnough(*v, pv) {
					t.Errorf("%s at %s: frame has %.17g, Prometheus has %.17g", s.key(), ts.UTC().Format(time.RFC3339Nano), *v, pv)
				}
			}
		}
		if seen != len(w.points) {
			t.Errorf("%s: frame has %d of Prometheus's %d points", s.key(), seen, len(w.points))
		}
	}
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

// grafanaStep is the step Grafana's Prometheus datasource (promlib) picks: the query's
// intervalMs (else the scrape interval) as the minimum, range/maxDataPoints rounded to a
// "nice" interval when larger, and range/11000 rounded as the safe floor.
func grafanaStep(from, to time.Time, intervalMs, maxDataPoints int64, scrape time.Duration) time.Duration {
	rng := to.Sub(from)
	minInterval := scrape
	if intervalMs > 0 {
		minInterval = time.Duration(intervalMs) * time.Millisecond
	}
	res := maxDataPoints
	if res == 0 {
		res = 1500
	}
	calc := rng / time.Duration(res)
	if calc < minInterval {
		calc = minInterval
	} else {
		calc = roundInterval(calc)
	}
	safe := rng / 11000
	if safe > time.Millisecond {
		safe = roundInterval(safe)
	} else {
		safe = time.Millisecond
	}
	if calc > safe {
		return calc
	}
	return safe
}

// roundInterval is Grafana's table of "nice" intervals.
func roundInterval(d time.Duration) time.Duration {
	ms := d.Milliseconds()
	table := []struct{ upTo, nice int64 }{
		{10, 1}, {15, 10}, {35, 20}, {75, 50}, {150, 100}, {350, 200}, {750, 500},
		{1500, 1000}, {3500, 2000}, {7500, 5000}, {12500, 10000}, {17500, 15000},
		{25000, 20000}, {45000, 30000}, {90000, 60000}, {210000, 120000}, {450000, 300000},
		{750000, 600000}, {1050000, 900000}, {1500000, 1200000}, {2700000, 1800000},
		{5400000, 3600000}, {9000000, 7200000}, {16200000, 10800000}, {32400000, 21600000},
		{86400000, 43200000}, {172800000, 86400000}, {604800000, 86400000},
		{1814400000, 604800000},
	}
	for _, e := range table {
		if ms <= e.upTo {
			return time.Duration(e.nice) * time.Millisecond
		}
	}
	if ms < 3628800000 {
		return 2592000000 * time.Millisecond
	}
	return 31536000000 * time.Millisecond
}

func alignDown(t time.Time, step time.Duration) time.Time {
	ms := t.UnixMilli()
	s := step.Milliseconds()
	return time.UnixMilli(ms - ((ms%s)+s)%s).UTC()
}

// promDuration writes a window in milliseconds, which Prometheus accepts as is.
func promDuration(d time.Duration) string { return fmt.Sprintf("%dms", d.Milliseconds()) }

func sortedKeys(ss []series) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.key())
	}
	sort.Strings(out)
	return out
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func executed(f *data.Frame) string {
	if f.Meta == nil {
		return ""
	}
	return f.Meta.ExecutedQueryString
}

// describe summarises frames for failure messages.
func describe(ss []series) string {
	var parts []string
	for _, s := range ss {
		notices := 0
		if s.frame.Meta != nil {
			notices = len(s.frame.Meta.Notices)
		}
		parts = append(parts, fmt.Sprintf("frame %q labels %s fields [%s] rows %d notices %d", s.frame.Name, s.key(), fieldTypes(s.frame), len(s.times), notices))
	}
	return fmt.Sprintf("%d frames: %s", len(ss), strings.Join(parts, "; "))
}
