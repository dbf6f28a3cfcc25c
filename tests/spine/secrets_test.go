package spine

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/faults"
	"github.com/mahavishnu/mcp-grafana/tests/host"
)

func TestBearerTokenReachesPrometheusButNeverLeaks(t *testing.T) {
	const token = "s3cr3t-b34r3r-7f1c2d"
	// The most verbose logging an operator would turn on must not reveal it either.
	e := newEnvWith(t, nil, host.Options{Env: []string{"RUST_LOG=debug", "GF_PLUGIN_LOG_LEVEL=debug"}})
	rec := faults.Record(t, e.prom.URL)
	s := host.Settings{
		URL:      rec.URL,
		JSONData: map[string]any{"httpHeaderName1": "Authorization"},
		Secure:   map[string]string{"httpHeaderValue1": "Bearer " + token},
	}
	var seen []string // everything the plugin returned, to search for the token

	h, err := e.plugin.CheckHealth(ctxT(t, 30*time.Second), s)
	if err != nil {
		t.Fatal(err)
	}
	seen = append(seen, h.Message, string(h.Raw))

	from, to := e.ds.Now.Add(-time.Hour), e.ds.Now
	qs := []host.Query{
		{RefID: "rate", QueryType: "requestRate", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 500},
		{RefID: "lat", QueryType: "requestLatency", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 500},
		{RefID: "err", QueryType: "errorRate", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 500},
		{RefID: "raw", QueryType: "promql", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 500, JSON: map[string]any{"expr": "up"}},
		{RefID: "broken", QueryType: "promql", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 500, JSON: map[string]any{"expr": "rate(up["}},
	}
	res, err := e.plugin.QueryData(ctxT(t, 60*time.Second), s, nil, qs...)
	if err != nil {
		t.Fatal(err)
	}
	for refID, r := range res {
		seen = append(seen, r.Error)
		for _, f := range r.Frames {
			b, err := json.Marshal(f)
			if err != nil {
				t.Fatalf("refId %s: %v", refID, err)
			}
			seen = append(seen, string(b))
		}
		if refID != "broken" && r.Error != "" {
			t.Errorf("refId %s failed through the header-adding proxy: %s", refID, r.Error)
		}
	}
	if res["broken"].Error == "" {
		t.Error("refId broken: a PromQL syntax error should be reported")
	}

	code, body, err := e.plugin.CallResource(ctxT(t, 30*time.Second), s, "GET", "services?from="+ms(from)+"&to="+ms(to), nil)
	if err != nil {
		t.Fatal(err)
	}
	seen = append(seen, string(body))
	if code != 200 {
		t.Errorf("services resource through the proxy: HTTP %d %s", code, body)
	}

	// The same token against a dead URL and a failing upstream: errors must not echo it.
	for _, u := range []string{faults.ClosedPort(t), faults.HTML5xx(t, 502).URL} {
		bad := s
		bad.URL = u
		bad.UID = "bad-" + u
		h, err := e.plugin.CheckHealth(ctxT(t, 30*time.Second), bad)
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, h.Message, string(h.Raw))
		res, err := e.plugin.QueryData(ctxT(t, 30*time.Second), bad, nil, qs[0])
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, res["rate"].Error)
	}

	got := rec.HeaderValues("Authorization")
	if len(got) == 0 {
		t.Fatal("no request reached Prometheus with the Authorization header")
	}
	for _, v := range got {
		if v != "Bearer "+token {
			t.Errorf("Prometheus received Authorization %q, want the configured bearer token", v)
		}
	}
	if n := len(rec.Requests()); len(got) != n {
		t.Errorf("%d of %d upstream requests carried the header", len(got), n)
	}

	e.plugin.Kill() // flush every log line
	seen = append(seen, e.plugin.Logs())
	for i, s := range seen {
		if strings.Contains(s, token) {
			t.Errorf("the token leaked into output %d: %.300s", i, s)
		}
	}
	t.Logf("token reached Prometheus on %d requests; absent from logs, frames, errors and health", len(got))
}

func ms(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
