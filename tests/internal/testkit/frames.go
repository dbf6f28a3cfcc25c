package testkit

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// Series is one timeseries-multi frame reduced to what the tests compare.
type Series struct {
	Labels   map[string]string
	Times    []time.Time
	Values   []*float64
	Interval time.Duration // the time field's config.interval: the step
	Unit     string
	Display  string // the value field's displayNameFromDS
	Frame    *data.Frame
}

// Key is the series' labels as one sortable string.
func (s Series) Key() string { return LabelsKey(s.Labels) }

// ReadSeries reads timeseries-multi frames, each a Time field and a float64 Value field;
// the empty-result frame (no rows) is kept, NonEmpty drops it.
func ReadSeries(t testing.TB, frames data.Frames) []Series {
	t.Helper()
	var out []Series
	for _, f := range frames {
		if f.Meta == nil || f.Meta.Type != data.FrameTypeTimeSeriesMulti {
			t.Fatalf("frame %q is not timeseries-multi (meta %+v)", f.Name, f.Meta)
		}
		if len(f.Fields) != 2 || f.Fields[0].Type() != data.FieldTypeTime {
			t.Fatalf("frame %q: fields %s, want Time and Value", f.Name, FieldTypes(f))
		}
		tf, vf := f.Fields[0], f.Fields[1]
		if vf.Type() != data.FieldTypeFloat64 && vf.Type() != data.FieldTypeNullableFloat64 {
			t.Fatalf("frame %q: value field is %s", f.Name, vf.Type())
		}
		s := Series{Labels: map[string]string{}, Frame: f}
		for k, v := range vf.Labels {
			s.Labels[k] = v
		}
		if tf.Config != nil {
			s.Interval = FromInterval(tf.Config.Interval)
		}
		if vf.Config != nil {
			s.Unit = vf.Config.Unit
			s.Display = vf.Config.DisplayNameFromDS
		}
		for i := 0; i < f.Rows(); i++ {
			tv, _ := tf.ConcreteAt(i)
			s.Times = append(s.Times, tv.(time.Time))
			v, err := vf.NullableFloatAt(i)
			if err != nil {
				t.Fatalf("frame %q row %d: %v", f.Name, i, err)
			}
			s.Values = append(s.Values, v)
		}
		out = append(out, s)
	}
	return out
}

// NonEmpty drops the empty-result frame (no rows).
func NonEmpty(ss []Series) []Series {
	var out []Series
	for _, s := range ss {
		if len(s.Times) > 0 {
			out = append(out, s)
		}
	}
	return out
}

// SeriesKeys are the series' keys, sorted.
func SeriesKeys(ss []Series) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Key())
	}
	sort.Strings(out)
	return out
}

// Table is a wide table frame read by column title.
type Table struct {
	Frame *data.Frame
	Keys  []string // key column titles
	Rows  []Row
}

// Row is one row of a Table.
type Row struct {
	Key     string // key values joined by "/"
	KeyVals map[string]string
	Values  map[string]*float64
	Status  string
	Reasons string
}

func (r Row) String() string {
	var parts []string
	for k, v := range r.Values {
		parts = append(parts, k+"="+Cell(v))
	}
	sort.Strings(parts)
	return fmt.Sprintf("%s: %s (%s) %s", r.Key, r.Status, r.Reasons, strings.Join(parts, " "))
}

// ReadTable reads a table frame: string key columns before the value columns, float64
// value columns, then `status` and `reasons`.
func ReadTable(t testing.TB, f *data.Frame) Table {
	t.Helper()
	if f.Meta == nil || f.Meta.Type != data.FrameTypeTable {
		t.Fatalf("frame %q is not a table frame (meta %+v)", f.Name, f.Meta)
	}
	tb := Table{Frame: f}
	n := f.Rows()
	for i := 0; i < n; i++ {
		tb.Rows = append(tb.Rows, Row{KeyVals: map[string]string{}, Values: map[string]*float64{}})
	}
	inKeys := true
	for _, fld := range f.Fields {
		switch {
		case fld.Name == "status" || fld.Name == "reasons":
			for i := 0; i < n; i++ {
				v, _ := fld.ConcreteAt(i)
				s, _ := v.(string)
				if fld.Name == "status" {
					tb.Rows[i].Status = s
				} else {
					tb.Rows[i].Reasons = s
				}
			}
		case fld.Type() == data.FieldTypeString || fld.Type() == data.FieldTypeNullableString:
			if !inKeys {
				t.Fatalf("string column %q after value columns", fld.Name)
			}
			tb.Keys = append(tb.Keys, fld.Name)
			for i := 0; i < n; i++ {
				v, _ := fld.ConcreteAt(i)
				s, _ := v.(string)
				tb.Rows[i].KeyVals[fld.Name] = s
			}
		default:
			inKeys = false
			for i := 0; i < n; i++ {
				v, err := fld.NullableFloatAt(i)
				if err != nil {
					t.Fatalf("column %q row %d: %v", fld.Name, i, err)
				}
				tb.Rows[i].Values[fld.Name] = v
			}
		}
	}
	for i := range tb.Rows {
		var parts []string
		for _, k := range tb.Keys {
			parts = append(parts, tb.Rows[i].KeyVals[k])
		}
		tb.Rows[i].Key = strings.Join(parts, "/")
	}
	return tb
}

// Row is the row of that key; the test fails when there is none.
func (tb Table) Row(t testing.TB, key string) Row {
	t.Helper()
	for _, r := range tb.Rows {
		if r.Key == key {
			return r
		}
	}
	t.Fatalf("table has no row %q (rows %v)", key, tb.RowKeys())
	return Row{}
}

// ByKey is the rows by key.
func (tb Table) ByKey() map[string]Row {
	out := map[string]Row{}
	for _, r := range tb.Rows {
		out[r.Key] = r
	}
	return out
}

// RowKeys are the rows' keys, sorted.
func (tb Table) RowKeys() []string {
	var out []string
	for _, r := range tb.Rows {
		out = append(out, r.Key)
	}
	sort.Strings(out)
	return out
}

// OnlyFrame is the single frame of an answer that must have exactly one.
func OnlyFrame(t testing.TB, frames data.Frames) *data.Frame {
	t.Helper()
	if len(frames) != 1 {
		t.Fatalf("answer has %d frames, want 1", len(frames))
	}
	return frames[0]
}

// FrameNamed is the frame of that name.
func FrameNamed(t testing.TB, frames data.Frames, name string) *data.Frame {
	t.Helper()
	for _, f := range frames {
		if f.Name == name {
			return f
		}
	}
	var names []string
	for _, f := range frames {
		names = append(names, f.Name)
	}
	t.Fatalf("no frame %q among %v", name, names)
	return nil
}

// Field is the frame's field of that name.
func Field(t testing.TB, f *data.Frame, name string) *data.Field {
	t.Helper()
	for _, fld := range f.Fields {
		if fld.Name == name {
			return fld
		}
	}
	t.Fatalf("frame %q has no field %q (fields %s)", f.Name, name, FieldTypes(f))
	return nil
}

// Strings are the values of the frame's string field of that name.
func Strings(t testing.TB, f *data.Frame, name string) []string {
	t.Helper()
	fld := Field(t, f, name)
	out := make([]string, fld.Len())
	for i := range out {
		v, _ := fld.ConcreteAt(i)
		s, ok := v.(string)
		if !ok {
			t.Fatalf("field %q row %d is %T, want a string", name, i, v)
		}
		out[i] = s
	}
	return out
}

// FieldNames are the frame's field names in order.
func FieldNames(f *data.Frame) []string {
	var out []string
	for _, fld := range f.Fields {
		out = append(out, fld.Name)
	}
	return out
}

// FieldTypes lists the frame's fields as name:type for a failure message.
func FieldTypes(f *data.Frame) string {
	var parts []string
	for _, fld := range f.Fields {
		parts = append(parts, fmt.Sprintf("%s:%s", fld.Name, fld.Type()))
	}
	return strings.Join(parts, ", ")
}

// Executed is the frame's executedQueryString ("" without meta).
func Executed(f *data.Frame) string {
	if f.Meta == nil {
		return ""
	}
	return f.Meta.ExecutedQueryString
}

// LabelsKey is a label set as one sortable string: {a="1", b="2"}.
func LabelsKey(l map[string]string) string {
	keys := make([]string, 0, len(l))
	for k := range l {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%q", k, l[k]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// SortedUnique sorts and deduplicates.
func SortedUnique(in []string) []string {
	m := map[string]bool{}
	for _, s := range in {
		m[s] = true
	}
	out := make([]string, 0, len(m))
	for s := range m {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}
