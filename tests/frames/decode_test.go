// Package frames_test decodes the frames the Rust crate mcp-frames writes (its golden files in
// crates/frames/testdata) with grafana-plugin-sdk-go, the decoder Grafana itself uses.
//
// Each golden is checked three ways: the decoded frame equals the same frame built with the Go
// SDK; the Arrow schema (types, nullability, metadata) matches what the Go SDK writes for that
// frame; and the properties users rely on (labels and config on one field, NaN and infinities,
// internal links, notices, data topic) are asserted one by one.
package frames_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/google/go-cmp/cmp"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

const t0 = int64(1_700_000_000_000)

func ms(v int64) time.Time { return time.UnixMilli(v) }

func ptr[T any](v T) *T { return &v }

func golden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "crates", "frames", "testdata", name))
	if err != nil {
		t.Fatalf("read golden %s: %v (regenerate with UPDATE_GOLDEN=1 cargo test -p mcp-frames --test golden)", name, err)
	}
	return b
}

// decodeLikeGo decodes a golden with the SDK and checks it against want, field by field and
// schema against the SDK's own encoding of want.
func decodeLikeGo(t *testing.T, name string, want *data.Frame) *data.Frame {
	t.Helper()
	raw := golden(t, name)
	got, err := data.UnmarshalArrowFrame(raw)
	if err != nil {
		t.Fatalf("%s: grafana-plugin-sdk-go cannot decode it: %v", name, err)
	}
	if diff := cmp.Diff(want, got, data.FrameTestCompareOptions()...); diff != "" {
		t.Errorf("%s: decoded frame differs from the Go-built frame (-want +got):\n%s", name, diff)
	}
	goBytes, err := want.MarshalArrow()
	if err != nil {
		t.Fatalf("%s: Go cannot encode the expected frame: %v", name, err)
	}
	compareSchemas(t, name, schemaOf(t, goBytes), schemaOf(t, raw))
	return got
}

func schemaOf(t *testing.T, b []byte) *arrow.Schema {
	t.Helper()
	r, err := ipc.NewFileReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not an Arrow IPC file: %v", err)
	}
	defer func() { _ = r.Close() }()
	return r.Schema()
}

var jsonKeys = map[string]bool{"meta": true, "labels": true, "config": true}

// compareMetadata compares key sets and values; JSON values are compared as decoded JSON,
// since Go and Rust format numbers such as 15000 and 15000.0 differently.
func compareMetadata(t *testing.T, where string, goMD, rsMD arrow.Metadata) {
	t.Helper()
	goKeys, rsKeys := append([]string(nil), goMD.Keys()...), append([]string(nil), rsMD.Keys()...)
	sort.Strings(goKeys)
	sort.Strings(rsKeys)
	if !reflect.DeepEqual(goKeys, rsKeys) {
		t.Errorf("%s: metadata keys: Go writes %v, Rust wrote %v", where, goKeys, rsKeys)
		return
	}
	for _, k := range goKeys {
		gv, _ := goMD.GetValue(k)
		rv, _ := rsMD.GetValue(k)
		if !jsonKeys[k] {
			if gv != rv {
				t.Errorf("%s: metadata %q: Go writes %q, Rust wrote %q", where, k, gv, rv)
			}
			continue
		}
		var ga, ra any
		if err := json.Unmarshal([]byte(gv), &ga); err != nil {
			t.Fatalf("%s: Go's %q is not JSON: %v", where, k, err)
		}
		if err := json.Unmarshal([]byte(rv), &ra); err != nil {
			t.Errorf("%s: Rust's %q is not JSON: %v (%s)", where, k, err, rv)
			continue
		}
		if !reflect.DeepEqual(ga, ra) {
			t.Errorf("%s: metadata %q: Go writes %s, Rust wrote %s", where, k, gv, rv)
		}
	}
}

func compareSchemas(t *testing.T, name string, goSchema, rsSchema *arrow.Schema) {
	t.Helper()
	compareMetadata(t, name+" schema", goSchema.Metadata(), rsSchema.Metadata())
	if goSchema.NumFields() != rsSchema.NumFields() {
		t.Fatalf("%s: Go writes %d fields, Rust wrote %d", name, goSchema.NumFields(), rsSchema.NumFields())
	}
	for i, gf := range goSchema.Fields() {
		rf := rsSchema.Field(i)
		where := name + " field " + gf.Name
		if gf.Name != rf.Name {
			t.Errorf("%s: Rust named it %q", where, rf.Name)
		}
		if !arrow.TypeEqual(gf.Type, rf.Type) {
			t.Errorf("%s: Go writes type %s, Rust wrote %s", where, gf.Type, rf.Type)
		}
		if gf.Nullable != rf.Nullable {
			t.Errorf("%s: Go writes nullable=%v, Rust wrote %v", where, gf.Nullable, rf.Nullable)
		}
		compareMetadata(t, where, gf.Metadata, rf.Metadata)
	}
}

func traceQuery() map[string]any {
	return map[string]any{"query": "${__value.raw}", "queryType": "traceql"}
}

func TestTimeseriesMultiFrameKeepsLabelsConfigMetaAndSpecialFloats(t *testing.T) {
	times := make([]time.Time, 5)
	for i := range times {
		times[i] = ms(t0 + int64(i)*15_000)
	}
	labels := data.Labels{"job": "mahavishnu", "instance": "127.0.0.1:9100"}
	want := data.NewFrame("",
		data.NewField("Time", nil, times).SetConfig(&data.FieldConfig{Interval: 15_000}),
		data.NewField("Value", labels, []*float64{
			ptr(1.5), nil, ptr(math.NaN()), ptr(math.Inf(1)), ptr(math.Inf(-1)),
		}).SetConfig(&data.FieldConfig{Unit: "reqps", DisplayNameFromDS: "mahavishnu"}),
	)
	want.RefID = "A"
	want.Meta = &data.FrameMeta{
		Type:                data.FrameTypeTimeSeriesMulti,
		TypeVersion:         data.FrameTypeVersion{0, 1},
		ExecutedQueryString: "Expr: sum by (job) (rate(mcp_http_requests_total[1m]))\nStep: 15s",
		Notices: []data.Notice{{
			Severity: data.NoticeSeverityWarning,
			Text:     "1 of 2 series was cut at the limit",
			Inspect:  data.InspectTypeData,
		}},
	}
	got := decodeLikeGo(t, "timeseries_multi.arrow", want)

	if kind := got.TimeSeriesSchema().Type; kind != data.TimeSeriesTypeLong && kind != data.TimeSeriesTypeWide {
		t.Errorf("SDK does not see a time series: %v", kind)
	}
	if got.Meta.Type != data.FrameTypeTimeSeriesMulti || got.Meta.TypeVersion != (data.FrameTypeVersion{0, 1}) {
		t.Errorf("meta type %q %v", got.Meta.Type, got.Meta.TypeVersion)
	}
	if n := got.Meta.Notices; len(n) != 1 || n[0].Severity != data.NoticeSeverityWarning || n[0].Inspect != data.InspectTypeData {
		t.Errorf("notices %+v", n)
	}
	value := got.Fields[1]
	if value.Type() != data.FieldTypeNullableFloat64 {
		t.Errorf("Value type %s, want nullable float64", value.Type())
	}
	if value.Labels["job"] != "mahavishnu" || value.Config == nil || value.Config.Unit != "reqps" {
		t.Errorf("labels and config must both survive on Value: labels %v config %+v", value.Labels, value.Config)
	}
	if got.Fields[0].Type() != data.FieldTypeTime || !got.Fields[0].At(1).(time.Time).Equal(ms(t0+15_000)) {
		t.Errorf("Time field %s, second value %v", got.Fields[0].Type(), got.Fields[0].At(1))
	}
	if got.Fields[0].Config == nil || got.Fields[0].Config.Interval != 15_000 {
		t.Errorf("Time config %+v, want interval 15000", got.Fields[0].Config)
	}
	v := func(i int) *float64 { return value.At(i).(*float64) }
	if v(1) != nil || !math.IsNaN(*v(2)) || !math.IsInf(*v(3), 1) || !math.IsInf(*v(4), -1) {
		t.Errorf("null, NaN, +Inf, -Inf expected at rows 1..4")
	}
}

func TestTableFrameCarriesThresholdsLinksAndMappings(t *testing.T) {
	p95 := &data.FieldConfig{
		Unit:     "s",
		Decimals: ptr(uint16(3)),
		Thresholds: &data.ThresholdsConfig{
			Mode: data.ThresholdsModeAbsolute,
			Steps: []data.Threshold{
				data.NewThreshold(math.Inf(-1), "green", ""),
				data.NewThreshold(0.1, "orange", ""),
				data.NewThreshold(0.5, "red", ""),
			},
		},
		Links: []data.DataLink{
			{Title: "Traces", Internal: &data.InternalDataLink{
				DatasourceUID: "tempo-uid", DatasourceName: "Tempo", Query: traceQuery(),
			}},
			{Title: "Runbook", TargetBlank: true, URL: "https://runbooks.example/${__data.fields.tool}"},
		},
		Mappings: data.ValueMappings{data.SpecialValueMapper{
			Match: data.SpecialValueNull, Result: data.ValueMappingResult{Text: "no calls"},
		}},
	}
	p95.SetMin(0)
	want := data.NewFrame("tools",
		data.NewField("tool", nil, []string{"search", "store", "recall"}),
		data.NewField("p95", nil, []*float64{ptr(0.05), nil, ptr(0.75)}).SetConfig(p95),
		data.NewField("calls", nil, []int64{120, 0, -1}),
		data.NewField("ok", nil, []bool{true, false, true}),
	)
	want.RefID = "B"
	want.Meta = &data.FrameMeta{
		Type:                data.FrameTypeTable,
		ExecutedQueryString: "Expr: histogram_quantile(0.95, ...)",
		Stats: []data.QueryStat{{
			FieldConfig: data.FieldConfig{DisplayName: "Series", Unit: "none"}, Value: 3,
		}},
	}
	got := decodeLikeGo(t, "table.arrow", want)

	types := []data.FieldType{data.FieldTypeString, data.FieldTypeNullableFloat64, data.FieldTypeInt64, data.FieldTypeBool}
	for i, ft := range types {
		if got.Fields[i].Type() != ft {
			t.Errorf("field %s: type %s, want %s", got.Fields[i].Name, got.Fields[i].Type(), ft)
		}
	}
	cfg := got.Fields[1].Config
	if cfg == nil || cfg.Thresholds == nil || len(cfg.Thresholds.Steps) != 3 {
		t.Fatalf("p95 thresholds missing: %+v", cfg)
	}
	if first := float64(cfg.Thresholds.Steps[0].Value); !math.IsInf(first, -1) {
		t.Errorf("first threshold step is %v, want -Inf", first)
	}
	link := cfg.Links[0]
	if link.Internal == nil || link.Internal.DatasourceUID != "tempo-uid" || link.URL != "" {
		t.Fatalf("first link is not internal: %+v", link)
	}
	if q, ok := link.Internal.Query.(map[string]any); !ok || q["queryType"] != "traceql" {
		t.Errorf("internal query %#v", link.Internal.Query)
	}
	if got.Meta.Stats[0].DisplayName != "Series" || got.Meta.Stats[0].Value != 3 {
		t.Errorf("stats %+v", got.Meta.Stats)
	}
	if got.Fields[1].At(1).(*float64) != nil {
		t.Errorf("p95 row 1 must be null")
	}
}

func TestEmptyFrameHasFieldsNoRowsAndANotice(t *testing.T) {
	want := data.NewFrame("",
		data.NewField("Time", nil, []time.Time{}),
		data.NewField("Value", nil, []*float64{}),
	)
	want.RefID = "C"
	want.Meta = &data.FrameMeta{
		Type:                data.FrameTypeTimeSeriesMulti,
		TypeVersion:         data.FrameTypeVersion{0, 1},
		ExecutedQueryString: "Expr: up{job=\"none\"}\nStep: 15s",
		Notices:             []data.Notice{{Severity: data.NoticeSeverityInfo, Text: "No data"}},
	}
	got := decodeLikeGo(t, "empty.arrow", want)
	if got.Rows() != 0 || len(got.Fields) != 2 {
		t.Errorf("rows %d fields %d, want 0 and 2", got.Rows(), len(got.Fields))
	}
	if got.Fields[1].Type() != data.FieldTypeNullableFloat64 {
		t.Errorf("Value type %s", got.Fields[1].Type())
	}
}

func TestExemplarFrameIsAnAnnotationWithTraceLinks(t *testing.T) {
	traceCfg := &data.FieldConfig{Links: []data.DataLink{{
		Title:    "Query with Tempo",
		Internal: &data.InternalDataLink{DatasourceUID: "tempo-uid", Query: traceQuery()},
	}}}
	want := data.NewFrame("exemplar",
		data.NewField("Time", nil, []time.Time{ms(t0), ms(t0 + 1_500)}),
		data.NewField("Value", nil, []float64{0.042, 1.25}),
		data.NewField("trace_id", nil, []string{"4bf92f3577b34da6", "00f067aa0ba902b7"}).SetConfig(traceCfg),
		data.NewField("job", nil, []string{"mahavishnu", "akosha"}),
	)
	want.RefID = "D"
	want.Meta = &data.FrameMeta{
		Custom:    map[string]any{"resultType": "exemplar"},
		DataTopic: data.DataTopicAnnotations,
	}
	got := decodeLikeGo(t, "exemplars.arrow", want)
	if got.Meta.DataTopic != data.DataTopicAnnotations {
		t.Errorf("dataTopic %q", got.Meta.DataTopic)
	}
	if c, ok := got.Meta.Custom.(map[string]any); !ok || c["resultType"] != "exemplar" {
		t.Errorf("custom %#v", got.Meta.Custom)
	}
	f, idx := got.FieldByName("trace_id")
	if idx < 0 || f.Config == nil || len(f.Config.Links) != 1 || f.Config.Links[0].Internal == nil {
		t.Fatalf("trace_id has no internal link: %+v", f)
	}
	if f.At(0).(string) != "4bf92f3577b34da6" {
		t.Errorf("trace_id row 0 %v", f.At(0))
	}
}

func TestEveryValueTypeDecodesToTheMatchingGoType(t *testing.T) {
	want := data.NewFrame("types",
		data.NewField("time", nil, []time.Time{ms(t0), ms(-1)}),
		data.NewField("ntime", nil, []*time.Time{nil, ptr(ms(t0))}),
		data.NewField("f64", nil, []float64{-0.5, math.MaxFloat64}),
		data.NewField("nf64", nil, []*float64{ptr(2.0), nil}),
		data.NewField("i64", nil, []int64{math.MinInt64, math.MaxInt64}),
		data.NewField("ni64", nil, []*int64{nil, ptr(int64(-7))}),
		data.NewField("u64", nil, []uint64{0, math.MaxUint64}),
		data.NewField("nu64", nil, []*uint64{ptr(uint64(8)), nil}),
		data.NewField("bool", nil, []bool{false, true}),
		data.NewField("nbool", nil, []*bool{ptr(true), nil}),
		data.NewField("str", nil, []string{"ünï", ""}),
		data.NewField("nstr", nil, []*string{nil, ptr("x")}),
	)
	want.RefID = "E"
	got := decodeLikeGo(t, "all_types.arrow", want)
	for i, f := range got.Fields {
		if f.Type() != want.Fields[i].Type() {
			t.Errorf("field %s: decoded as %s, want %s", f.Name, f.Type(), want.Fields[i].Type())
		}
	}
	if got.Meta != nil {
		t.Errorf("frame without meta decoded with meta %+v", got.Meta)
	}
}
