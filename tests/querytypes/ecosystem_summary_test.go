package querytypes_test

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

// What each fault scenario must make the summary say, and about whom.
type scenario struct {
	scenario, job string
	// matches reports whether a reason is this fault's.
	matches func(reason string) bool
	want    string // for messages
}

var scenarios = []scenario{
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
func faultsShown(rs map[string]testkit.Row) []string {
	var out []string
	for _, f := range scenarios {
		for job, r := range rs {
			for _, reason := range strings.Split(r.Reasons, "; ") {
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
	w := startEcosystem(t, fixture.SimulatorOptions{Seed: 21})
	jobs := []string{"mahavishnu", "akosha", "session-buddy"}

	t.Run("healthy ecosystem has a row per service and no fault", func(t *testing.T) {
		w.eco.Sim.SetScenario(t, "healthy")
		testkit.WaitFor(t, 60*time.Second, "a healthy summary", func() (bool, string) {
			rs := rows(t, testkit.FrameNamed(t, w.summaryNow(t, nil), "ecosystemSummary"))
			for _, job := range jobs {
				r, ok := rs[job]
				if !ok || r.Status == "critical" || r.Values["request rate"] == nil {
					return false, describe(rs)
				}
			}
			return len(faultsShown(rs)) == 0, describe(rs)
		})
		f := testkit.FrameNamed(t, w.summaryNow(t, nil), "ecosystemSummary")
		if got := testkit.FieldNames(f); len(got) != len(summaryColumns) {
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
			if r.Values[col] == nil {
				t.Errorf("mahavishnu has no %s", col)
			}
		}
		if up := r.Values["up"]; up == nil || *up != 1 {
			t.Errorf("mahavishnu up = %v, want 1", up)
		}
		if s := rows(t, f)["session-buddy"].Values["active sessions"]; s == nil || *s <= 0 {
			t.Errorf("session-buddy active sessions = %v, want some", s)
		}
		checkColumnsAgainstPrometheus(t, w, seedColumns())
	})

	for _, sc := range scenarios {
		t.Run(sc.scenario+" shows on "+sc.job+" alone", func(t *testing.T) {
			w.eco.Sim.SetScenario(t, sc.scenario)
			var rs map[string]testkit.Row
			var frames data.Frames
			testkit.WaitFor(t, 90*time.Second, sc.scenario+" reflected in the summary", func() (bool, string) {
				frames = w.summaryNow(t, nil)
				rs = rows(t, testkit.FrameNamed(t, frames, "ecosystemSummary"))
				shown := faultsShown(rs)
				return len(shown) == 1 && shown[0] == sc.scenario+"@"+sc.job, describe(rs)
			})
			t.Logf("summary under %s:\n%s", sc.scenario, describe(rs))
			checkColumnsAgainstPrometheus(t, w, seedColumns())
			if rs[sc.job].Status != "critical" {
				t.Errorf("%s status %q, want critical (%s)", sc.job, rs[sc.job].Status, rs[sc.job].Reasons)
			}
			for _, job := range jobs {
				if _, ok := rs[job]; !ok {
					t.Errorf("%s has no row:\n%s", job, describe(rs))
				}
			}
			summary := testkit.FrameNamed(t, frames, "ecosystemSummary")
			if first := summary.Fields[0].At(0); first != sc.job && rs[first.(string)].Status != "critical" {
				t.Errorf("first row is %v, want the worst service first", first)
			}
			worst := testkit.FrameNamed(t, frames, "worst")
			switch sc.scenario {
			case "pool-exhaustion", "tool-failures":
				kind, name := "pool", "gpu"
				if sc.scenario == "tool-failures" {
					kind, name = "tool", "deploy"
				}
				// Low-traffic tools can dip for a moment too, so the faulty entity must be
				// among the critical rows of the worst frame, not necessarily the first.
				found := false
				status := testkit.Field(t, worst, "status")
				for i := 0; i < worst.Fields[0].Len(); i++ {
					if worst.Fields[0].At(i) == kind && worst.Fields[1].At(i) == sc.job && worst.Fields[2].At(i) == name {
						found = status.At(i) == "critical"
					}
				}
				if !found {
					t.Errorf("worst frame has no critical %s %s/%s", kind, sc.job, name)
				}
			case "service-down":
				if up := rs["akosha"].Values["up"]; up == nil || *up != 0 {
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

	// The same ecosystem, its scenarios played, serves the exemplar checks.
	t.Run("exemplars keep the slowest of each series and count the rest", func(t *testing.T) { exemplarsKeepTheSlowest(t, w) })
	t.Run("latency lines come with their exemplars in one query", func(t *testing.T) { exemplarsComeWithTheirLines(t, w) })
}

// Under the OpenTelemetry profile a tool call fails when it has an error_type: the summary
// must find the failing deploy tool from those series as it does from the seed status.
func TestSummaryReadsToolOutcomesUnderOpenTelemetry(t *testing.T) {
	w := startEcosystem(t, fixture.SimulatorOptions{Seed: 24, Profile: "otel", Scenario: "tool-failures"})
	testkit.WaitFor(t, 90*time.Second, "deploy failing on mahavishnu under otel", func() (bool, string) {
		rs := rows(t, testkit.FrameNamed(t, w.summaryNow(t, nil), "ecosystemSummary"))
		// Latency is judged too but is not what this test is about: only tool faults count.
		var tools []string
		for _, f := range faultsShown(rs) {
			if strings.HasPrefix(f, "tool-failures@") {
				tools = append(tools, f)
			}
		}
		ok := len(tools) == 1 && tools[0] == "tool-failures@mahavishnu"
		if r, found := rs["mahavishnu"]; ok && found {
			s, calls := r.Values["tool success %"], r.Values["tool calls/s"]
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
