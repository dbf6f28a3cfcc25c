package summary_test

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
)

// What each fault scenario must make the summary say, and about whom.
type fault struct {
	scenario, job string
	// matches reports whether a reason is this fault's.
	matches func(reason string) bool
	want    string // for messages
}

var faults = []fault{
	{"pool-exhaustion", "mahavishnu", func(r string) bool { return r == "gpu pool has no active workers" }, "gpu pool has no active workers"},
	{"service-down", "akosha", func(r string) bool { return r == "target down" }, "target down"},
	{"latency-spike", "session-buddy", func(r string) bool {
		return strings.HasPrefix(r, "p95 ") && strings.HasSuffix(r, ", over 500 ms")
	}, "p95 <n>, over 500 ms"},
	{"tool-failures", "mahavishnu", func(r string) bool {
		return strings.HasPrefix(r, "deploy at ") && strings.HasSuffix(r, " % success, under 90 %")
	}, "deploy at <n> % success, under 90 %"},
}

// faultsShown lists the faults whose reason appears on any row, as "scenario@job".
func faultsShown(rs map[string]serviceRow) []string {
	var out []string
	for _, f := range faults {
		for job, r := range rs {
			for _, reason := range strings.Split(r.reasons, "; ") {
				if f.matches(reason) {
					out = append(out, f.scenario+"@"+job)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

var summaryColumns = []struct{ name, unit string }{
	{"service", ""}, {"up", "none"}, {"request rate", "reqps"}, {"5xx %", "percent"},
	{"p95 latency", "s"}, {"tool success %", "percent"}, {"tool calls/s", "ops"},
	{"active workers", "none"}, {"active sessions", "none"}, {"CPU %", "percent"},
	{"memory", "bytes"}, {"status", ""}, {"reasons", ""},
}

// One ecosystem walks through every scenario; the summary must follow each one, and the
// exemplars must put the slowest calls first with working trace links.
func TestSummaryAndExemplarsFollowTheEcosystem(t *testing.T) {
	w := start(t, fixture.SimulatorOptions{Seed: 21})
	jobs := []string{"mahavishnu", "akosha", "session-buddy"}

	t.Run("healthy ecosystem has a row per service and no fault", func(t *testing.T) {
		w.eco.Sim.SetScenario(t, "healthy")
		waitFor(t, 60*time.Second, "a healthy summary", func() (bool, string) {
			rs := rows(t, frameNamed(t, w.summaryNow(t, nil), "ecosystemSummary"))
			for _, job := range jobs {
				r, ok := rs[job]
				if !ok || r.status == "critical" || r.values["request rate"] == nil {
					return false, describe(rs)
				}
			}
			return len(faultsShown(rs)) == 0, describe(rs)
		})
		f := frameNamed(t, w.summaryNow(t, nil), "ecosystemSummary")
		if got := fieldNames(f); len(got) != len(summaryColumns) {
			t.Fatalf("summary columns %v", got)
		}
		for i, c := range summaryColumns {
			fld := f.Fields[i]
			unit := ""
			if fld.Config != nil {
				unit = fld.Config.Unit
			}
			if fld.Name != c.name || unit != c.unit {
				t.Errorf("column %d is %q (unit %q), want %q (unit %q)", i, fld.Name, unit, c.name, c.unit)
			}
		}
		r := rows(t, f)["mahavishnu"]
		for _, col := range []string{"up", "request rate", "5xx %", "p95 latency", "tool success %", "tool calls/s", "active workers", "CPU %", "memory"} {
			if r.values[col] == nil {
				t.Errorf("mahavishnu has no %s", col)
			}
		}
		if up := r.values["up"]; up == nil || *up != 1 {
			t.Errorf("mahavishnu up = %v, want 1", up)
		}
		if s := rows(t, f)["session-buddy"].values["active sessions"]; s == nil || *s <= 0 {
			t.Errorf("session-buddy active sessions = %v, want some", s)
		}
		checkColumnsAgainstPrometheus(t, w, seedColumns())
	})

	for _, fl := range faults {
		t.Run(fl.scenario+" shows on "+fl.job+" alone", func(t *testing.T) {
			w.eco.Sim.SetScenario(t, fl.scenario)
			var rs map[string]serviceRow
			var frames data.Frames
			waitFor(t, 90*time.Second, fl.scenario+" reflected in the summary", func() (bool, string) {
				frames = w.summaryNow(t, nil)
				rs = rows(t, frameNamed(t, frames, "ecosystemSummary"))
				shown := faultsShown(rs)
				return len(shown) == 1 && shown[0] == fl.scenario+"@"+fl.job, describe(rs)
			})
			t.Logf("summary under %s:\n%s", fl.scenario, describe(rs))
			checkColumnsAgainstPrometheus(t, w, seedColumns())
			if rs[fl.job].status != "critical" {
				t.Errorf("%s status %q, want critical (%s)", fl.job, rs[fl.job].status, rs[fl.job].reasons)
			}
			for _, job := range jobs {
				if _, ok := rs[job]; !ok {
					t.Errorf("%s has no row:\n%s", job, describe(rs))
				}
			}
			summary := frameNamed(t, frames, "ecosystemSummary")
			if first := summary.Fields[0].At(0); first != fl.job && rs[first.(string)].status != "critical" {
				t.Errorf("first row is %v, want the worst service first", first)
			}
			worst := frameNamed(t, frames, "worst")
			switch fl.scenario {
			case "pool-exhaustion", "tool-failures":
				kind, name := "pool", "gpu"
				if fl.scenario == "tool-failures" {
					kind, name = "tool", "deploy"
				}
				// Low-traffic tools can dip for a moment too, so the faulty entity must be
				// among the critical rows of the worst frame, not necessarily the first.
				found := false
				status := field(t, worst, "status")
				for i := 0; i < worst.Fields[0].Len(); i++ {
					if worst.Fields[0].At(i) == kind && worst.Fields[1].At(i) == fl.job && worst.Fields[2].At(i) == name {
						found = status.At(i) == "critical"
					}
				}
				if !found {
					t.Errorf("worst frame has no critical %s %s/%s", kind, fl.job, name)
				}
			case "service-down":
				if up := rs["akosha"].values["up"]; up == nil || *up != 0 {
					t.Errorf("akosha up = %v, want 0", up)
				}
				// Alerting gets numbers: the status of akosha is 2 (critical).
				now := time.Now()
				alert := w.query(t, map[string]string{"FromAlert": "true"}, "ecosystemSummary", now.Add(-5*time.Minute), now, map[string]any{"rateWindow": "20s"})
				found := false
				for _, f := range alert {
					v := f.Fields[len(f.Fields)-1]
					if v.Labels["job"] == "akosha" && v.Labels["metric"] == "status" {
						found = true
						if x, _ := v.FloatAt(0); x != 2 {
							t.Errorf("alerting status of akosha = %v, want 2", x)
						}
					}
				}
				if !found {
					t.Errorf("alerting frames have no status of akosha (%d frames)", len(alert))
				}
			}
		})
	}

	t.Run("exemplars keep the slowest of each series and count the rest", func(t *testing.T) {
		to := time.Now().Add(-3 * time.Second)
		from := to.Add(-90 * time.Second)
		const metric = "mcp_http_request_duration_seconds_bucket"
		// Exemplars accumulate with every scrape: wait until there are enough to sample.
		var prom []promExemplar
		series := map[string]bool{}
		deadline := time.Now().Add(90 * time.Second)
		for {
			to = time.Now().Add(-3 * time.Second)
			from = to.Add(-90 * time.Second)
			prom = exemplarsFromPrometheus(t, w.eco.Prom, metric, from, to)
			series = map[string]bool{}
			for _, e := range prom {
				series[e.series] = true
			}
			if len(series) >= 5 && len(prom) >= 20 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("too few exemplars in Prometheus to test sampling: %d in %d series", len(prom), len(series))
			}
			time.Sleep(500 * time.Millisecond)
		}
		for _, limit := range []int{4, len(series) + 5} {
			frames := w.query(t, nil, "exemplars", from, to, map[string]any{"exemplarSource": "http", "limit": limit})
			if len(frames) != 1 {
				t.Fatalf("limit %d: %d frames, want one exemplar frame", limit, len(frames))
			}
			f := frames[0]
			custom := exemplarFrame(t, f)
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
			for _, id := range stringsOf(t, f, "trace_id") {
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
	})

	t.Run("latency lines come with their exemplars in one query", func(t *testing.T) {
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
		exemplarFrame(t, ex)
		for _, job := range stringsOf(t, ex, "job") {
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
		exemplarFrame(t, ex)
		for _, tool := range stringsOf(t, ex, "tool_name") {
			if tool != "deploy" {
				t.Fatalf("exemplar of tool %q in a deploy query", tool)
			}
		}
	})
}

// Under the OpenTelemetry profile the failure is in the series labels (error_type): failed
// tool calls lead the exemplars, the slowest failing series first.
func TestFailingToolCallsLeadTheExemplars(t *testing.T) {
	w := start(t, fixture.SimulatorOptions{Seed: 22, Profile: "otel", Scenario: "tool-failures"})
	const expr = `mcp_server_operation_duration_seconds_bucket{mcp_method_name="tools/call"}`
	const limit = 3
	var prom, failing []promExemplar
	var from, to time.Time
	waitFor(t, 60*time.Second, "failing tool exemplars in three series", func() (bool, string) {
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
	custom := exemplarFrame(t, f)
	if got := number(t, custom["failing"]); got != limit {
		t.Errorf("meta failing = %d, want %d", got, limit)
	}
	if got := number(t, custom["leftOut"]); got != len(prom)-limit {
		t.Errorf("leftOut %d, want %d", got, len(prom)-limit)
	}
	for _, e := range stringsOf(t, f, "error_type") {
		if e == "" {
			t.Errorf("a successful call's exemplar was kept before failing ones")
		}
	}
	kept := map[string]bool{}
	for _, id := range stringsOf(t, f, "trace_id") {
		kept[id] = true
	}
	for _, id := range slowestPerSeries(failing, limit) {
		if !kept[id] {
			t.Errorf("the slowest failing exemplar %s of a failing series is missing (kept %v)", id, kept)
		}
	}
}

// Under the OpenTelemetry profile a tool call fails when it has an error_type: the summary
// must find the failing deploy tool from those series as it does from the seed status.
func TestSummaryReadsToolOutcomesUnderOpenTelemetry(t *testing.T) {
	w := start(t, fixture.SimulatorOptions{Seed: 24, Profile: "otel", Scenario: "tool-failures"})
	waitFor(t, 90*time.Second, "deploy failing on mahavishnu under otel", func() (bool, string) {
		rs := rows(t, frameNamed(t, w.summaryNow(t, nil), "ecosystemSummary"))
		// Latency is judged too but is not what this test is about: only tool faults count.
		var tools []string
		for _, f := range faultsShown(rs) {
			if strings.HasPrefix(f, "tool-failures@") {
				tools = append(tools, f)
			}
		}
		ok := len(tools) == 1 && tools[0] == "tool-failures@mahavishnu"
		if r, found := rs["mahavishnu"]; ok && found {
			s, calls := r.values["tool success %"], r.values["tool calls/s"]
			ok = s != nil && *s > 0 && *s < 100 && calls != nil && *calls > 0
		}
		return ok, describe(rs)
	})
	ops := "mcp_server_operation_duration_seconds_count"
	calls := ops + `{mcp_method_name="tools/call"}`
	checkColumnsAgainstPrometheus(t, w, map[string]string{
		"request rate":   columnRate(ops),
		"5xx %":          columnShare(ops+`{error_type=~".+"}`, ops),
		"p95 latency":    fmt.Sprintf("histogram_quantile(0.95, sum by (le, job) (rate(mcp_server_operation_duration_seconds_bucket[%s])))", checkWindow),
		"tool success %": columnShare(ops+`{mcp_method_name="tools/call", error_type=""}`, calls),
		"tool calls/s":   columnRate(calls),
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
