package spine

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"

	"github.com/mahavishnu/mcp-grafana/tests/faults"
	"github.com/mahavishnu/mcp-grafana/tests/host"
)

func TestHTTPMethodDefaultsToPOSTAndHonoursGET(t *testing.T) {
	e := newEnv(t, nil)
	from, to := e.ds.Now.Add(-time.Hour), e.ds.Now
	for _, c := range []struct{ setting, want string }{{"", "POST"}, {"GET", "GET"}, {"POST", "POST"}} {
		rec := faults.Record(t, e.prom.URL)
		s := host.Settings{URL: rec.URL, UID: "method-" + c.setting}
		if c.setting != "" {
			s.JSONData = map[string]any{"httpMethod": c.setting}
		}
		res, err := e.plugin.QueryData(ctxT(t, 30*time.Second), s, nil,
			host.Query{RefID: "A", QueryType: "requestRate", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 500})
		if err != nil {
			t.Fatal(err)
		}
		if res["A"].Error != "" {
			t.Fatalf("httpMethod %q: %s", c.setting, res["A"].Error)
		}
		var ranges int
		for _, r := range rec.Requests() {
			if r.Path != "/api/v1/query_range" {
				continue
			}
			ranges++
			if r.Method != c.want {
				t.Errorf("httpMethod %q: query_range sent with %s, want %s", c.setting, r.Method, c.want)
			}
			if r.Query.Get("query") == "" || r.Query.Get("step") == "" {
				t.Errorf("httpMethod %q: query_range lacks query or step: %v", c.setting, r.Query)
			}
		}
		if ranges == 0 {
			t.Errorf("httpMethod %q: no query_range request reached Prometheus", c.setting)
		}
	}
}

func TestBasicAuthAndCustomHeadersReachPrometheusButThePasswordNeverLeaks(t *testing.T) {
	const password = "pa55-w0rd-c9e1"
	e := newEnvWith(t, nil, host.Options{Env: []string{"RUST_LOG=debug"}})
	rec := faults.Record(t, e.prom.URL)
	s := host.Settings{
		URL: rec.URL, BasicAuth: true, BasicAuthUser: "grafana",
		JSONData: map[string]any{"httpHeaderName1": "X-Scope-OrgID", "httpHeaderName2": "X-Extra"},
		Secure:   map[string]string{"basicAuthPassword": password, "httpHeaderValue1": "tenant-1", "httpHeaderValue2": "two"},
	}
	h, err := e.plugin.CheckHealth(ctxT(t, 30*time.Second), s)
	if err != nil {
		t.Fatal(err)
	}
	from, to := e.ds.Now.Add(-time.Hour), e.ds.Now
	res, err := e.plugin.QueryData(ctxT(t, 30*time.Second), s, nil,
		host.Query{RefID: "A", QueryType: "errorRate", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 500},
		host.Query{RefID: "B", QueryType: "promql", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 500, JSON: map[string]any{"expr": "sum("}})
	if err != nil {
		t.Fatal(err)
	}
	if res["A"].Error != "" {
		t.Fatalf("refId A: %s", res["A"].Error)
	}
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("grafana:"+password))
	reqs := rec.Requests()
	if len(reqs) == 0 {
		t.Fatal("nothing reached Prometheus")
	}
	for _, r := range reqs {
		if got := r.Header.Get("Authorization"); got != want {
			t.Errorf("%s %s: Authorization %q, want basic auth of grafana", r.Method, r.Path, got)
		}
		if r.Header.Get("X-Scope-OrgID") != "tenant-1" || r.Header.Get("X-Extra") != "two" {
			t.Errorf("%s %s: custom headers %v", r.Method, r.Path, r.Header)
		}
	}
	e.plugin.Kill()
	for _, out := range []string{h.Message, string(h.Raw), res["B"].Error, e.plugin.Logs()} {
		if strings.Contains(out, password) || strings.Contains(out, base64.StdEncoding.EncodeToString([]byte("grafana:"+password))) {
			t.Errorf("the password leaked: %.300s", out)
		}
	}
}

func TestTheQueriesOfOneRequestRunConcurrently(t *testing.T) {
	e := newEnv(t, nil)
	rec := faults.RecordSlow(t, e.prom.URL, 400*time.Millisecond)
	s := host.Settings{URL: rec.URL, UID: "slow"}
	from, to := e.ds.Now.Add(-time.Hour), e.ds.Now
	var qs []host.Query
	for _, id := range []string{"A", "B", "C", "D"} {
		qs = append(qs, host.Query{RefID: id, QueryType: "requestRate", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 500})
	}
	start := time.Now()
	res, err := e.plugin.QueryData(ctxT(t, 30*time.Second), s, nil, qs...)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	for _, q := range qs {
		if res[q.RefID].Error != "" {
			t.Errorf("refId %s: %s", q.RefID, res[q.RefID].Error)
		}
	}
	if rec.MaxInFlight() < int64(len(qs)) {
		t.Errorf("at most %d upstream requests were in flight together, want all %d queries at once (took %s)", rec.MaxInFlight(), len(qs), took)
	}
}

func TestAlertingQueriesAreAnsweredLikePanelQueries(t *testing.T) {
	e := newEnv(t, nil)
	from, to := e.ds.Now.Add(-10*time.Minute), e.ds.Now
	q := host.Query{RefID: "A", QueryType: "errorRate", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 43200}
	res, err := e.plugin.QueryData(ctxT(t, 30*time.Second), e.settings(), map[string]string{"FromAlert": "true"}, q)
	if err != nil {
		t.Fatal(err)
	}
	if res["A"].Error != "" {
		t.Fatalf("alert query failed: %s", res["A"].Error)
	}
	ss := nonEmpty(timeseries(t, "A", res["A"].Frames))
	if len(ss) != len(e.ds.Jobs) {
		t.Errorf("alert query returned %d series, want one per job (%d)", len(ss), len(e.ds.Jobs))
	}
}

func TestTLSSettingsVerifyPrometheusAndPresentTheClientCertificate(t *testing.T) {
	e := newEnv(t, nil)
	ca := faults.NewCA(t)
	plain := faults.RecordTLS(t, e.prom.URL, ca, false)
	mutual := faults.RecordTLS(t, e.prom.URL, ca, true)
	from, to := e.ds.Now.Add(-time.Hour), e.ds.Now
	withCA := map[string]any{"tlsAuthWithCACert": true}
	caSecret := map[string]string{"tlsCACert": ca.CertPEM}
	clientSecret := map[string]string{"tlsCACert": ca.CertPEM, "tlsClientCert": ca.ClientCertPEM, "tlsClientKey": ca.ClientKeyPEM}
	cases := []struct {
		name   string
		url    string
		json   map[string]any
		secure map[string]string
		ok     bool
	}{
		{"unknown CA is refused", plain.URL, nil, nil, false},
		{"tlsSkipVerify accepts it", plain.URL, map[string]any{"tlsSkipVerify": true}, nil, true},
		{"tlsCACert verifies it", plain.URL, withCA, caSecret, true},
		{"serverName matching the certificate", plain.URL, map[string]any{"tlsAuthWithCACert": true, "serverName": ca.ServerName}, caSecret, true},
		{"serverName not in the certificate is refused", plain.URL, map[string]any{"tlsAuthWithCACert": true, "serverName": "wrong.mcp.test"}, caSecret, false},
		{"mutual TLS without a client certificate is refused", mutual.URL, withCA, caSecret, false},
		{"mutual TLS with tlsClientCert and tlsClientKey", mutual.URL, map[string]any{"tlsAuthWithCACert": true, "tlsAuth": true}, clientSecret, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := host.Settings{URL: c.url, JSONData: c.json, Secure: c.secure, UID: "tls-" + c.name}
			res, err := e.plugin.QueryData(ctxT(t, 30*time.Second), s, nil,
				host.Query{RefID: "A", QueryType: "requestRate", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 500})
			if err != nil {
				t.Fatal(err)
			}
			got := res["A"]
			if c.ok && got.Error != "" {
				t.Errorf("want data, got error %q", got.Error)
			}
			if c.ok && len(nonEmpty(timeseries(t, "A", got.Frames))) == 0 {
				t.Error("want data, got no series")
			}
			if !c.ok && got.Error == "" {
				t.Error("want a TLS error, got none")
			}
			if strings.Contains(got.Error, "PRIVATE KEY") {
				t.Errorf("error reveals the client key: %q", got.Error)
			}
			t.Logf("error: %q", got.Error)
		})
	}
	e.plugin.Kill()
	if strings.Contains(e.plugin.Logs(), strings.Split(ca.ClientKeyPEM, "\n")[1]) {
		t.Error("the client key appears in the plugin's logs")
	}
}

func TestInvalidSettingsFailWithTheSettingAndItsValue(t *testing.T) {
	e := newEnv(t, nil)
	from, to := e.ds.Now.Add(-time.Hour), e.ds.Now
	cases := []struct {
		name    string
		s       host.Settings
		mention []string
	}{
		{"url", host.Settings{URL: "ftp//nowhere"}, []string{"url", "ftp//nowhere"}},
		{"httpMethod", host.Settings{URL: e.prom.URL, JSONData: map[string]any{"httpMethod": "PUT"}}, []string{"httpMethod", "PUT"}},
		{"timeout", host.Settings{URL: e.prom.URL, JSONData: map[string]any{"timeout": "soon"}}, []string{"timeout", "soon"}},
		{"timeInterval", host.Settings{URL: e.prom.URL, JSONData: map[string]any{"timeInterval": "fifteen"}}, []string{"timeInterval", "fifteen"}},
		{"maxResponseBytes", host.Settings{URL: e.prom.URL, JSONData: map[string]any{"maxResponseBytes": -1}}, []string{"maxResponseBytes", "-1"}},
		{"tlsCACert", host.Settings{URL: e.prom.URL, JSONData: map[string]any{"tlsAuthWithCACert": true}, Secure: map[string]string{"tlsCACert": "not a certificate"}}, []string{"tlsCACert"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.s.UID = "invalid-" + c.name
			h, err := e.plugin.CheckHealth(ctxT(t, 30*time.Second), c.s)
			if err != nil {
				t.Fatal(err)
			}
			if h.Status != pluginv2.CheckHealthResponse_ERROR {
				t.Errorf("health is %s, want ERROR", h.Status)
			}
			res, err := e.plugin.QueryData(ctxT(t, 30*time.Second), c.s, nil,
				host.Query{RefID: "A", QueryType: "requestRate", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 500})
			if err != nil {
				t.Fatal(err)
			}
			for what, msg := range map[string]string{"health message": h.Message, "query error": res["A"].Error} {
				for _, m := range c.mention {
					if !strings.Contains(msg, m) {
						t.Errorf("%s %q does not mention %q", what, msg, m)
					}
				}
			}
			t.Logf("%s", h.Message)
		})
	}
}
