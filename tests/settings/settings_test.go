// Package settings_test proves the datasource settings as Grafana stores them: the HTTP
// method, compression, basic auth and custom headers, TLS with a CA, a server name and client
// certificates, each invalid setting refused naming it and its value; and that no secret
// ever leaves the plugin, in any answer, error or log line.
package settings_test

import (
	"encoding/base64"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"

	"github.com/mahavishnu/mcp-grafana/tests/faults"
	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

func TestHTTPMethodDefaultsToPOSTAndHonoursGET(t *testing.T) {
	e := fixture.StartWorld(t, nil, host.Options{})
	from, to := e.DS.Now.Add(-time.Hour), e.DS.Now
	for _, c := range []struct{ setting, want string }{{"", "POST"}, {"GET", "GET"}, {"POST", "POST"}} {
		rec := faults.Record(t, e.Prom.URL)
		s := host.Settings{URL: rec.URL, UID: "method-" + c.setting}
		if c.setting != "" {
			s.JSONData = map[string]any{"httpMethod": c.setting}
		}
		res, err := e.Plugin.QueryData(testkit.Ctx(t, 30*time.Second), s, nil,
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

// TestCompressionAsksForGzipOnlyWhenSet puts a recording proxy in front of the real
// Prometheus: by default and with "gzip" every call asks for gzip and Prometheus answers
// gzipped; with "none" no call asks and every answer comes uncompressed; the series are the
// same either way.
func TestCompressionAsksForGzipOnlyWhenSet(t *testing.T) {
	e := fixture.StartWorld(t, nil, host.Options{})
	from, to := e.DS.Now.Add(-time.Hour), e.DS.Now
	var answers [][]testkit.Series
	for _, c := range []struct {
		setting string
		gzip    bool
	}{{"", true}, {"gzip", true}, {"none", false}} {
		rec := faults.Record(t, e.Prom.URL)
		s := host.Settings{URL: rec.URL, UID: "compression-" + c.setting}
		if c.setting != "" {
			s.JSONData = map[string]any{"compression": c.setting}
		}
		ctx := testkit.Ctx(t, 30*time.Second)
		if h, err := e.Plugin.CheckHealth(ctx, s); err != nil || h.Status != pluginv2.CheckHealthResponse_OK {
			t.Fatalf("compression %q: health %v %v", c.setting, h, err)
		}
		res, err := e.Plugin.QueryData(ctx, s, nil,
			host.Query{RefID: "A", QueryType: "requestRate", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 500})
		if err != nil {
			t.Fatal(err)
		}
		if res["A"].Error != "" {
			t.Fatalf("compression %q: %s", c.setting, res["A"].Error)
		}
		series := testkit.NonEmpty(testkit.ReadSeries(t, res["A"].Frames))
		if len(series) == 0 {
			t.Fatalf("compression %q: no series", c.setting)
		}
		answers = append(answers, series)
		reqs := rec.Requests()
		var ranges int
		for _, r := range reqs {
			if r.Path == "/api/v1/query_range" {
				ranges++
			}
			asked := strings.Contains(r.Header.Get("Accept-Encoding"), "gzip")
			if asked != c.gzip {
				t.Errorf("compression %q: %s %s sent Accept-Encoding %q", c.setting, r.Method, r.Path, r.Header.Get("Accept-Encoding"))
			}
			if gz := r.Encoding == "gzip"; gz != c.gzip {
				t.Errorf("compression %q: %s %s answered with Content-Encoding %q", c.setting, r.Method, r.Path, r.Encoding)
			}
		}
		if ranges == 0 {
			t.Errorf("compression %q: no query_range request reached Prometheus (%d requests)", c.setting, len(reqs))
		}
	}
	for i := 1; i < len(answers); i++ {
		if !reflect.DeepEqual(answers[i], answers[0]) {
			t.Errorf("the series differ between compression settings: %v and %v", testkit.SeriesKeys(answers[0]), testkit.SeriesKeys(answers[i]))
		}
	}
}

// Whether the password leaks is TestASentinelSecretNeverLeavesThePlugin's (secrets_test.go).
func TestBasicAuthAndCustomHeadersReachPrometheusOnEveryRequest(t *testing.T) {
	const password = "pa55-w0rd-c9e1"
	e := fixture.StartWorld(t, nil, host.Options{})
	rec := faults.Record(t, e.Prom.URL)
	s := host.Settings{
		URL: rec.URL, BasicAuth: true, BasicAuthUser: "grafana",
		JSONData: map[string]any{"httpHeaderName1": "X-Scope-OrgID", "httpHeaderName2": "X-Extra"},
		Secure:   map[string]string{"basicAuthPassword": password, "httpHeaderValue1": "tenant-1", "httpHeaderValue2": "two"},
	}
	if _, err := e.Plugin.CheckHealth(testkit.Ctx(t, 30*time.Second), s); err != nil {
		t.Fatal(err)
	}
	from, to := e.DS.Now.Add(-time.Hour), e.DS.Now
	res, err := e.Plugin.QueryData(testkit.Ctx(t, 30*time.Second), s, nil,
		host.Query{RefID: "A", QueryType: "errorRate", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 500})
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
}

func TestTLSSettingsVerifyPrometheusAndPresentTheClientCertificate(t *testing.T) {
	e := fixture.StartWorld(t, nil, host.Options{})
	ca := faults.NewCA(t)
	plain := faults.RecordTLS(t, e.Prom.URL, ca, false)
	mutual := faults.RecordTLS(t, e.Prom.URL, ca, true)
	from, to := e.DS.Now.Add(-time.Hour), e.DS.Now
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
			res, err := e.Plugin.QueryData(testkit.Ctx(t, 30*time.Second), s, nil,
				host.Query{RefID: "A", QueryType: "requestRate", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 500})
			if err != nil {
				t.Fatal(err)
			}
			got := res["A"]
			if c.ok && got.Error != "" {
				t.Errorf("want data, got error %q", got.Error)
			}
			if c.ok && len(testkit.NonEmpty(testkit.ReadSeries(t, got.Frames))) == 0 {
				t.Error("want data, got no series")
			}
			if !c.ok && got.Error == "" {
				t.Error("want a TLS error, got none")
			}
			t.Logf("error: %q", got.Error)
		})
	}
}

func TestInvalidSettingsFailWithTheSettingAndItsValue(t *testing.T) {
	e := fixture.StartWorld(t, nil, host.Options{})
	from, to := e.DS.Now.Add(-time.Hour), e.DS.Now
	cases := []struct {
		name    string
		s       host.Settings
		mention []string
	}{
		{"url", host.Settings{URL: "ftp//nowhere"}, []string{"url", "ftp//nowhere"}},
		{"no url", host.Settings{}, []string{"url"}},
		{"httpMethod", host.Settings{URL: e.Prom.URL, JSONData: map[string]any{"httpMethod": "PUT"}}, []string{"httpMethod", "PUT"}},
		{"compression", host.Settings{URL: e.Prom.URL, JSONData: map[string]any{"compression": "brotli"}}, []string{"compression", "brotli", "gzip"}},
		{"timeout", host.Settings{URL: e.Prom.URL, JSONData: map[string]any{"timeout": "soon"}}, []string{"timeout", "soon"}},
		{"timeInterval", host.Settings{URL: e.Prom.URL, JSONData: map[string]any{"timeInterval": "fifteen"}}, []string{"timeInterval", "fifteen"}},
		{"maxResponseBytes", host.Settings{URL: e.Prom.URL, JSONData: map[string]any{"maxResponseBytes": -1}}, []string{"maxResponseBytes", "-1"}},
		{"tlsCACert", host.Settings{URL: e.Prom.URL, JSONData: map[string]any{"tlsAuthWithCACert": true}, Secure: map[string]string{"tlsCACert": "not a certificate"}}, []string{"tlsCACert"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.s.UID = "invalid-" + c.name
			h, err := e.Plugin.CheckHealth(testkit.Ctx(t, 30*time.Second), c.s)
			if err != nil {
				t.Fatal(err)
			}
			if h.Status != pluginv2.CheckHealthResponse_ERROR {
				t.Errorf("health is %s, want ERROR", h.Status)
			}
			res, err := e.Plugin.QueryData(testkit.Ctx(t, 30*time.Second), c.s, nil,
				host.Query{RefID: "A", QueryType: "requestRate", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 500})
			if err != nil {
				t.Fatal(err)
			}
			// The datasource's configuration is at fault, not the plugin: a client error.
			if res["A"].Status != 400 {
				t.Errorf("query status %d, want 400", res["A"].Status)
			}
			check, err := e.Plugin.Resource(testkit.Ctx(t, 30*time.Second), c.s, "GET", "ecosystemCheck", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if check.Status != 400 {
				t.Errorf("ecosystemCheck status %d, want 400: %s", check.Status, check.Body)
			}
			for what, msg := range map[string]string{"health message": h.Message, "query error": res["A"].Error, "ecosystemCheck": string(check.Body)} {
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
