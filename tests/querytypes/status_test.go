package querytypes_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

// expectRow is the status a row must have and words its reasons must hold.
type expectRow struct {
	key     string
	status  string
	reasons []string
}

func checkStatuses(t *testing.T, tb testkit.Table, want []expectRow) {
	t.Helper()
	for _, w := range want {
		r := tb.Row(t, w.key)
		if r.Status != w.status {
			t.Errorf("%s: status %q, want %q (values %s, reasons %q)", w.key, r.Status, w.status, cells(r), r.Reasons)
		}
		for _, s := range w.reasons {
			if !strings.Contains(r.Reasons, s) {
				t.Errorf("%s: reasons %q lack %q", w.key, r.Reasons, s)
			}
		}
	}
}

func cells(r testkit.Row) string {
	var parts []string
	for k, v := range r.Values {
		parts = append(parts, k+"="+testkit.Cell(v))
	}
	return strings.Join(parts, " ")
}

func TestStatusBandsAtTheBoundaries(t *testing.T) {
	s := seed()
	ask := func(t *testing.T, queryType string, json map[string]any) testkit.Table {
		t.Helper()
		json["format"] = "table"
		return readTable(t, query(t, s, queryType, json, false).Frames)
	}
	t.Run("toolHealth success 95.01, 95, 94.99, 90, 89.99 %", func(t *testing.T) {
		tb := ask(t, "toolHealth", map[string]any{"services": []string{"bounds"}})
		checkStatuses(t, tb, []expectRow{
			{"bounds/at-95.01", "ok", nil},
			{"bounds/at-95", "warn", []string{"at-95 at 95 % success, at the bound of 95 %"}},
			{"bounds/at-94.99", "warn", []string{"at-94.99 at 94.99 % success, under 95 %"}},
			{"bounds/at-90", "warn", []string{"at-90 at 90 % success, under 95 %"}},
			{"bounds/at-89.99", "critical", []string{"at-89.99 at 89.99 % success, under 90 %"}},
			{"bounds/all-success", "ok", nil},
			{"bounds/never-used", "ok", nil},
		})
		// The exact values, as Prometheus computes them, sit on the bounds.
		for key, want := range map[string]float64{"bounds/at-95": 95, "bounds/at-90": 90, "bounds/at-94.99": 94.99, "bounds/at-89.99": 89.99} {
			v := tb.Row(t, key).Values["success %"]
			if v == nil || !testkit.CloseEnough(*v, want) {
				t.Errorf("%s: success %s, want %g", key, testkit.Cell(v), want)
			}
		}
		// A tool never called: a row with 0 calls/s and no success share, never NaN.
		idle := tb.Row(t, "bounds/never-used")
		if c := idle.Values["calls/s"]; c == nil || *c != 0 {
			t.Errorf("never-used: calls/s %s, want 0", testkit.Cell(c))
		}
		for _, col := range []string{"success %", "p50", "p95"} {
			if v := idle.Values[col]; v != nil {
				t.Errorf("never-used: %s = %s, want null", col, testkit.Cell(v))
			}
		}
	})
	t.Run("poolCapacity workers 0, 1, 2, 3", func(t *testing.T) {
		tb := ask(t, "poolCapacity", map[string]any{"services": []string{"bounds"}})
		checkStatuses(t, tb, []expectRow{
			{"bounds/w0", "critical", []string{"w0 pool has no active workers"}},
			{"bounds/w1", "warn", []string{"w1 pool"}},
			{"bounds/w2", "warn", []string{"w2 pool"}},
			{"bounds/w3", "ok", nil},
		})
		if len(tb.Rows) != 4 || tb.Rows[0].Key != "bounds/w0" {
			t.Errorf("rows %v, want 4 with the critical w0 first", tb.RowKeys())
		}
	})
	t.Run("system CPU 50 and 80 %, memory 4 and 8 GiB, disk 70 and 85 %", func(t *testing.T) {
		var jobs []string
		var want []expectRow
		for _, b := range fixture.SystemBounds {
			jobs = append(jobs, b.Name)
			var reasons []string
			if b.Status != "ok" {
				reasons = []string{map[string]string{
					"mahavishnu_cpu_usage_percent":  "CPU at ",
					"mahavishnu_memory_usage_bytes": "memory at ",
					"system_disk_usage_percent":     "disk at ",
				}[b.Family]}
			}
			want = append(want, expectRow{b.Name, b.Status, reasons})
		}
		tb := ask(t, "system", map[string]any{"services": jobs})
		checkStatuses(t, tb, want)
		if len(tb.Rows) != len(jobs) {
			t.Errorf("rows %v, want one per job %v", tb.RowKeys(), jobs)
		}
		for job, reason := range map[string]string{
			"cpu-50":     "CPU at 50 %, at the bound of 50 %",
			"cpu-80":     "CPU at 80 %, over 50 %",
			"cpu-80.01":  "CPU at 80.01 %, over 80 %",
			"mem-4gib":   "memory at 4 GiB, at the bound of 4 GiB",
			"mem-8gib+1": "memory at 8 GiB, over 8 GiB",
			"disk-85":    "disk at 85 %, over 70 %",
		} {
			if r := tb.Row(t, job); !strings.Contains(r.Reasons, reason) {
				t.Errorf("%s: reasons %q, want %q", job, r.Reasons, reason)
			}
		}
	})
	t.Run("agentTasks, workflows, sessions, memory success bands", func(t *testing.T) {
		checkStatuses(t, ask(t, "agentTasks", map[string]any{"agentTypes": []string{"agent-95", "agent-90", "agent-89.99"}}), []expectRow{
			{"agent-95", "warn", []string{"agent-95 tasks at 95 % success"}},
			{"agent-90", "warn", nil},
			{"agent-89.99", "critical", []string{"under 90 %"}},
		})
		checkStatuses(t, ask(t, "workflows", map[string]any{"adapters": []string{"wf-95.01", "wf-89.99"}}), []expectRow{
			{"wf-95.01", "ok", nil},
			{"wf-89.99", "critical", []string{"wf-89.99 workflows at 89.99 % success, under 90 %"}},
		})
		checkStatuses(t, ask(t, "sessions", map[string]any{"services": []string{"bounds"}}), []expectRow{
			{"bounds/op-90", "warn", []string{"op-90 operations at 90 % success"}},
			{"bounds/op-95.01", "ok", nil},
		})
		checkStatuses(t, ask(t, "memory", map[string]any{"services": []string{"bounds"}}), []expectRow{
			{"bounds", "warn", []string{"memory syncs at 90 % success"}},
		})
	})
}

// thresholdSteps reads a field's config thresholds as (value, colour) pairs; the base step
// has no value.
func thresholdSteps(f *data.Field) string {
	if f.Config == nil || f.Config.Thresholds == nil {
		return "none"
	}
	var parts []string
	for _, s := range f.Config.Thresholds.Steps {
		parts = append(parts, fmt.Sprintf("%g:%s", float64(s.Value), s.Color))
	}
	return strings.Join(parts, " ")
}

func TestFieldThresholdsColourTheBandsAndFollowOverrides(t *testing.T) {
	over := settings("domain-thresholds", map[string]any{"thresholds": map[string]any{
		"toolSuccessPercent":    map[string]any{"warn": 99, "critical": 95},
		"activeWorkers":         map[string]any{"warn": 3, "critical": 2},
		"cpuPercent":            map[string]any{"warn": 40, "critical": 50},
		"toolP95LatencySeconds": map[string]any{"warn": 0.1, "critical": 0.5},
	}})
	t.Run("defaults", func(t *testing.T) {
		tb := readTable(t, query(t, seed(), "toolHealth", map[string]any{"services": []string{"bounds"}}, false).Frames)
		if got := thresholdSteps(testkit.Field(t, tb.Frame, "success %")); !strings.HasPrefix(got, "-Inf:red 90:orange 95") || !strings.HasSuffix(got, ":green") {
			t.Errorf("success %% thresholds %s, want red, orange from 90, green above 95", got)
		}
		// Tools are judged on success until toolP95LatencySeconds is set: no latency colour.
		if got := thresholdSteps(testkit.Field(t, tb.Frame, "p95")); got != "none" {
			t.Errorf("tool p95 thresholds %s, want none without toolP95LatencySeconds", got)
		}
		if got := thresholdSteps(testkit.Field(t, tb.Frame, "calls/s")); got != "none" {
			t.Errorf("calls/s has thresholds %s, want none (not a health value)", got)
		}
		st := testkit.Field(t, tb.Frame, "status")
		if st.Config == nil || len(st.Config.Mappings) == 0 {
			t.Errorf("status column has no value mappings for colour")
		}
	})
	t.Run("overridden", func(t *testing.T) {
		tb := readTable(t, query(t, over, "toolHealth", map[string]any{"services": []string{"bounds"}, "format": "table"}, false).Frames)
		checkStatuses(t, tb, []expectRow{
			{"bounds/at-95.01", "warn", []string{"under 99 %"}},
			{"bounds/at-95", "warn", nil},
			{"bounds/at-94.99", "critical", []string{"under 95 %"}},
			{"bounds/all-success", "ok", nil},
		})
		if got := thresholdSteps(testkit.Field(t, tb.Frame, "success %")); !strings.HasPrefix(got, "-Inf:red 95:orange 99") {
			t.Errorf("success %% thresholds %s, want the overridden 95 and 99", got)
		}
		if got := thresholdSteps(testkit.Field(t, tb.Frame, "p95")); !strings.HasPrefix(got, "-Inf:green 0.1:orange 0.5") {
			t.Errorf("tool p95 thresholds %s, want green, orange from 0.1, red above 0.5 once set", got)
		}
		pools := readTable(t, query(t, over, "poolCapacity", map[string]any{"services": []string{"bounds"}, "format": "table"}, false).Frames)
		checkStatuses(t, pools, []expectRow{
			{"bounds/w1", "critical", nil}, {"bounds/w2", "warn", nil}, {"bounds/w3", "warn", nil},
		})
		sys := readTable(t, query(t, over, "system", map[string]any{"services": []string{"cpu-50", "cpu-80", "cpu-49.99"}, "format": "table"}, false).Frames)
		checkStatuses(t, sys, []expectRow{
			{"cpu-49.99", "warn", nil}, {"cpu-50", "warn", nil}, {"cpu-80", "critical", []string{"over 50 %"}},
		})
	})
}

func TestMetricOverridesReadTheRenamedCounter(t *testing.T) {
	over := settings("domain-overrides", map[string]any{"metricOverrides": map[string]any{"toolCalls": "acme_tool_calls_total"}})
	tb := readTable(t, query(t, over, "toolHealth", map[string]any{"format": "table", "services": []string{"renamed"}}, false).Frames)
	if got := tb.RowKeys(); len(got) != 1 || got[0] != "renamed/acme_tool" {
		t.Fatalf("rows %v, want only renamed/acme_tool", got)
	}
	if !strings.Contains(tb.Frame.Meta.ExecutedQueryString, "acme_tool_calls_total") || strings.Contains(tb.Frame.Meta.ExecutedQueryString, "mcp_tool_calls_total") {
		t.Errorf("executed PromQL does not use the override: %s", tb.Frame.Meta.ExecutedQueryString)
	}
	const sel = `acme_tool_calls_total{job="renamed"}`
	checkTable(t, tb, []string{"job", "tool_name"}, []column{
		{"calls/s", "ops", sumRate(sel, "job, tool_name")},
		{"success %", "percent", fmt.Sprintf("100 * %s / %s", sumRate(`acme_tool_calls_total{job="renamed",status="success"}`, "job, tool_name"), sumRate(sel, "job, tool_name"))},
		{"errors/s", "ops", sumRate(`acme_tool_calls_total{job="renamed",status!="success"}`, "job, tool_name")},
		{"p50", "s", p(0.5, `mcp_tool_duration_seconds{job="renamed"}`, "job, tool_name")},
		{"p95", "s", p(0.95, `mcp_tool_duration_seconds{job="renamed"}`, "job, tool_name")},
	})
	checkStatuses(t, tb, []expectRow{{"renamed/acme_tool", "warn", []string{"acme_tool at 90 % success"}}})

	// Without the override the renamed job has no tool rows.
	plain := readTable(t, query(t, seed(), "toolHealth", map[string]any{"services": []string{"renamed"}}, false).Frames)
	if len(plain.Rows) != 0 {
		t.Errorf("seed profile without override: rows %v, want none", plain.RowKeys())
	}
}

// Status bands fit what they judge, under both profiles of the simulator: with each
// profile's default bands every healthy server reads ok (under otel the p95 is of every MCP
// operation, tool calls included, well over the seed's 500 ms); a fast tool whose few
// failures are slow (slow-failures: akosha's store_memory, about 93 % success, failures of
// about 0.9 s) reads warn for its success, never critical for latency, until the user sets
// toolP95LatencySeconds.
func TestStatusBandsFitWhatTheyJudge(t *testing.T) {
	for _, profile := range []string{"seed", "otel"} {
		t.Run(profile, func(t *testing.T) {
			w := startEcosystem(t, fixture.SimulatorOptions{Seed: 31, Profile: profile})
			jobs := []string{"mahavishnu", "akosha", "session-buddy"}

			t.Run("a healthy server reads ok", func(t *testing.T) {
				seenOK := map[string]bool{}
				var p95 float64
				testkit.WaitFor(t, 120*time.Second, "every healthy server ok", func() (bool, string) {
					rs := rows(t, testkit.FrameNamed(t, w.summaryNow(t, map[string]any{"rateWindow": "1m"}), "ecosystemSummary"))
					for job, r := range rs {
						if strings.Contains(r.Reasons, "p95") {
							t.Fatalf("%s: a healthy server's latency judged not ok: %s", job, r)
						}
						// Judged only once there is something to judge.
						if r.Status == "ok" && r.Values["p95 latency"] != nil && r.Values["tool success %"] != nil {
							seenOK[job] = true
						}
					}
					if v := rs["mahavishnu"].Values["p95 latency"]; v != nil {
						p95 = *v
					} else {
						return false, describe(rs)
					}
					return len(seenOK) == len(jobs), describe(rs)
				})
				// The otel p95 includes tool calls (deploy takes about 1.2 s): the seed's
				// 500 ms band would call a healthy orchestrator critical.
				if profile == "otel" && p95 <= 0.5 {
					t.Errorf("otel p95 of mahavishnu %.3f s, expected the tool calls' seconds", p95)
				}
				if profile == "seed" && p95 >= 0.1 {
					t.Errorf("seed p95 of mahavishnu %.3f s, expected HTTP's tens of milliseconds", p95)
				}
			})

			w.eco.Sim.SetScenario(t, "slow-failures")
			tool := func(t *testing.T, s host.Settings) (testkit.Row, *data.Frame) {
				now := time.Now()
				frames := w.queryAs(t, s, nil, "toolHealth", now.Add(-5*time.Minute), now, map[string]any{
					"format": "table", "rateWindow": "1m", "services": []string{"akosha"}, "tools": []string{"store_memory"},
				})
				f := testkit.FrameNamed(t, frames, "toolHealth")
				if n, _ := f.RowLen(); n > 1 {
					t.Fatalf("toolHealth for akosha/store_memory: %d rows", n)
				}
				// Rows are keyed by service and tool.
				return rows(t, f)["akosha/store_memory"], f
			}

			t.Run("a tool with slow failures reads warn for success by default", func(t *testing.T) {
				s := w.settings()
				testkit.WaitFor(t, 120*time.Second, "store_memory warn for success with a p95 over 500 ms", func() (bool, string) {
					r, _ := tool(t, s)
					if strings.Contains(r.Reasons, "p95") {
						t.Fatalf("tool latency judged without toolP95LatencySeconds: %s", r)
					}
					p95 := r.Values["p95"]
					return r.Status == "warn" && strings.Contains(r.Reasons, "store_memory at ") &&
						strings.Contains(r.Reasons, " % success, under 95 %") && p95 != nil && *p95 > 0.5, r.String()
				})
				// Nor is the column coloured by a band that does not judge it.
				if _, f := tool(t, s); testkit.Field(t, f, "p95").Config != nil && testkit.Field(t, f, "p95").Config.Thresholds != nil {
					t.Errorf("p95 column has thresholds %+v without toolP95LatencySeconds", testkit.Field(t, f, "p95").Config.Thresholds)
				}
			})

			t.Run("and critical for latency once toolP95LatencySeconds is set", func(t *testing.T) {
				s := w.settings()
				s.UID += "-tool-p95"
				s.JSONData["thresholds"] = map[string]any{"toolP95LatencySeconds": map[string]any{"warn": 0.1, "critical": 0.5}}
				testkit.WaitFor(t, 120*time.Second, "store_memory critical for latency", func() (bool, string) {
					r, _ := tool(t, s)
					return r.Status == "critical" && strings.Contains(r.Reasons, "store_memory p95 ") &&
						strings.Contains(r.Reasons, ", over 500 ms"), r.String()
				})
			})
		})
	}
}
