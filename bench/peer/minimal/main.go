// Command minimal is the smallest Go datasource plugin that answers a PromQL range query
// as a Go plugin author writes it: grafana-plugin-sdk-go's datasource.Manage for the
// go-plugin handshake and pluginv2 services, net/http for /api/v1/query_range and
// promframes (client_golang's types, json-iterator, SDK frames) for the frames. It is the yardstick of the footprint benchmark
// (bench/peer/e2e): start time, idle memory and memory under load of a Go plugin.
//
// Query JSON: {"expr": "<promql>"}; the step is the query's interval (15 s when unset).
// Datasource settings: the URL, and jsonData.compression "none" to ask for uncompressed
// answers (net/http asks for gzip by itself otherwise), as ours takes it.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"

	"github.com/mahavishnu/mcp-grafana/bench/peer/promframes"
)

type instance struct {
	url    string
	client *http.Client
}

func newInstance(_ context.Context, s backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
	var opts struct {
		Compression string `json:"compression"`
	}
	if len(s.JSONData) > 0 {
		if err := json.Unmarshal(s.JSONData, &opts); err != nil {
			return nil, fmt.Errorf("jsonData: %w", err)
		}
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.DisableCompression = opts.Compression == "none"
	return &instance{url: s.URL, client: &http.Client{Timeout: 60 * time.Second, Transport: transport}}, nil
}

func (i *instance) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	out := backend.NewQueryDataResponse()
	for _, q := range req.Queries {
		out.Responses[q.RefID] = i.query(ctx, q)
	}
	return out, nil
}

func (i *instance) query(ctx context.Context, q backend.DataQuery) backend.DataResponse {
	var model struct {
		Expr string `json:"expr"`
	}
	if err := json.Unmarshal(q.JSON, &model); err != nil {
		return backend.ErrDataResponse(backend.StatusBadRequest, "query JSON: "+err.Error())
	}
	step := q.Interval
	if step <= 0 {
		step = 15 * time.Second
	}
	form := url.Values{
		"query": {model.Expr},
		"start": {strconv.FormatInt(q.TimeRange.From.Unix(), 10)},
		"end":   {strconv.FormatInt(q.TimeRange.To.Unix(), 10)},
		"step":  {strconv.FormatFloat(step.Seconds(), 'f', -1, 64)},
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, i.url+"/api/v1/query_range?"+form.Encode(), nil)
	if err != nil {
		return backend.ErrDataResponse(backend.StatusBadRequest, err.Error())
	}
	rsp, err := i.client.Do(r)
	if err != nil {
		return backend.ErrDataResponse(backend.StatusBadGateway, err.Error())
	}
	defer rsp.Body.Close()
	frames, err := promframes.Read(rsp.Body, 64*1024)
	if err != nil {
		return backend.ErrDataResponse(backend.StatusBadGateway, err.Error())
	}
	return backend.DataResponse{Frames: frames}
}

func main() {
	err := datasource.Manage("mahavishnu-mcp-datasource", func(ctx context.Context, s backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
		return newInstance(ctx, s)
	}, datasource.ManageOpts{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
