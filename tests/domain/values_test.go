package domain_test

import (
	"fmt"
	"strings"
	"testing"
)

// The seed PromQL of each query type (../shared/DESIGN.md), written here independently of
// the plugin, with w the rate window.
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

type typeCase struct {
	queryType string
	// table format: key labels and columns
	keyLabels []string
	columns   []column
	// timeseries format
	lines []line
}

func cases() []typeCase {
	from, to := window()
	rng := fmt.Sprintf("%dms", to.Sub(from).Milliseconds())
	const tool = "job, tool_name"
	return []typeCase{
		{
			queryType: "toolHealth",
			keyLabels: []string{"job", "tool_name"},
			columns: []column{
				{"calls/s", "ops", sumRate("mcp_tool_calls_total", tool)},
				{"success %", "percent", successPercent("mcp_tool_calls_total", tool)},
				{"errors/s", "ops", sumRate(`mcp_tool_calls_total{status!="success"}`, tool)},
				{"p50", "s", p(0.5, "mcp_tool_duration_seconds", tool)},
				{"p95", "s", p(0.95, "mcp_tool_duration_seconds", tool)},
			},
			lines: []line{{"", successPercent("mcp_tool_calls_total", tool), "percent", []string{"job", "tool_name"}}},
		},
		{
			queryType: "poolCapacity",
			keyLabels: []string{"job", "pool_type"},
			columns: []column{
				{"workers", "none", "sum by (job, pool_type) (pool_workers_active)"},
				{"min", "none", fmt.Sprintf("min by (job, pool_type) (min_over_time(pool_workers_active[%s]))", rng)},
				{"max", "none", fmt.Sprintf("max by (job, pool_type) (max_over_time(pool_workers_active[%s]))", rng)},
			},
			lines: []line{{"", "sum by (job, pool_type) (pool_workers_active)", "none", []string{"job", "pool_type"}}},
		},
		{
			queryType: "agentTasks",
			keyLabels: []string{"agent_type"},
			columns: []column{
				{"tasks/s", "ops", sumRate("agent_tasks_total", "agent_type")},
				{"success %", "percent", successPercent("agent_tasks_total", "agent_type")},
				{"p95", "s", p(0.95, "agent_task_duration_seconds", "agent_type")},
			},
			lines: []line{{"", sumRate("agent_tasks_total", "agent_type"), "ops", []string{"agent_type"}}},
		},
		{
			queryType: "workflows",
			keyLabels: []string{"adapter"},
			columns: []column{
				{"runs/s", "ops", sumRate("mahavishnu_workflows_executed_total", "adapter")},
				{"success %", "percent", successPercent("mahavishnu_workflows_executed_total", "adapter")},
			},
			lines: []line{{"", sumRate("mahavishnu_workflows_executed_total", "adapter"), "ops", []string{"adapter"}}},
		},
		{
			queryType: "sessions",
			keyLabels: []string{"job", "operation"},
			columns: []column{
				{"operations/s", "ops", sumRate("session_operations_total", "job, operation")},
				{"success %", "percent", successPercent("session_operations_total", "job, operation")},
			},
			lines: []line{
				{"sessions_active", "sum by (job) (sessions_active)", "none", []string{"job"}},
				{"operations_per_second", sumRate("session_operations_total", "operation, status"), "ops", []string{"operation", "status"}},
			},
		},
		{
			queryType: "memory",
			keyLabels: []string{"job"},
			columns: []column{
				{"memories stored", "none", "sum by (job) (memories_stored)"},
				{"syncs/s", "ops", sumRate("memory_syncs_total", "job")},
				{"sync success %", "percent", successPercent("memory_syncs_total", "job")},
				{"embeddings", "none", "sum by (job) (embeddings_generated)"},
			},
			lines: []line{
				{"syncs_per_second", sumRate("memory_syncs_total", "source, status"), "ops", []string{"source", "status"}},
				{"memories_stored", "sum by (job) (memories_stored)", "none", []string{"job"}},
				{"embeddings_generated", "sum by (model) (embeddings_generated)", "none", []string{"model"}},
			},
		},
		{
			queryType: "cache",
			keyLabels: []string{"job", "cache_layer"},
			columns: []column{
				{"hit %", "percent", fmt.Sprintf("100 * %[1]s / (%[1]s + %[2]s)", sumRate("mahavishnu_cache_hits_total", "job, cache_layer"), sumRate("mahavishnu_cache_misses_total", "job, cache_layer"))},
				{"hits/s", "ops", sumRate("mahavishnu_cache_hits_total", "job, cache_layer")},
				{"misses/s", "ops", sumRate("mahavishnu_cache_misses_total", "job, cache_layer")},
			},
			lines: []line{{"", fmt.Sprintf("100 * %[1]s / (%[1]s + %[2]s)", sumRate("mahavishnu_cache_hits_total", "job, cache_layer"), sumRate("mahavishnu_cache_misses_total", "job, cache_layer")), "percent", []string{"job", "cache_layer"}}},
		},
		{
			queryType: "system",
			keyLabels: []string{"job"},
			columns: []column{
				{"CPU %", "percent", "max by (job) (mahavishnu_cpu_usage_percent)"},
				{"memory", "bytes", "sum by (job) (mahavishnu_memory_usage_bytes)"},
				{"open files", "none", "sum by (job) (mahavishnu_open_files)"},
				{"disk %", "percent", "max by (job) (system_disk_usage_percent)"},
			},
			lines: []line{
				{"cpu_percent", "max by (job) (mahavishnu_cpu_usage_percent)", "percent", []string{"job"}},
				{"memory_bytes", "sum by (job) (mahavishnu_memory_usage_bytes)", "bytes", []string{"job"}},
				{"open_files", "sum by (job) (mahavishnu_open_files)", "none", []string{"job"}},
				{"disk_percent", "max by (job) (system_disk_usage_percent)", "percent", []string{"job"}},
			},
		},
		{
			queryType: "otlpOperations",
			keyLabels: []string{"job"},
			columns: []column{
				{"operations/s", "ops", sumRate("operations_total", "job")},
				{"p95", "s", p(0.95, "operation_duration", "job")},
				{"average", "s", fmt.Sprintf("%s / %s", sumRate("operation_duration_sum", "job"), sumRate("operation_duration_count", "job"))},
				{"connections", "none", "sum by (job) (active_connections)"},
			},
			lines: []line{
				{"operations_per_second", sumRate("operations_total", "job"), "ops", []string{"job"}},
				{"p95_seconds", p(0.95, "operation_duration", "job"), "s", []string{"job"}},
				{"average_seconds", fmt.Sprintf("%s / %s", sumRate("operation_duration_sum", "job"), sumRate("operation_duration_count", "job")), "s", []string{"job"}},
				{"active_connections", "sum by (job) (active_connections)", "none", []string{"job"}},
			},
		},
	}
}

func TestTablesEqualPrometheusAnswersToTheSeedPromQL(t *testing.T) {
	for _, c := range cases() {
		t.Run(c.queryType, func(t *testing.T) {
			r := query(t, seed(), c.queryType, map[string]any{"format": "table"}, false)
			tb := readTable(t, r.Frames)
			if len(tb.rows) == 0 {
				t.Fatal("no rows")
			}
			checkTable(t, tb, c.keyLabels, c.columns)
			t.Logf("%s: %d rows equal Prometheus's answers at the end of the range", c.queryType, len(tb.rows))
		})
	}
}

func TestTimeSeriesEqualPrometheusAnswersToTheSeedPromQL(t *testing.T) {
	for _, c := range cases() {
		t.Run(c.queryType, func(t *testing.T) {
			r := query(t, seed(), c.queryType, map[string]any{"format": "timeseries"}, false)
			ss := readSeries(t, r.Frames)
			checkSeries(t, ss, c.lines)
			for _, f := range r.Frames {
				if f.Meta == nil || !strings.HasPrefix(f.Meta.ExecutedQueryString, "Expr: ") || !strings.Contains(f.Meta.ExecutedQueryString, "\nStep: 15s") {
					t.Errorf("frame %q: executedQueryString %q, want Expr: ... Step: 15s", f.Name, f.Meta.ExecutedQueryString)
				}
			}
			t.Logf("%s: %d series equal Prometheus's answers", c.queryType, len(ss))
		})
	}
}

// The table format is each type's default where the design says so, time series elsewhere.
func TestDefaultFormats(t *testing.T) {
	for qt, wantTable := range map[string]bool{
		"toolHealth": true, "poolCapacity": false, "agentTasks": false, "workflows": false,
		"sessions": false, "memory": false, "cache": false, "system": false, "otlpOperations": false,
	} {
		r := query(t, seed(), qt, nil, false)
		isTable := len(r.Frames) == 1 && r.Frames[0].Meta != nil && r.Frames[0].Meta.Type == "table"
		if isTable != wantTable {
			t.Errorf("%s default format: table=%v, want table=%v", qt, isTable, wantTable)
		}
	}
}

// Each filter keeps exactly the rows it names, with the numbers they have unfiltered.
func TestFiltersKeepTheirRowsWithTheSameNumbers(t *testing.T) {
	cases := []struct {
		queryType, field string
		values           []string
		keyIndex         int // which key column holds the filtered label
	}{
		{"toolHealth", "tools", []string{"at-95", "orchestrate"}, 1},
		{"toolHealth", "services", []string{"akosha", "session-buddy"}, 0},
		{"poolCapacity", "pools", []string{"w1", "mcp"}, 1},
		{"agentTasks", "agentTypes", []string{"coder"}, 0},
		{"workflows", "adapters", []string{"agno", "wf-95.01"}, 0},
		{"sessions", "operations", []string{"resume", "op-90"}, 1},
		{"cache", "cacheLayers", []string{"l2"}, 1},
		{"otlpOperations", "services", []string{"akosha"}, 0},
		{"system", "services", []string{"cpu-50", "mahavishnu"}, 0},
		{"memory", "services", []string{"akosha"}, 0},
	}
	for _, c := range cases {
		t.Run(c.queryType+"/"+c.field, func(t *testing.T) {
			all := readTable(t, query(t, seed(), c.queryType, map[string]any{"format": "table"}, false).Frames)
			some := readTable(t, query(t, seed(), c.queryType, map[string]any{"format": "table", c.field: c.values}, false).Frames)
			if len(some.rows) == 0 {
				t.Fatal("no rows")
			}
			var want []string
			for _, r := range all.rows {
				for _, v := range c.values {
					if strings.Split(r.key, "/")[c.keyIndex] == v {
						want = append(want, r.key)
					}
				}
			}
			if got := some.keysList(); strings.Join(got, " ") != strings.Join(sortedUnique(want), " ") {
				t.Fatalf("rows %v, want %v", got, sortedUnique(want))
			}
			for _, r := range some.rows {
				u := all.row(t, r.key)
				for col, v := range r.values {
					if (v == nil) != (u.values[col] == nil) || (v != nil && !closeEnough(*v, *u.values[col])) {
						t.Errorf("%s %s: %s filtered, %s unfiltered", r.key, col, pct(v), pct(u.values[col]))
					}
				}
			}
		})
	}
}
