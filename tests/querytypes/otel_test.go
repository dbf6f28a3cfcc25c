package querytypes_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

// The simulator run twice, with the seed and the otel profile, each scraped every second by
// its own Prometheus: under metricProfile "otel" the plugin's answers equal Prometheus's
// answers to the OpenTelemetry PromQL, and every query type answers with the same rows and
// labels under both profiles.
func TestOtelProfileAnswersLikeSeed(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two simulators and two Prometheus servers")
	}
	start := func(profile string) *fixture.Ecosystem {
		return fixture.StartEcosystem(t, fixture.EcosystemOptions{
			Simulator: fixture.SimulatorOptions{Seed: 7, Profile: profile},
			NoRules:   true,
		})
	}
	seedEco, otelEco := start("seed"), start("otel")
	js := func(profile string) map[string]any {
		return map[string]any{"timeInterval": "1s", "metricProfile": profile}
	}
	seedDS := host.Settings{URL: seedEco.Prom.URL, UID: "eco-seed", JSONData: js("seed")}
	otelDS := host.Settings{URL: otelEco.Prom.URL, UID: "eco-otel", JSONData: js("otel")}
	spanOf := func(prom *fixture.Prometheus) span {
		to := time.Now().Add(-1500 * time.Millisecond).Truncate(time.Millisecond)
		return newSpan(prom, to.Add(-30*time.Second), to, 1000, 1000, time.Second, time.Second)
	}

	// Wait until both have enough scrapes for a rate over every tool of the catalogue.
	tools := func(sp span, ds host.Settings) testkit.Table {
		return readTable(t, queryIn(t, sp, ds, "toolHealth", map[string]any{"format": "table"}, false).Frames)
	}
	testkit.WaitFor(t, 60*time.Second, "complete tool tables", func() (bool, string) {
		a, b := tools(spanOf(seedEco.Prom), seedDS), tools(spanOf(otelEco.Prom), otelDS)
		return scrapes(t, seedEco.Prom) >= 8 && scrapes(t, otelEco.Prom) >= 8 && filled(a) && filled(b) && len(a.Rows) == len(b.Rows),
			fmt.Sprintf("seed %d rows, otel %d rows", len(a.Rows), len(b.Rows))
	})

	t.Run("otel toolHealth equals the OpenTelemetry PromQL", func(t *testing.T) {
		sp := spanOf(otelEco.Prom)
		tb := tools(sp, otelDS)
		if tb.Keys[0] != "service" || tb.Keys[1] != "tool" {
			t.Errorf("key columns %v, want service and tool as under seed", tb.Keys)
		}
		checkTableIn(t, sp, tb, []string{"job", "gen_ai_tool_name"}, otelToolColumns(sp.rateWindow))
		const by = "job, gen_ai_tool_name"
		calls := `mcp_server_operation_duration_seconds_count{mcp_method_name="tools/call"}`
		sum := func(sel string) string { return fmt.Sprintf("sum by (%s) (rate(%s[%s]))", by, sel, sp.rateWindow) }
		ts := readSeries(t, queryIn(t, sp, otelDS, "toolHealth", map[string]any{"format": "timeseries"}, false).Frames)
		// The plugin names the tool label tool_name under every profile.
		renamed := fmt.Sprintf(`label_replace(100 * %s / %s, "tool_name", "$1", "gen_ai_tool_name", "(.*)")`,
			sum(`mcp_server_operation_duration_seconds_count{mcp_method_name="tools/call",error_type=""}`), sum(calls))
		checkSeriesIn(t, sp, ts, []line{{expr: fmt.Sprintf(`label_replace(%s, "gen_ai_tool_name", "", "", "")`, renamed), unit: "percent", labels: []string{"job", "tool_name"}}})
	})

	t.Run("otel requestRate equals the OpenTelemetry PromQL", func(t *testing.T) {
		sp := spanOf(otelEco.Prom)
		ss := readSeries(t, queryIn(t, sp, otelDS, "requestRate", nil, false).Frames)
		checkSeriesIn(t, sp, ss, []line{{expr: fmt.Sprintf("sum by (job) (rate(mcp_server_operation_duration_seconds_count[%s]))", sp.rateWindow), unit: "reqps", labels: []string{"job"}}})
	})

	t.Run("health lists the otel families", func(t *testing.T) {
		h, err := world.Plugin.CheckHealth(testkit.Ctx(t, 30*time.Second), otelDS)
		if err != nil {
			t.Fatal(err)
		}
		if h.Details["profile"] != "otel" {
			t.Errorf("details.profile = %v, want otel", h.Details["profile"])
		}
		raw := string(h.Raw)
		if !strings.Contains(raw, "mcp_server_operation_duration_seconds") || strings.Contains(raw, "mcp_tool_calls_total") {
			t.Errorf("otel health details should name the OpenTelemetry families, not the seed ones: %s", raw)
		}
	})

	// Row keys and label names agree between the profiles for every query type.
	for _, qt := range append([]string{"requestRate"}, domainTypes...) {
		t.Run("same shape/"+qt, func(t *testing.T) {
			if qt != "requestRate" {
				a := readTable(t, queryIn(t, spanOf(seedEco.Prom), seedDS, qt, map[string]any{"format": "table"}, false).Frames)
				b := readTable(t, queryIn(t, spanOf(otelEco.Prom), otelDS, qt, map[string]any{"format": "table"}, false).Frames)
				if len(a.Rows) == 0 {
					t.Fatalf("seed %s table has no rows", qt)
				}
				if strings.Join(a.RowKeys(), " ") != strings.Join(b.RowKeys(), " ") {
					t.Errorf("rows differ:\nseed %v\notel %v", a.RowKeys(), b.RowKeys())
				}
				if columns(a) != columns(b) {
					t.Errorf("columns differ: seed %s, otel %s", columns(a), columns(b))
				}
			}
			a := readSeries(t, queryIn(t, spanOf(seedEco.Prom), seedDS, qt, map[string]any{"format": "timeseries"}, false).Frames)
			b := readSeries(t, queryIn(t, spanOf(otelEco.Prom), otelDS, qt, map[string]any{"format": "timeseries"}, false).Frames)
			if len(a) == 0 {
				t.Fatalf("seed %s has no series", qt)
			}
			// Which low-traffic tools had a call in a 30 s window differs between the two
			// live simulators, so the series are compared by shape: label names and unit.
			if la, lb := seriesShapes(a), seriesShapes(b); la != lb {
				t.Errorf("series shapes differ:\nseed %s\notel %s", la, lb)
			}
		})
	}
}

// filled reports whether a tool table has rows, most with a success share (a tool without
// calls in the rate window has none).
func filled(tb testkit.Table) bool {
	n := 0
	for _, r := range tb.Rows {
		if r.Values["success %"] != nil {
			n++
		}
	}
	return len(tb.Rows) > 0 && 2*n > len(tb.Rows)
}

// scrapes is the fewest scrapes any target had in the last 10 seconds.
func scrapes(t *testing.T, prom *fixture.Prometheus) float64 {
	v := prom.Query(t, `min(count_over_time(up[10s]))`, time.Now())
	if len(v) == 0 {
		return 0
	}
	return v[0].Samples[0].V
}

func columns(tb testkit.Table) string {
	var parts []string
	for _, f := range tb.Frame.Fields {
		unit := ""
		if f.Config != nil {
			unit = f.Config.Unit
		}
		parts = append(parts, f.Name+":"+unit)
	}
	return strings.Join(parts, ", ")
}

func seriesKeys(ss []testkit.Series) string {
	var keys []string
	for _, s := range ss {
		keys = append(keys, s.Key()+" "+s.Unit)
	}
	sort.Strings(keys)
	return strings.Join(keys, "\n")
}

// seriesShapes lists the distinct label-name sets and units of ss.
func seriesShapes(ss []testkit.Series) string {
	seen := map[string]bool{}
	for _, s := range ss {
		names := make([]string, 0, len(s.Labels))
		for k := range s.Labels {
			names = append(names, k)
		}
		sort.Strings(names)
		seen[strings.Join(names, ",")+" "+s.Unit] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// otelToolColumns are toolHealth's columns in the OpenTelemetry PromQL, w the rate window.
func otelToolColumns(w string) []column {
	const by = "job, gen_ai_tool_name"
	calls := `mcp_server_operation_duration_seconds_count{mcp_method_name="tools/call"}`
	sum := func(sel string) string { return fmt.Sprintf("sum by (%s) (rate(%s[%s]))", by, sel, w) }
	q := func(p float64) string {
		return fmt.Sprintf(`histogram_quantile(%g, sum by (le, %s) (rate(mcp_server_operation_duration_seconds_bucket{mcp_method_name="tools/call"}[%s])))`, p, by, w)
	}
	return []column{
		{"calls/s", "ops", sum(calls)},
		{"success %", "percent", fmt.Sprintf("100 * %s / %s", sum(`mcp_server_operation_duration_seconds_count{mcp_method_name="tools/call",error_type=""}`), sum(calls))},
		{"errors/s", "ops", sum(`mcp_server_operation_duration_seconds_count{mcp_method_name="tools/call",error_type!=""}`)},
		{"p50", "s", q(0.5)},
		{"p95", "s", q(0.95)},
	}
}

// The same traffic written once with the seed names and once as OpenTelemetry exports it
// (fixture.DatasetOptions.Profile): toolHealth and requestRate give the same numbers under
// either profile, and the otel side equals Prometheus's own answer to the OpenTelemetry
// PromQL.
func TestOtelProfileOnTheSameTrafficGivesTheSameNumbers(t *testing.T) {
	var jobs []fixture.Job
	for _, j := range fixture.DefaultJobs() {
		j.Families = append(append([]string{}, fixture.AllFamilies...), fixture.FamilyToolDuration)
		jobs = append(jobs, j)
	}
	start := func(profile string) *fixture.Prometheus {
		ds := fixture.NewDataset(fixture.DatasetOptions{Now: world.DS.Now, Jobs: jobs, Profile: profile})
		return fixture.StartPrometheus(t, fixture.PrometheusOptions{Backfill: ds.OpenMetrics()})
	}
	seedProm, otelProm := start("seed"), start("otel")
	b := backfilled()
	seedSp := newSpan(seedProm, b.from, b.to, intervalMS, maxDataPoints, scrape, scrape)
	otelSp := newSpan(otelProm, b.from, b.to, intervalMS, maxDataPoints, scrape, scrape)
	seedDS := host.Settings{URL: seedProm.URL, UID: "same-seed"}
	otelDS := host.Settings{URL: otelProm.URL, UID: "same-otel", JSONData: map[string]any{"metricProfile": "otel"}}

	t.Run("toolHealth table", func(t *testing.T) {
		a := readTable(t, queryIn(t, seedSp, seedDS, "toolHealth", map[string]any{"format": "table"}, false).Frames)
		o := readTable(t, queryIn(t, otelSp, otelDS, "toolHealth", map[string]any{"format": "table"}, false).Frames)
		checkTableIn(t, otelSp, o, []string{"job", "gen_ai_tool_name"}, otelToolColumns(otelSp.rateWindow))
		if strings.Join(a.RowKeys(), " ") != strings.Join(o.RowKeys(), " ") || len(a.Rows) == 0 {
			t.Fatalf("rows differ: seed %v, otel %v", a.RowKeys(), o.RowKeys())
		}
		for _, ra := range a.Rows {
			ro := o.Row(t, ra.Key)
			if ra.Status != ro.Status || ra.Reasons != ro.Reasons {
				t.Errorf("%s: seed %s %q, otel %s %q", ra.Key, ra.Status, ra.Reasons, ro.Status, ro.Reasons)
			}
			for col, va := range ra.Values {
				vo := ro.Values[col]
				if (va == nil) != (vo == nil) || (va != nil && !testkit.CloseEnough(*va, *vo)) {
					t.Errorf("%s %s: seed %s, otel %s", ra.Key, col, testkit.Cell(va), testkit.Cell(vo))
				}
			}
		}
	})
	for _, qt := range []string{"toolHealth", "requestRate"} {
		t.Run(qt+" time series", func(t *testing.T) {
			a := readSeries(t, queryIn(t, seedSp, seedDS, qt, map[string]any{"format": "timeseries"}, false).Frames)
			o := readSeries(t, queryIn(t, otelSp, otelDS, qt, map[string]any{"format": "timeseries"}, false).Frames)
			if seriesKeys(a) != seriesKeys(o) || len(a) == 0 {
				t.Fatalf("series differ:\nseed %s\notel %s", seriesKeys(a), seriesKeys(o))
			}
			byKey := map[string]testkit.Series{}
			for _, s := range o {
				byKey[s.Key()] = s
			}
			for _, sa := range a {
				so := byKey[sa.Key()]
				if len(sa.Times) != len(so.Times) {
					t.Errorf("%s: %d points under seed, %d under otel", sa.Key(), len(sa.Times), len(so.Times))
					continue
				}
				for i := range sa.Times {
					va, vo := sa.Values[i], so.Values[i]
					if !sa.Times[i].Equal(so.Times[i]) || (va == nil) != (vo == nil) || (va != nil && !testkit.CloseEnough(*va, *vo)) {
						t.Errorf("%s point %d: seed %s %s, otel %s %s", sa.Key(), i, sa.Times[i], testkit.Cell(va), so.Times[i], testkit.Cell(vo))
						break
					}
				}
			}
		})
	}
}
