// Live tests of the MCP ecosystem simulator scraped by Debian's Prometheus.
//
// Run after `cargo build -p mcp-simulator`: cd tests && go test ./simulator/...
package simulator_test

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

// family: the metric name and the label names its series carry (besides job and instance).
type family struct {
	name   string
	labels []string
	hist   bool
}

var common = []family{
	{name: "mcp_http_requests_total", labels: []string{"endpoint", "method", "status"}},
	{name: "mcp_http_request_duration_seconds", labels: []string{"endpoint", "method"}, hist: true},
	{name: "mcp_http_requests_in_progress", labels: []string{"endpoint", "method"}},
	{name: "mcp_tool_calls_total", labels: []string{"status", "tool_name"}},
	{name: "mcp_tool_duration_seconds", labels: []string{"tool_name"}, hist: true},
	{name: "mcp_tools_registered"},
	{name: "mahavishnu_cpu_usage_percent"},
	{name: "mahavishnu_memory_usage_bytes"},
	{name: "mahavishnu_open_files"},
	{name: "system_disk_usage_percent"},
	{name: "mahavishnu_cache_hits_total", labels: []string{"cache_layer", "cache_type"}},
	{name: "mahavishnu_cache_misses_total", labels: []string{"cache_layer", "cache_type"}},
	{name: "operations_total", labels: []string{"operation", "status"}},
	{name: "operation_duration", labels: []string{"operation"}, hist: true},
	{name: "active_connections"},
}

var byJob = map[string][]family{
	"mahavishnu": {
		{name: "agent_tasks_total", labels: []string{"agent_type", "status"}},
		{name: "agent_task_duration_seconds", labels: []string{"agent_type"}, hist: true},
		{name: "pool_workers_active", labels: []string{"pool_type"}},
		{name: "mahavishnu_workflows_executed_total", labels: []string{"adapter", "status"}},
	},
	"akosha": {
		{name: "memory_syncs_total", labels: []string{"source", "status"}},
		{name: "memories_stored"},
		{name: "embeddings_generated", labels: []string{"model"}},
	},
	"session-buddy": {
		{name: "sessions_active"},
		{name: "session_operations_total", labels: []string{"operation", "status"}},
		{name: "session_duration_active"},
	},
}

// seriesNames maps each family to the names Prometheus stores for it.
func seriesNames(f family) []string {
	if f.hist {
		return []string{f.name + "_bucket", f.name + "_count", f.name + "_sum"}
	}
	return []string{f.name}
}

// namesByJob asks Prometheus which MCP metric names each job has: what the simulator
// exports, not what Prometheus makes of it (its scrape series, the recording rules' series,
// whose names have a colon, and alerts), which a slow run sees once the rules have run.
func namesByJob(t *testing.T, prom *fixture.Prometheus) map[string]map[string]bool {
	t.Helper()
	res := prom.Query(t, `group by (__name__, job) ({job!="", __name__!~"up|scrape_.*|.*:.*|ALERTS.*"})`, time.Now())
	out := map[string]map[string]bool{}
	for _, s := range res {
		job := s.Labels["job"]
		if out[job] == nil {
			out[job] = map[string]bool{}
		}
		out[job][s.Labels["__name__"]] = true
	}
	return out
}

func TestEverySeedFamilyReachesPrometheusForTheRightJobs(t *testing.T) {
	eco := fixture.StartEcosystem(t, fixture.EcosystemOptions{Simulator: fixture.SimulatorOptions{Seed: 11}})

	want := map[string]map[string]bool{}
	for job, own := range byJob {
		want[job] = map[string]bool{}
		for _, f := range append(append([]family{}, common...), own...) {
			for _, n := range seriesNames(f) {
				want[job][n] = true
			}
		}
	}
	// Polled until complete or the deadline; what is still missing is reported below.
	var have map[string]map[string]bool
	testkit.Poll(30*time.Second, func() (bool, string) {
		have = namesByJob(t, eco.Prom)
		return sameNames(have, want), ""
	})
	for job := range want {
		for n := range want[job] {
			if !have[job][n] {
				t.Errorf("job %s: %s missing in Prometheus", job, n)
			}
		}
		for n := range have[job] {
			if !want[job][n] {
				t.Errorf("job %s: unexpected metric %s (a family exported by the wrong role?)", job, n)
			}
		}
	}

	// Label names, as the seed guide gives them.
	for job, own := range byJob {
		for _, f := range append(append([]family{}, common...), own...) {
			name := f.name
			wantLabels := append([]string{}, f.labels...)
			if f.hist {
				name += "_bucket"
				wantLabels = append(wantLabels, "le")
			}
			sort.Strings(wantLabels)
			res := eco.Prom.Query(t, name+`{job="`+job+`"}`, time.Now())
			if len(res) == 0 {
				t.Errorf("%s{job=%q}: no series", name, job)
				continue
			}
			for _, s := range res {
				var got []string
				for k := range s.Labels {
					if k != "__name__" && k != "job" && k != "instance" {
						got = append(got, k)
					}
				}
				sort.Strings(got)
				if strings.Join(got, ",") != strings.Join(wantLabels, ",") {
					t.Errorf("%s{job=%q}: labels %v, want %v", name, job, got, wantLabels)
					break
				}
			}
		}
	}

	// Counters move at realistic per-second rates.
	testkit.WaitFor(t, 30*time.Second, "mahavishnu request rate between 10 and 200 req/s", func() (bool, string) {
		r := eco.Prom.Query(t, `sum by (job) (rate(mcp_http_requests_total{job="mahavishnu"}[10s]))`, time.Now())
		return len(r) == 1 && r[0].Samples[0].V > 10 && r[0].Samples[0].V < 200, ""
	})
}

func sameNames(have, want map[string]map[string]bool) bool {
	for job, names := range want {
		if len(have[job]) != len(names) {
			return false
		}
		for n := range names {
			if !have[job][n] {
				return false
			}
		}
	}
	return true
}

var (
	traceID = regexp.MustCompile(`^[0-9a-f]{32}$`)
	spanID  = regexp.MustCompile(`^[0-9a-f]{16}$`)
)

func TestExemplarsWithTraceIDsReachPrometheus(t *testing.T) {
	eco := fixture.StartEcosystem(t, fixture.EcosystemOptions{Simulator: fixture.SimulatorOptions{Seed: 12}})

	for _, metric := range []string{"mcp_http_request_duration_seconds_bucket", "mcp_tool_duration_seconds_bucket"} {
		jobs := map[string]int{}
		testkit.WaitFor(t, 30*time.Second, "exemplars of "+metric+" for every job", func() (bool, string) {
			jobs = exemplarsByJob(t, eco.Prom, metric)
			return jobs["mahavishnu"] > 0 && jobs["akosha"] > 0 && jobs["session-buddy"] > 0, ""
		})
	}
}

// exemplarsByJob queries /api/v1/query_exemplars over the last minute, checks every exemplar's
// trace and span ids and counts them by job.
func exemplarsByJob(t *testing.T, prom *fixture.Prometheus, metric string) map[string]int {
	t.Helper()
	now := time.Now()
	series := prom.Exemplars(t, metric, now.Add(-time.Minute), now)
	out := map[string]int{}
	for _, s := range series {
		le, _ := strconv.ParseFloat(s.Labels["le"], 64)
		for _, e := range s.Exemplars {
			if !traceID.MatchString(e.Labels["trace_id"]) || !spanID.MatchString(e.Labels["span_id"]) {
				t.Fatalf("%s exemplar %v lacks a W3C trace_id/span_id", metric, e.Labels)
			}
			if e.Value > le {
				t.Fatalf("%s exemplar value %v exceeds its bucket le=%s", metric, e.Value, s.Labels["le"])
			}
			out[s.Labels["job"]]++
		}
	}
	return out
}

func TestOtelProfileServesTheSemanticConventionNames(t *testing.T) {
	eco := fixture.StartEcosystem(t, fixture.EcosystemOptions{
		Simulator: fixture.SimulatorOptions{Seed: 13, Profile: "otel", Scenario: "tool-failures"},
	})

	testkit.WaitFor(t, 30*time.Second, "semconv operation histogram with tool and error labels", func() (bool, string) {
		calls := eco.Prom.Query(t, `mcp_server_operation_duration_seconds_count{job="mahavishnu", mcp_method_name="tools/call", gen_ai_tool_name="deploy", error_type="tool_error"}`, time.Now())
		list := eco.Prom.Query(t, `mcp_server_operation_duration_seconds_bucket{mcp_method_name="tools/list", error_type="", le="+Inf"}`, time.Now())
		sessions := eco.Prom.Query(t, `mcp_server_session_duration_seconds_count`, time.Now())
		return len(calls) == 1 && len(list) == 3 && len(sessions) == 3, ""
	})
	if seed := eco.Prom.Query(t, `{__name__=~"mcp_http_.*|mcp_tool_.*"}`, time.Now()); len(seed) != 0 {
		t.Errorf("otel profile still exports seed MCP names: %d series, e.g. %v", len(seed), seed[0].Labels)
	}
	// Non-MCP families keep their names under the otel profile.
	if pools := eco.Prom.Query(t, `pool_workers_active{job="mahavishnu"}`, time.Now()); len(pools) != 3 {
		t.Errorf("pool_workers_active: %d series, want 3", len(pools))
	}
	testkit.WaitFor(t, 30*time.Second, "exemplars on the semconv histogram", func() (bool, string) {
		return exemplarsByJob(t, eco.Prom, "mcp_server_operation_duration_seconds_bucket")["mahavishnu"] > 0, ""
	})
}

func TestScenariosSwitchedLiveFireTheirAlerts(t *testing.T) {
	eco := fixture.StartEcosystem(t, fixture.EcosystemOptions{
		Simulator: fixture.SimulatorOptions{Seed: 14},
		AlertFor:  "0s",
	})
	// A little healthy history first, as a real ecosystem would have.
	testkit.WaitFor(t, 30*time.Second, "healthy request rates recorded", func() (bool, string) {
		return len(eco.Prom.Query(t, `mcp:http_requests:rate5m`, time.Now())) == 3, ""
	})
	steps := []struct {
		scenario, alert string
		labels          map[string]string
	}{
		{"pool-exhaustion", "MCPWorkerPoolExhausted", map[string]string{"job": "mahavishnu", "pool_type": "gpu"}},
		{"tool-failures", "MCPToolSuccessLow", map[string]string{"job": "mahavishnu", "tool_name": "deploy"}},
		{"latency-spike", "MCPHighLatencyP95", map[string]string{"job": "session-buddy"}},
		{"service-down", "MCPTargetDown", map[string]string{"job": "akosha"}},
	}
	// None of the alerts the scenarios must fire stays active before them. Any may be for a
	// moment: with `for: 0s` and a few seconds of history, a ratio over a handful of calls
	// (two failed deploys in twenty) fires what the shipped `for: 5m` smooths out, and
	// promtool's rule tests judge the rules themselves. As history grows they clear.
	testkit.WaitFor(t, 90*time.Second, "healthy ecosystem without the scenarios' alerts", func() (bool, string) {
		for _, a := range eco.Alerts(t) {
			for _, st := range steps {
				if a.Labels["alertname"] == st.alert {
					return false, fmt.Sprintf("alert %v (%s)", a.Labels, a.State)
				}
			}
		}
		return true, ""
	})
	for _, st := range steps {
		eco.Sim.SetScenario(t, st.scenario)
		if got := eco.Sim.Scenario(t); got != st.scenario {
			t.Fatalf("control endpoint says %q after switching to %q", got, st.scenario)
		}
		a := eco.WaitForAlert(t, st.alert, st.labels, 90*time.Second)
		t.Logf("%s fired %s %v value %s", st.scenario, st.alert, a.Labels, a.Value)
	}
	eco.WaitForTargets(t, map[string]string{"akosha": "down", "mahavishnu": "up", "session-buddy": "up"}, 30*time.Second)

	// Back to healthy: the server that was down answers again on the same address.
	eco.Sim.SetScenario(t, "healthy")
	eco.WaitForTargets(t, map[string]string{"akosha": "up", "mahavishnu": "up", "session-buddy": "up"}, 30*time.Second)
}
