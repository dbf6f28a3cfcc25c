package querytypes_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

// A filter matching nothing is an answer, not a failure: one frame, no rows, no NaN, and a
// notice naming what is missing (in the time series format, the PromQL that matched
// nothing); alerting gets nothing a reducer chokes on either.
func TestEmptyIsANoticeNotAnError(t *testing.T) {
	type emptyCase struct {
		name, queryType string
		json            map[string]any
		// words the notice holds
		notice string
	}
	cases := []emptyCase{
		{"tool never seen", "toolHealth", map[string]any{"tools": []string{"no-such-tool"}}, "tool"},
		{"pool without data", "poolCapacity", map[string]any{"pools": []string{"no-such-pool"}}, "pool"},
		{"expression matching nothing", "promql", map[string]any{"expr": `up{job="no-such-job"}`}, ""},
	}
	// A service without the family: node exports no MCP family at all.
	for _, qt := range append(append([]string{}, domainTypes...), requestTypes...) {
		cases = append(cases, emptyCase{"service without the family", qt, map[string]any{"services": []string{"node"}}, ""})
	}
	for _, qt := range requestTypes {
		cases = append(cases, emptyCase{"service unknown", qt, map[string]any{"services": []string{"no-such-job"}}, ""})
	}
	for _, c := range cases {
		formats := []string{"timeseries"}
		if slices.Contains(domainTypes, c.queryType) {
			formats = append(formats, "table")
		}
		for _, format := range formats {
			t.Run(c.queryType+"/"+format+"/"+c.name, func(t *testing.T) {
				json := map[string]any{"format": format}
				for k, v := range c.json {
					json[k] = v
				}
				r := query(t, seed(), c.queryType, json, false)
				if len(r.Frames) != 1 {
					t.Fatalf("%d frames, want one empty frame with a notice", len(r.Frames))
				}
				f := r.Frames[0]
				if f.Rows() != 0 {
					t.Errorf("%d rows, want none", f.Rows())
				}
				if format == "timeseries" {
					// Time and Value, as Grafana's Prometheus datasource answers nothing.
					testkit.ReadSeries(t, r.Frames)
				}
				noNaN(t, f)
				if f.Meta == nil || len(f.Meta.Notices) == 0 {
					t.Fatalf("no notice on the empty answer")
				}
				text := f.Meta.Notices[len(f.Meta.Notices)-1].Text
				if !strings.Contains(strings.ToLower(text), "no data") || !strings.Contains(strings.ToLower(text), c.notice) {
					t.Errorf("notice %q, want it to say there is no data (and name %q)", text, c.notice)
				}
				if services, ok := c.json["services"].([]string); ok && format == "timeseries" && !strings.Contains(text, `job="`+services[0]+`"`) {
					t.Errorf("notice %q does not name the PromQL that matched nothing", text)
				}
				ar := query(t, seed(), c.queryType, json, true)
				alertable(t, ar.Frames)
			})
		}
	}
}

func noNaN(t *testing.T, f *data.Frame) {
	t.Helper()
	for _, fld := range f.Fields {
		for i := 0; i < fld.Len(); i++ {
			if v, err := fld.NullableFloatAt(i); err == nil && v != nil && math.IsNaN(*v) {
				t.Errorf("field %q row %d is NaN", fld.Name, i)
			}
		}
	}
}
