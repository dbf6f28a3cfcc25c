package domain_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// expectRow is the status a row must have and words its reasons must hold.
type expectRow struct {
	key     string
	status  string
	reasons []string
}

func checkStatuses(t *testing.T, tb table, want []expectRow) {
	t.Helper()
	for _, w := range want {
		r := tb.row(t, w.key)
		if r.status != w.status {
			t.Errorf("%s: status %q, want %q (values %s, reasons %q)", w.key, r.status, w.status, cells(r), r.reasons)
		}
		for _, s := range w.reasons {
			if !strings.Contains(r.reasons, s) {
				t.Errorf("%s: reasons %q lack %q", w.key, r.reasons, s)
			}
		}
	}
}

func cells(r row) string {
	var parts []string
	for k, v := range r.values {
		parts = append(parts, k+"="+pct(v))
	}
	return strings.Join(parts, " ")
}

func TestStatusBandsAtTheBoundaries(t *testing.T) {
	s := seed()
	ask := func(t *testing.T, queryType string, json map[string]any) table {
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
			v := tb.row(t, key).values["success %"]
			if v == nil || !closeEnough(*v, want) {
				t.Errorf("%s: success %s, want %g", key, pct(v), want)
			}
		}
		// A tool never called: a row with 0 calls/s and no success share, never NaN.
		idle := tb.row(t, "bounds/never-used")
		if c := idle.values["calls/s"]; c == nil || *c != 0 {
			t.Errorf("never-used: calls/s %s, want 0", pct(c))
		}
		for _, col := range []string{"success %", "p50", "p95"} {
			if v := idle.values[col]; v != nil {
				t.Errorf("never-used: %s = %s, want null", col, pct(v))
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
		if len(tb.rows) != 4 || tb.rows[0].key != "bounds/w0" {
			t.Errorf("rows %v, want 4 with the critical w0 first", tb.keysList())
		}
	})
	t.Run("system CPU 50 and 80 %, memory 4 and 8 GiB, disk 70 and 85 %", func(t *testing.T) {
		var jobs []string
		var want []expectRow
		for _, b := range systemBounds {
			jobs = append(jobs, b.name)
			var reasons []string
			if b.status != "ok" {
				reasons = []string{map[string]string{
					"mahavishnu_cpu_usage_percent":  "CPU at ",
					"mahavishnu_memory_usage_bytes": "memory at ",
					"system_disk_usage_percent":     "disk at ",
				}[b.family]}
			}
			want = append(want, expectRow{b.name, b.status, reasons})
		}
		tb := ask(t, "system", map[string]any{"services": jobs})
		checkStatuses(t, tb, want)
		if len(tb.rows) != len(jobs) {
			t.Errorf("rows %v, want one per job %v", tb.keysList(), jobs)
		}
		for job, reason := range map[string]string{
			"cpu-50":     "CPU at 50 %, at the bound of 50 %",
			"cpu-80":     "CPU at 80 %, over 50 %",
			"cpu-80.01":  "CPU at 80.01 %, over 80 %",
			"mem-4gib":   "memory at 4 GiB, at the bound of 4 GiB",
			"mem-8gib+1": "memory at 8 GiB, over 8 GiB",
			"disk-85":    "disk at 85 %, over 70 %",
		} {
			if r := tb.row(t, job); !strings.Contains(r.reasons, reason) {
				t.Errorf("%s: reasons %q, want %q", job, r.reasons, reason)
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
		if got := thresholdSteps(tb.field(t, "success %")); !strings.HasPrefix(got, "-Inf:red 90:orange 95") || !strings.HasSuffix(got, ":green") {
			t.Errorf("success %% thresholds %s, want red, orange from 90, green above 95", got)
		}
		// Tools are judged on success until toolP95LatencySeconds is set: no latency colour.
		if got := thresholdSteps(tb.field(t, "p95")); got != "none" {
			t.Errorf("tool p95 thresholds %s, want none without toolP95LatencySeconds", got)
		}
		if got := thresholdSteps(tb.field(t, "calls/s")); got != "none" {
			t.Errorf("calls/s has thresholds %s, want none (not a health value)", got)
		}
		st := tb.field(t, "status")
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
		if got := thresholdSteps(tb.field(t, "success %")); !strings.HasPrefix(got, "-Inf:red 95:orange 99") {
			t.Errorf("success %% thresholds %s, want the overridden 95 and 99", got)
		}
		if got := thresholdSteps(tb.field(t, "p95")); !strings.HasPrefix(got, "-Inf:green 0.1:orange 0.5") {
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
	if got := tb.keysList(); len(got) != 1 || got[0] != "renamed/acme_tool" {
		t.Fatalf("rows %v, want only renamed/acme_tool", got)
	}
	if !strings.Contains(tb.frame.Meta.ExecutedQueryString, "acme_tool_calls_total") || strings.Contains(tb.frame.Meta.ExecutedQueryString, "mcp_tool_calls_total") {
		t.Errorf("executed PromQL does not use the override: %s", tb.frame.Meta.ExecutedQueryString)
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
	if len(plain.rows) != 0 {
		t.Errorf("seed profile without override: rows %v, want none", plain.keysList())
	}
}
