// Package promframes turns a Prometheus query_range answer into grafana-plugin-sdk-go data
// frames the way a Go plugin author would write it with Apache- and MIT-licensed parts
// only: prometheus/client_golang's API types (whose package registers json-iterator decoders
// for model.SampleStream and model.SamplePair), json-iterator reading the body as a stream,
// and one timeseries-multi frame per series.
package promframes

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	jsoniter "github.com/json-iterator/go"
	_ "github.com/prometheus/client_golang/api/prometheus/v1" // json-iterator decoders of model types
	"github.com/prometheus/common/model"
)

// envelope is the API's answer to /api/v1/query_range.
type envelope struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
	Data      struct {
		ResultType model.ValueType `json:"resultType"`
		Result     model.Matrix    `json:"result"`
	} `json:"data"`
}

// Read decodes a query_range answer from r, read in chunks of chunk bytes, into one frame
// per series.
func Read(r io.Reader, chunk int) (data.Frames, error) {
	matrix, err := Decode(r, chunk)
	if err != nil {
		return nil, err
	}
	frames := make(data.Frames, 0, len(matrix))
	for _, s := range matrix {
		frames = append(frames, frame(s))
	}
	return frames, nil
}

// Decode reads a query_range answer from r, in chunks of chunk bytes, into its series: the
// parsing alone, measured on its own beside the Rust parser (`convert -parse-only`).
func Decode(r io.Reader, chunk int) (model.Matrix, error) {
	iter := jsoniter.Parse(jsoniter.ConfigDefault, r, chunk)
	var env envelope
	iter.ReadVal(&env)
	if iter.Error != nil && !errors.Is(iter.Error, io.EOF) {
		return nil, fmt.Errorf("decoding the answer: %w", iter.Error)
	}
	if env.Status != "success" {
		return nil, fmt.Errorf("prometheus: %s: %s", env.ErrorType, env.Error)
	}
	if env.Data.ResultType != model.ValMatrix {
		return nil, fmt.Errorf("result type %q, want matrix", env.Data.ResultType)
	}
	return env.Data.Result, nil
}

func frame(s *model.SampleStream) *data.Frame {
	times := make([]time.Time, len(s.Values))
	values := make([]float64, len(s.Values))
	for i, p := range s.Values {
		times[i] = p.Timestamp.Time()
		values[i] = float64(p.Value)
	}
	labels := make(data.Labels, len(s.Metric))
	for k, v := range s.Metric {
		labels[string(k)] = string(v)
	}
	f := data.NewFrame("",
		data.NewField(data.TimeSeriesTimeFieldName, nil, times),
		data.NewField(data.TimeSeriesValueFieldName, labels, values))
	f.Meta = &data.FrameMeta{Type: data.FrameTypeTimeSeriesMulti, TypeVersion: data.FrameTypeVersion{0, 1}}
	return f
}
