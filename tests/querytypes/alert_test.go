package querytypes_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

// alertable checks what Grafana's alerting needs to reduce an answer: no string fields,
// every frame numeric-multi or timeseries-multi, each with one numeric value field that
// carries labels. It returns the frames' value labels and values (the last point).
func alertable(t *testing.T, frames data.Frames) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, f := range frames {
		if f.Meta == nil || (f.Meta.Type != data.FrameTypeNumericMulti && f.Meta.Type != data.FrameTypeTimeSeriesMulti) {
			t.Errorf("frame %q: type %+v, want numeric-multi or timeseries-multi", f.Name, f.Meta)
			continue
		}
		var value *data.Field
		for _, fld := range f.Fields {
			switch fld.Type() {
			case data.FieldTypeString, data.FieldTypeNullableString:
				t.Errorf("frame %q has string field %q: alerting cannot reduce it", f.Name, fld.Name)
			case data.FieldTypeFloat64, data.FieldTypeNullableFloat64:
				if value != nil {
					t.Errorf("frame %q has two value fields", f.Name)
				}
				value = fld
			case data.FieldTypeTime, data.FieldTypeNullableTime:
			default:
				t.Errorf("frame %q: field %q of type %s", f.Name, fld.Name, fld.Type())
			}
		}
		if value == nil {
			t.Errorf("frame %q has no numeric field (%s)", f.Name, testkit.FieldTypes(f))
			continue
		}
		if f.Rows() == 0 {
			continue
		}
		if len(value.Labels) == 0 {
			t.Errorf("frame %q: value field without labels: alert instances could not be told apart", f.Name)
		}
		key := value.Labels.String()
		if _, dup := out[key]; dup {
			t.Errorf("two frames with labels %s", key)
		}
		v, _ := value.NullableFloatAt(f.Rows() - 1)
		if v != nil {
			out[key] = *v
		} else {
			out[key] = 0
		}
	}
	return out
}

func TestAlertingGetsNumericFramesWithLabelsForEveryType(t *testing.T) {
	// The request types answer alerting with the series a panel gets.
	for _, qt := range requestTypes {
		t.Run(qt+"/timeseries", func(t *testing.T) {
			alert := alertable(t, query(t, seed(), qt, nil, true).Frames)
			var got, want []string
			for k := range alert {
				got = append(got, k)
			}
			for _, s := range readSeries(t, query(t, seed(), qt, nil, false).Frames) {
				want = append(want, data.Labels(s.Labels).String())
			}
			sort.Strings(got)
			sort.Strings(want)
			if len(got) == 0 || strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("alerting series %v, the panel's %v", got, want)
			}
		})
	}
	for _, qt := range domainTypes {
		for _, format := range []string{"table", "timeseries"} {
			t.Run(qt+"/"+format, func(t *testing.T) {
				r := query(t, seed(), qt, map[string]any{"format": format}, true)
				if len(r.Frames) == 0 {
					t.Fatal("no frames over data that has rows")
				}
				got := alertable(t, r.Frames)
				if format != "table" {
					return
				}
				// Same numbers as the table: one frame per non-null cell and one status level
				// per row, labelled by the key labels and the metric.
				tb := readTable(t, query(t, seed(), qt, map[string]any{"format": "table"}, false).Frames)
				cells := 0
				for _, r := range tb.Rows {
					for _, v := range r.Values {
						if v != nil {
							cells++
						}
					}
				}
				if len(got) != cells+len(tb.Rows) {
					t.Errorf("%d alert frames, want %d (cells) + %d (status per row)", len(got), cells, len(tb.Rows))
				}
				levels := map[string]float64{"ok": 0, "warn": 1, "critical": 2}
				var statuses []string
				for k := range got {
					if strings.Contains(k, "metric=status") {
						statuses = append(statuses, k)
					}
				}
				sort.Strings(statuses)
				if len(statuses) != len(tb.Rows) {
					t.Fatalf("%d status frames for %d rows", len(statuses), len(tb.Rows))
				}
				sum := 0.0
				want := 0.0
				for _, k := range statuses {
					sum += got[k]
				}
				for _, r := range tb.Rows {
					want += levels[r.Status]
				}
				if sum != want {
					t.Errorf("status levels add up to %g, the table's statuses to %g", sum, want)
				}
			})
		}
	}
}

func TestAlertStatusFramesNameTheEntity(t *testing.T) {
	r := query(t, seed(), "toolHealth", map[string]any{"services": []string{"bounds"}, "format": "table"}, true)
	got := alertable(t, r.Frames)
	for tool, level := range map[string]float64{"at-95.01": 0, "at-95": 1, "at-89.99": 2} {
		key := fmt.Sprintf("job=bounds, metric=status, tool_name=%s", tool)
		v, ok := got[key]
		if !ok {
			var keys []string
			for k := range got {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			t.Fatalf("no frame labelled %s among %v", key, keys)
		}
		if v != level {
			t.Errorf("%s: %g, want %g", key, v, level)
		}
	}
	if v := got["job=bounds, metric=success_percent, tool_name=at-90"]; !testkit.CloseEnough(v, 90) {
		t.Errorf("success_percent of at-90: %g, want 90", v)
	}
}
