package settings_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/faults"
	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

const sentinel = "SENTINEL-7c1e9a2f-never-shown"

// keyBody is the base64 body of a PEM key: the part that must never be shown.
func keyBody(pem string) string {
	var lines []string
	for _, l := range strings.Split(pem, "\n") {
		if l != "" && !strings.HasPrefix(l, "-----") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "")
}

func TestASentinelSecretNeverLeavesThePlugin(t *testing.T) {
	// The most verbose logging there is, for every crate in the process.
	p := host.Start(t, host.Options{Env: []string{"RUST_LOG=trace", "GF_PLUGIN_LOG_LEVEL=debug"}})
	ds := fixture.NewDataset(fixture.DatasetOptions{})
	prom := fixture.StartPrometheus(t, fixture.PrometheusOptions{Backfill: ds.OpenMetrics()})
	rec := faults.Record(t, prom.URL)
	recBearer := faults.Record(t, prom.URL)
	ca := faults.NewCA(t)
	recTLS := faults.RecordTLS(t, prom.URL, ca, true)
	// A Prometheus answer whose timestamp overflows the parser's arithmetic: in a build
	// with overflow checks this panics inside the query, the panic path.
	overflow := faults.Literal(t, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"a"},"values":[[18446744073709551616,"1"]]}]}}`).URL

	secrets := []string{sentinel, keyBody(ca.ClientKeyPEM)}
	withSecrets := func(uid, url string) host.Settings {
		return host.Settings{
			URL: url, UID: uid, BasicAuth: true, BasicAuthUser: "grafana",
			JSONData: map[string]any{"httpHeaderName1": "X-Api-Key", "httpHeaderName2": "X-Scope-OrgID"},
			Secure:   map[string]string{"basicAuthPassword": sentinel, "httpHeaderValue1": sentinel, "httpHeaderValue2": "tenant-" + sentinel},
		}
	}
	mtls := withSecrets("mtls", recTLS.URL)
	mtls.JSONData["tlsAuth"] = true
	mtls.JSONData["tlsAuthWithCACert"] = true
	mtls.JSONData["serverName"] = ca.ServerName
	mtls.Secure["tlsCACert"] = ca.CertPEM
	mtls.Secure["tlsClientCert"] = ca.ClientCertPEM
	mtls.Secure["tlsClientKey"] = ca.ClientKeyPEM
	brokenTLS := withSecrets("broken-tls", recTLS.URL)
	brokenTLS.JSONData["tlsAuth"] = true
	brokenTLS.JSONData["tlsAuthWithCACert"] = true
	brokenTLS.Secure["tlsCACert"] = "-----BEGIN CERTIFICATE-----\n" + sentinel + "\n-----END CERTIFICATE-----\n"
	brokenTLS.Secure["tlsClientCert"] = sentinel
	brokenTLS.Secure["tlsClientKey"] = "-----BEGIN PRIVATE KEY-----\n" + sentinel + "\n-----END PRIVATE KEY-----\n"
	urlCreds := withSecrets("url-credentials", strings.Replace(rec.URL, "http://", "http://grafana:"+sentinel+"@", 1))
	// A bearer token is a custom Authorization header, without basic auth.
	bearer := host.Settings{
		URL: recBearer.URL, UID: "bearer",
		JSONData: map[string]any{"httpHeaderName1": "Authorization"},
		Secure:   map[string]string{"httpHeaderValue1": "Bearer " + sentinel},
	}
	hang := withSecrets("hang", faults.Hang(t).URL)
	hang.JSONData["timeout"] = 1
	badHeader := withSecrets("bad-header", rec.URL)
	badHeader.Secure["httpHeaderValue1"] = sentinel + "\r\nX-Injected: 1"

	datasources := []host.Settings{
		withSecrets("plain", rec.URL),
		bearer,
		mtls,
		brokenTLS,
		urlCreds,
		badHeader,
		withSecrets("down", faults.ClosedPort(t)),
		withSecrets("html", faults.HTML5xx(t, 502).URL),
		hang,
		withSecrets("overflow", overflow),
	}

	from, to := ds.Now.Add(-time.Hour), ds.Now
	qs := []host.Query{
		{RefID: "rate", QueryType: "requestRate", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 300},
		{RefID: "summary", QueryType: "ecosystemSummary", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 300},
		{RefID: "tools", QueryType: "toolHealth", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 300},
		{RefID: "exemplars", QueryType: "exemplars", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 300},
		{RefID: "broken", QueryType: "promql", From: from, To: to, JSON: map[string]any{"expr": "rate(up["}},
		{RefID: "garbage", QueryType: "requestRate", From: from, To: to, RawJSON: []byte(`{"services":[`)},
	}
	var seen []string
	panicked := false
	for _, s := range datasources {
		h, err := p.CheckHealth(testkit.Ctx(t, 30*time.Second), s)
		if err != nil {
			t.Fatalf("%s: health: %v", s.UID, err)
		}
		seen = append(seen, h.Message, string(h.Raw))
		res, err := p.QueryData(testkit.Ctx(t, 60*time.Second), s, map[string]string{"FromAlert": "true"}, qs...)
		if err != nil {
			// Only the panic path may fail the whole call; its error is shown too.
			seen = append(seen, err.Error())
			panicked = s.UID == "overflow"
			if !panicked {
				t.Fatalf("%s: query: %v", s.UID, err)
			}
		}
		for ref, r := range res {
			seen = append(seen, r.Error)
			for _, f := range r.Frames {
				b, err := json.Marshal(f)
				if err != nil {
					t.Fatalf("%s/%s: %v", s.UID, ref, err)
				}
				seen = append(seen, string(b))
			}
		}
		if s.UID == "plain" || s.UID == "bearer" || s.UID == "mtls" {
			for _, ref := range []string{"rate", "summary", "tools"} {
				if res[ref].Error != "" {
					t.Errorf("%s: refId %s failed with working credentials: %s", s.UID, ref, res[ref].Error)
				}
			}
		}
		for _, path := range []string{
			fmt.Sprintf("services?from=%d&to=%d", from.UnixMilli(), to.UnixMilli()),
			fmt.Sprintf("values/tool_name?from=%d&to=%d&services=mahavishnu", from.UnixMilli(), to.UnixMilli()),
			"values/no_such_label?from=0&to=1",
		} {
			code, body, err := p.CallResource(testkit.Ctx(t, 30*time.Second), s, "GET", path, nil)
			if err != nil {
				t.Fatalf("%s: resource %s: %v", s.UID, path, err)
			}
			seen = append(seen, string(body))
			if s.UID == "plain" && strings.HasPrefix(path, "services") && code != 200 {
				t.Errorf("plain: services: HTTP %d %s", code, body)
			}
		}
	}
	if !p.Alive() {
		t.Fatalf("the plugin died\n%s", p.Stderr())
	}

	// The secrets did their job upstream.
	if got := rec.HeaderValues("X-Api-Key"); len(got) == 0 || got[0] != sentinel {
		t.Errorf("Prometheus saw X-Api-Key %q", got)
	}
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("grafana:"+sentinel))
	if got := rec.HeaderValues("Authorization"); len(got) == 0 || got[0] != basic {
		t.Errorf("Prometheus saw Authorization %q, want basic auth", got)
	}
	bearers := recBearer.HeaderValues("Authorization")
	if n := len(recBearer.Requests()); n == 0 || len(bearers) != n {
		t.Errorf("%d of %d requests of the bearer datasource carried Authorization", len(bearers), n)
	}
	for _, v := range bearers {
		if v != "Bearer "+sentinel {
			t.Errorf("Prometheus saw Authorization %q, want the configured bearer token", v)
		}
	}
	if len(recTLS.Requests()) == 0 {
		t.Error("no request reached Prometheus over mutual TLS")
	}

	p.Kill() // every log line flushed
	logs := p.Logs()
	if !strings.Contains(logs, "DEBUG") && !strings.Contains(logs, `"@level":"debug"`) && !strings.Contains(logs, `"@level":"trace"`) {
		t.Errorf("debug logging was not on, so the log check proves little:\n%.2000s", logs)
	}
	seen = append(seen, logs)
	for _, secret := range secrets {
		for i, s := range seen {
			if idx := strings.Index(s, secret); idx >= 0 {
				lo := max(0, idx-200)
				t.Errorf("a secret leaked into output %d: ...%s...", i, s[lo:min(len(s), idx+len(secret)+50)])
			}
		}
		// The base64 of basic auth is as good as the password.
		if strings.Contains(strings.Join(seen, "\n"), base64.StdEncoding.EncodeToString([]byte("grafana:"+sentinel))) {
			t.Error("the basic auth header leaked")
		}
	}
	t.Logf("%d datasources x (health, %d queries, 3 resources) with RUST_LOG=trace: %d outputs and %d bytes of logs free of secrets; panic path taken: %v",
		len(datasources), len(qs), len(seen), len(logs), panicked)
}
