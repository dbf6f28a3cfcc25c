package querytypes_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

// domainTypes are the query types with a table format.
var domainTypes = []string{"toolHealth", "poolCapacity", "agentTasks", "workflows", "sessions", "memory", "cache", "system", "otlpOperations"}

// requestTypes are the query types over the HTTP families, time series only.
var requestTypes = []string{"requestRate", "requestLatency", "errorRate"}

// cases is every query type's meaning, from its own file.
func cases() []typeCase {
	return append(requestRate(), requestLatency(), errorRate(), promql(),
		toolHealth(), poolCapacity(), agentTasks(), workflows(), sessions(), memory(), cache(), system(), otlpOperations())
}

// name tells the cases of one type apart by their options.
func (c typeCase) name() string {
	if len(c.json) == 0 {
		return c.queryType
	}
	return fmt.Sprintf("%s %v", c.queryType, c.json)
}

// with is the case's options and the extra ones.
func (c typeCase) with(extra map[string]any) map[string]any {
	js := map[string]any{}
	for k, v := range c.json {
		js[k] = v
	}
	for k, v := range extra {
		js[k] = v
	}
	return js
}

func TestTablesEqualPrometheusAnswersToTheSeedPromQL(t *testing.T) {
	for _, c := range cases() {
		if c.columns == nil {
			continue
		}
		t.Run(c.name(), func(t *testing.T) {
			r := query(t, seed(), c.queryType, c.with(map[string]any{"format": "table"}), false)
			tb := readTable(t, r.Frames)
			if len(tb.Rows) == 0 {
				t.Fatal("no rows")
			}
			checkTable(t, tb, c.keyLabels, c.columns)
			t.Logf("%s: %d rows equal Prometheus's answers at the end of the range", c.name(), len(tb.Rows))
		})
	}
}

func TestTimeSeriesEqualPrometheusAnswersToTheSeedPromQL(t *testing.T) {
	for _, c := range cases() {
		t.Run(c.name(), func(t *testing.T) {
			r := query(t, seed(), c.queryType, c.with(map[string]any{"format": "timeseries"}), false)
			for _, f := range r.Frames {
				if f.Meta == nil || f.Meta.TypeVersion != (data.FrameTypeVersion{0, 1}) {
					t.Errorf("frame %q: meta %+v, want typeVersion [0 1]", f.Name, f.Meta)
				}
			}
			ss := readSeries(t, r.Frames)
			checkSeries(t, ss, c.lines)
			t.Logf("%s: %d series equal Prometheus's answers (%v)", c.name(), len(ss), testkit.SeriesKeys(ss))
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
			if len(some.Rows) == 0 {
				t.Fatal("no rows")
			}
			var want []string
			for _, r := range all.Rows {
				for _, v := range c.values {
					if strings.Split(r.Key, "/")[c.keyIndex] == v {
						want = append(want, r.Key)
					}
				}
			}
			if got := some.RowKeys(); strings.Join(got, " ") != strings.Join(testkit.SortedUnique(want), " ") {
				t.Fatalf("rows %v, want %v", got, testkit.SortedUnique(want))
			}
			for _, r := range some.Rows {
				u := all.Row(t, r.Key)
				for col, v := range r.Values {
					if !testkit.SameCell(v, u.Values[col]) {
						t.Errorf("%s %s: %s filtered, %s unfiltered", r.Key, col, testkit.Cell(v), testkit.Cell(u.Values[col]))
					}
				}
			}
		})
	}
}
