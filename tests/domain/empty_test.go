package domain_test

import (
	"math"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// A filter matching nothing is an answer, not a failure: no rows, no NaN, and a notice
// naming what is missing.
func TestEmptyIsANoticeNotAnError(t *testing.T) {
	cases := []struct {
		name, queryType string
		json            map[string]any
		// words the notice holds
		notice string
	}{
		{"tool never seen", "toolHealth", map[string]any{"tools": []string{"no-such-tool"}}, "tool"},
		{"pool without data", "poolCapacity", map[string]any{"pools": []string{"no-such-pool"}}, "pool"},
	}
	// A service without the family: node exports no MCP family at all.
	for _, qt := range domainTypes {
		cases = append(cases, struct {
			name, queryType string
			json            map[string]any
			notice          string
		}{"service without the family", qt, map[string]any{"services": []string{"node"}}, ""})
	}
	for _, c := range cases {
		for _, format := range []string{"table", "timeseries"} {
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
				noNaN(t, f)
				if f.Meta == nil || len(f.Meta.Notices) == 0 {
					t.Fatalf("no notice on the empty answer")
				}
				text := f.Meta.Notices[len(f.Meta.Notices)-1].Text
				if !strings.Contains(strings.ToLower(text), "no data") || !strings.Contains(strings.ToLower(text), c.notice) {
					t.Errorf("notice %q, want it to say there is no data (and name %q)", text, c.notice)
				}
				if format == "timeseries" && !strings.Contains(text, `job="node"`) && c.json["services"] != nil {
					t.Errorf("notice %q does not name the PromQL that matched nothing", text)
				}
				// Alerting: no failure either, and nothing a reducer chokes on.
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
