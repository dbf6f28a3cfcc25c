package engines_test

import (
	"context"
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

// jobs export every seed family with a few label values each, and one job is down.
func jobs() []fixture.Job {
	every := fixture.EveryFamily
	return []fixture.Job{
		{
			Name: "mahavishnu", Instances: 2, Families: every,
			Tools: []string{"orchestrate", "list_workflows"}, Pools: []string{"local", "mcp"},
			AgentTypes: []string{"coder", "reviewer"}, Adapters: []string{"prefect", "agno"},
			OTLPOperations: []string{"export", "flush"}, CacheLayers: []string{"l1", "l2"},
		},
		{
			Name: "akosha", Families: every,
			Tools:         []string{"store_memory", "search_memory"},
			MemorySources: []string{"sessions", "documents"}, EmbeddingModels: []string{"nomic-embed-text"},
			OTLPOperations: []string{"export"}, CacheLayers: []string{"l1"},
		},
		{
			Name: "session-buddy", Families: every,
			Tools: []string{"checkpoint", "status"}, Operations: []string{"create", "resume", "end"},
		},
		{Name: "crackerjack", Down: true},
	}
}

// engines is one test's world: the dataset in Prometheus and in VictoriaMetrics, and one
// plugin process serving a datasource for each.
type engines struct {
	ds         *fixture.Dataset
	prometheus host.Settings
	victoria   host.Settings
	plugin     *host.Plugin
}

// startEngines loads a dataset ending 30 minutes after `now` (zero: the current minute)
// into both engines.
func startEngines(t *testing.T, now time.Time) *engines {
	t.Helper()
	bin, err := host.BinaryPath()
	if err != nil {
		t.Fatal(err)
	}
	host.RequireBinary(t, bin)
	ds := fixture.NewDataset(fixture.DatasetOptions{Now: now, Jobs: jobs(), History: 90 * time.Minute})
	om := ds.OpenMetrics()
	prom := fixture.StartPrometheus(t, fixture.PrometheusOptions{Backfill: om})
	vm := startVictoriaMetrics(t, om, ds.End)
	return &engines{
		ds:         ds,
		prometheus: host.Settings{URL: prom.URL, UID: "prometheus"},
		victoria:   host.Settings{URL: vm.URL, UID: "victoria-metrics"},
		plugin:     host.Start(t, host.Options{Binary: bin}),
	}
}

// tolerance is how far an answer from VictoriaMetrics may be from Prometheus's: relative
// to the larger of the two values.
//
// Gauges and `up` are read the same by both (the last sample within the lookback): exact.
// rate() differs: Prometheus extrapolates the increase between the first and the last
// sample inside the window to the window's edges; VictoriaMetrics takes the increase since
// the last sample before the window, without extrapolating. Where the window's edges fall
// on sample times, both see the same samples and agree: the time series of range queries,
// whose steps are multiples of the 15 s scrape interval (Prometheus 2.x windows include
// their left edge; 3.x windows do not). Where they do not, Prometheus sees one interval
// less: the tables, read at the panel's end, 3 s off the grid, over 39 intervals against
// 40 in a 10 m window and 3 against 4 in the 1 m window `auto` picks here. Ratios of
// rates (error %, success %, hit ratio), histogram_quantile over rates and the statuses
// judged on them differ as much. Largest differences measured over this dataset: none in
// time series (ecosystemSummary is a table in both formats); in tables 2.0 % at 10 m, and
// at 1 m 22 % for toolHealth (a tool's success share over a handful of calls moves with
// every call), 6 % for the other types.
const (
	exact = 1e-9
	// rates and everything computed from them, per rate window.
	rates10m       = 0.05
	ratesAuto      = 0.10
	toolHealthAuto = 0.30
)

type parityCase struct {
	name      string
	queryType string
	json      map[string]any
	tolerance float64
}

func parityCases() []parityCase {
	var out []parityCase
	for _, qt := range []string{
		"ecosystemSummary", "requestRate", "requestLatency", "errorRate", "toolHealth",
		"agentTasks", "workflows", "sessions", "memory", "cache", "otlpOperations",
	} {
		for _, format := range []string{"timeseries", "table"} {
			tolerances := map[string]float64{"10m": rates10m, "auto": ratesAuto}
			switch {
			case format == "timeseries" && qt != "ecosystemSummary":
				// Range queries on the scrape grid: the same samples in both windows.
				tolerances = map[string]float64{"10m": exact, "auto": exact}
			case qt == "toolHealth":
				tolerances["auto"] = toolHealthAuto
			}
			for window, tol := range tolerances {
				out = append(out, parityCase{qt + "/" + format + "/" + window, qt,
					map[string]any{"format": format, "rateWindow": window}, tol})
			}
		}
	}
	for _, qt := range []string{"poolCapacity", "system"} {
		for _, format := range []string{"timeseries", "table"} {
			out = append(out, parityCase{qt + "/" + format, qt, map[string]any{"format": format}, exact})
		}
	}
	return append(out,
		parityCase{"promql/gauge", "promql", map[string]any{"expr": "sum by (job) (up)", "legendFormat": "{{job}}"}, exact},
		parityCase{"promql/rate", "promql", map[string]any{"expr": "sum by (job) (rate(mcp_http_requests_total[10m]))"}, rates10m},
	)
}

// TestEveryQueryTypeAnswersOnVictoriaMetricsAsOnPrometheus runs every query type, in both
// formats, through one plugin against both engines holding the same samples, and compares
// the frames: same frames, fields, labels, executed PromQL and statuses, values within the
// type's tolerance.
//
// The dataset's values depend on the sample's time, so it is pinned to one date: the
// differences measured on it are the ones the tolerances below were chosen from.
func TestEveryQueryTypeAnswersOnVictoriaMetricsAsOnPrometheus(t *testing.T) {
	e := startEngines(t, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	to := e.ds.Now.Add(-3 * time.Second)
	from := to.Add(-time.Hour)
	worst := map[string]float64{}
	for _, c := range parityCases() {
		t.Run(c.name, func(t *testing.T) {
			q := host.Query{
				RefID: "A", QueryType: c.queryType, From: from, To: to,
				IntervalMS: 15000, MaxDataPoints: 1200, JSON: c.json,
			}
			onProm := e.answer(t, e.prometheus, q)
			onVM := e.answer(t, e.victoria, q)
			d := compare(t, onProm, onVM, c.tolerance)
			key := c.queryType
			if f, ok := c.json["format"]; ok {
				key += " " + fmt.Sprint(f)
			}
			if w, ok := c.json["rateWindow"]; ok {
				key += ", rateWindow " + fmt.Sprint(w)
			}
			worst[key] = max(worst[key], d)
		})
	}
	keys := make([]string, 0, len(worst))
	for k := range worst {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("largest relative difference, %s: %.4f", k, worst[k])
	}
}

func (e *engines) answer(t *testing.T, s host.Settings, q host.Query) data.Frames {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := e.plugin.QueryData(ctx, s, nil, q)
	if err != nil {
		t.Fatalf("%s on %s: %v", q.QueryType, s.UID, err)
	}
	r := res["A"]
	if r.Error != "" {
		t.Fatalf("%s on %s failed: %s", q.QueryType, s.UID, r.Error)
	}
	if len(r.Frames) == 0 {
		t.Fatalf("%s on %s: no frames", q.QueryType, s.UID)
	}
	return r.Frames
}

// cell is one value of an answer, addressed by frame, field, labels and time or row.
type cells struct {
	values  map[string]float64
	strings map[string]string
	meta    map[string]string
}

// flatten addresses every value of the frames: a time series point by frame name, field
// name, labels and time; a table cell by frame name, the row's key columns and the column.
func flatten(t *testing.T, frames data.Frames) cells {
	t.Helper()
	c := cells{values: map[string]float64{}, strings: map[string]string{}, meta: map[string]string{}}
	for _, f := range frames {
		if f.Meta != nil {
			c.meta[f.Name] = f.Meta.ExecutedQueryString
		}
		var timeF *data.Field
		var keyFields []*data.Field
		for _, fld := range f.Fields {
			switch fld.Type() {
			case data.FieldTypeTime, data.FieldTypeNullableTime:
				timeF = fld
			case data.FieldTypeString, data.FieldTypeNullableString:
				if fld.Name != "status" && fld.Name != "reasons" {
					keyFields = append(keyFields, fld)
				}
			}
		}
		for i := 0; i < f.Rows(); i++ {
			row := f.Name
			if timeF != nil {
				v, _ := timeF.ConcreteAt(i)
				tm, _ := v.(time.Time)
				row += "@" + tm.UTC().Format(time.RFC3339)
			} else {
				var parts []string
				for _, k := range keyFields {
					v, _ := k.ConcreteAt(i)
					s, _ := v.(string)
					parts = append(parts, s)
				}
				row += "/" + strings.Join(parts, "/")
			}
			for _, fld := range f.Fields {
				key := row + "|" + fld.Name + testkit.LabelsKey(fld.Labels)
				switch fld.Type() {
				case data.FieldTypeTime, data.FieldTypeNullableTime:
				case data.FieldTypeString, data.FieldTypeNullableString:
					if fld.Name == "status" {
						v, _ := fld.ConcreteAt(i)
						s, _ := v.(string)
						c.strings[key] = s
					}
				default:
					v, err := fld.NullableFloatAt(i)
					if err != nil {
						t.Fatalf("%s: %v", key, err)
					}
					if v == nil {
						c.values[key] = math.NaN()
					} else {
						c.values[key] = *v
					}
				}
			}
		}
	}
	return c
}

// compare fails the test where the answers differ beyond tol and returns the largest
// relative difference seen.
func compare(t *testing.T, onProm, onVM data.Frames, tol float64) float64 {
	t.Helper()
	p, v := flatten(t, onProm), flatten(t, onVM)
	if len(p.values) == 0 {
		t.Fatal("the Prometheus answer holds no values: nothing is compared")
	}
	for name, expr := range p.meta {
		if v.meta[name] != expr {
			t.Errorf("frame %q: executed %q on VictoriaMetrics, %q on Prometheus", name, v.meta[name], expr)
		}
	}
	worst := 0.0
	var missing, extra, off []string
	for k, pv := range p.values {
		vv, ok := v.values[k]
		if !ok {
			missing = append(missing, k)
			continue
		}
		if math.IsNaN(pv) || math.IsNaN(vv) {
			if math.IsNaN(pv) != math.IsNaN(vv) {
				off = append(off, fmt.Sprintf("%s: %v on Prometheus, %v on VictoriaMetrics", k, pv, vv))
			}
			continue
		}
		d := math.Abs(pv - vv)
		scale := math.Max(math.Abs(pv), math.Abs(vv))
		if scale > 0 && d/scale > worst {
			worst = d / scale
		}
		if d > tol*scale+1e-9 {
			off = append(off, fmt.Sprintf("%s: %v on Prometheus, %v on VictoriaMetrics", k, pv, vv))
		}
	}
	for k := range v.values {
		if _, ok := p.values[k]; !ok {
			extra = append(extra, k)
		}
	}
	// A status may differ only where the values it judges differ: a rate within the
	// tolerance can still land on the other side of a band boundary.
	for k, ps := range p.strings {
		if v.strings[k] != ps && !differs(p.values, v.values, strings.TrimSuffix(k, "|status{}")+"|") {
			off = append(off, fmt.Sprintf("%s: %q on Prometheus, %q on VictoriaMetrics over the same values", k, ps, v.strings[k]))
		}
	}
	report := func(what string, l []string) {
		if len(l) == 0 {
			return
		}
		sort.Strings(l)
		t.Errorf("%d %s (of %d values), e.g. %s", len(l), what, len(p.values), strings.Join(l[:min(len(l), 5)], "; "))
	}
	report("values missing on VictoriaMetrics", missing)
	report("values only on VictoriaMetrics", extra)
	report(fmt.Sprintf("values beyond the tolerance %g", tol), off)
	return worst
}

// differs reports whether any value of the row (keys starting with prefix) differs
// between the answers.
func differs(p, v map[string]float64, prefix string) bool {
	for k, pv := range p {
		if strings.HasPrefix(k, prefix) && math.Abs(pv-v[k]) > exact*math.Max(math.Abs(pv), 1) {
			return true
		}
	}
	return false
}
