package grafanaapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/grafanaapi"
	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/standalone"
)

type harness struct {
	url  string
	prom string
	dist string
}

// shared is one ecosystem and one plugin process for every test of the package; each test
// gets its own server (its own settings) over them.
var shared struct {
	prom   string
	plugin *host.Plugin
}

func TestMain(m *testing.M) {
	standalone.Main(m, "grafanaapi-test", func(tb *standalone.TB) {
		eco := fixture.StartEcosystem(tb, fixture.EcosystemOptions{Simulator: fixture.SimulatorOptions{Seed: 21}})
		shared.prom = eco.Prom.URL
		shared.plugin = host.Start(tb, host.Options{})
	})
}

// start serves the API over the shared plugin, Prometheus and simulator.
func start(t *testing.T) harness {
	t.Helper()
	dist := t.TempDir()
	srv := grafanaapi.New(grafanaapi.Options{
		Plugin: shared.plugin,
		Datasources: []grafanaapi.Datasource{
			grafanaapi.NewDatasource("mcp", "MCP", shared.prom, map[string]any{"timeInterval": "1s"}, nil),
			grafanaapi.NewDatasource("mcp-new", "MCP (new)", "", nil, nil),
			{UID: "tempo", Name: "Tempo", Type: "tempo"},
		},
		DistDir: dist,
	})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return harness{url: ts.URL, prom: shared.prom, dist: dist}
}

func (h harness) do(t *testing.T, method, path string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, h.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

func dsQuery(refID, queryType string, extra map[string]any) map[string]any {
	q := map[string]any{"refId": refID, "queryType": queryType, "datasource": map[string]any{"uid": "mcp", "type": host.PluginID},
		"intervalMs": 1000, "maxDataPoints": 300}
	for k, v := range extra {
		q[k] = v
	}
	return q
}

func TestQueryAnswersWithGrafanasJSONAndKeepsOneQuerysErrorItsOwn(t *testing.T) {
	h := start(t)
	deadline := time.Now().Add(60 * time.Second)
	for {
		code, body := h.do(t, http.MethodPost, "/api/ds/query", map[string]any{
			"from":    "now-5m",
			"to":      "now",
			"queries": []any{dsQuery("A", "requestRate", nil), dsQuery("B", "noSuchType", nil)},
		})
		if code != http.StatusBadRequest {
			t.Fatalf("a request with one failing query answers HTTP %d, want 400 as Grafana does; body %s", code, body)
		}
		var qdr backend.QueryDataResponse
		if err := json.Unmarshal(body, &qdr); err != nil {
			t.Fatalf("the SDK cannot read the response as a QueryDataResponse: %v\n%s", err, body)
		}
		b := qdr.Responses["B"]
		if b.Error == nil || !strings.Contains(b.Error.Error(), "noSuchType") {
			t.Fatalf("refId B's error %v does not name the bad value noSuchType", b.Error)
		}
		a := qdr.Responses["A"]
		if a.Error != nil {
			t.Fatalf("refId A failed with B: %v", a.Error)
		}
		if len(a.Frames) > 0 && a.Frames[0].Rows() > 0 {
			f := a.Frames[0]
			if f.Meta == nil || !strings.Contains(f.Meta.ExecutedQueryString, "mcp_http_requests_total") {
				t.Fatalf("frame meta %+v lacks the executed PromQL", f.Meta)
			}
			if len(f.Fields) != 2 || f.Fields[1].Labels["job"] == "" {
				t.Fatalf("timeseries frame fields %v: want time and a value labelled by job", f.Fields)
			}
			var raw struct {
				Results map[string]struct {
					Status int               `json:"status"`
					Frames []json.RawMessage `json:"frames"`
				} `json:"results"`
			}
			if err := json.Unmarshal(body, &raw); err != nil {
				t.Fatal(err)
			}
			if raw.Results["A"].Status != 200 || !bytes.Contains(raw.Results["A"].Frames[0], []byte(`"schema"`)) || !bytes.Contains(raw.Results["A"].Frames[0], []byte(`"values"`)) {
				t.Fatalf("refId A is not {status: 200, frames: [{schema, data: {values}}]}: %s", body)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no request-rate rows within 60s: %s", body)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func TestQueryPassesTheWholeQueryObjectToThePlugin(t *testing.T) {
	h := start(t)
	code, body := h.do(t, http.MethodPost, "/api/ds/query", map[string]any{
		"from": fmt.Sprint(time.Now().Add(-time.Hour).UnixMilli()), "to": fmt.Sprint(time.Now().UnixMilli()),
		"queries": []any{dsQuery("A", "requestRate", map[string]any{"services": []string{"mahavishnu"}, "datasourceId": 1})},
	})
	if code != http.StatusOK {
		t.Fatalf("HTTP %d: %s", code, body)
	}
	_, rec := h.do(t, http.MethodGet, "/harness/api/queries", nil)
	var got []map[string]any
	if err := json.Unmarshal(rec, &got); err != nil || len(got) != 1 {
		t.Fatalf("recorded queries %s (%v)", rec, err)
	}
	if got[0]["datasourceId"] != float64(1) || got[0]["maxDataPoints"] != float64(300) {
		t.Fatalf("the recorded query lost fields the frontend sent: %v", got[0])
	}
}

func TestHealthAnswersAsGrafanaAndSettingsReachThePlugin(t *testing.T) {
	h := start(t)
	code, body := h.do(t, http.MethodGet, "/api/datasources/uid/mcp-new/health", nil)
	var hr struct {
		Status  string         `json:"status"`
		Message string         `json:"message"`
		Details map[string]any `json:"details"`
	}
	if err := json.Unmarshal(body, &hr); err != nil {
		t.Fatalf("health body %s: %v", body, err)
	}
	if code != http.StatusBadRequest || hr.Status != "ERROR" || hr.Message == "" {
		t.Fatalf("an unconfigured datasource's health is HTTP %d %+v, want 400 ERROR with a message", code, hr)
	}

	// Save as the config page does, with a secret, then test again.
	_, body = h.do(t, http.MethodGet, "/api/datasources/uid/mcp-new", nil)
	var ds map[string]any
	if err := json.Unmarshal(body, &ds); err != nil {
		t.Fatal(err)
	}
	ds["url"] = h.prom
	ds["jsonData"] = map[string]any{"timeInterval": "1s", "httpHeaderName1": "X-Scope-OrgID"}
	ds["secureJsonData"] = map[string]string{"httpHeaderValue1": "tenant-s3cret"}
	code, body = h.do(t, http.MethodPut, "/api/datasources/uid/mcp-new", ds)
	if code != http.StatusOK || bytes.Contains(body, []byte("tenant-s3cret")) {
		t.Fatalf("save answered HTTP %d %s (must succeed and never echo the secret)", code, body)
	}
	_, body = h.do(t, http.MethodGet, "/api/datasources/uid/mcp-new", nil)
	var saved struct {
		URL              string          `json:"url"`
		Version          int             `json:"version"`
		SecureJSONFields map[string]bool `json:"secureJsonFields"`
	}
	if err := json.Unmarshal(body, &saved); err != nil {
		t.Fatal(err)
	}
	if saved.URL != h.prom || saved.Version != 1 || !saved.SecureJSONFields["httpHeaderValue1"] || bytes.Contains(body, []byte("tenant-s3cret")) {
		t.Fatalf("saved settings %s: want the url, version 1, httpHeaderValue1 shown as set and never its value", body)
	}
	code, body = h.do(t, http.MethodGet, "/api/datasources/uid/mcp-new/health", nil)
	hr.Details = nil
	if err := json.Unmarshal(body, &hr); err != nil {
		t.Fatal(err)
	}
	if code != http.StatusOK || hr.Status != "OK" {
		t.Fatalf("after saving the Prometheus URL, health is HTTP %d %s", code, body)
	}

	code, body = h.do(t, http.MethodGet, "/api/datasources/uid/nope/health", nil)
	if code != http.StatusNotFound {
		t.Fatalf("an unknown uid answers HTTP %d %s, want 404", code, body)
	}
}

func TestResourcesReachCallResource(t *testing.T) {
	h := start(t)
	now := time.Now()
	path := fmt.Sprintf("/api/datasources/uid/mcp/resources/services?from=%d&to=%d", now.Add(-time.Hour).UnixMilli(), now.UnixMilli())
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, body := h.do(t, http.MethodGet, path, nil)
		var services []string
		if code == http.StatusOK && json.Unmarshal(body, &services) == nil && contains(services, "mahavishnu") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("services resource: HTTP %d %s, want a list with mahavishnu", code, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	code, body := h.do(t, http.MethodGet, "/api/datasources/uid/mcp/resources/noSuchList", nil)
	if code != http.StatusNotFound || !bytes.Contains(body, []byte("noSuchList")) {
		t.Fatalf("an unknown resource answers HTTP %d %s, want the plugin's 404 naming it", code, body)
	}
}

func TestPluginFilesAreServedFromDist(t *testing.T) {
	h := start(t)
	dir := filepath.Join(h.dist, host.PluginID)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"module.js": "define([], function () {});", "panel.wasm": "\x00asm"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for file, want := range map[string]string{"module.js": "application/javascript", "panel.wasm": "application/wasm"} {
		resp, err := http.Get(h.url + "/public/plugins/" + host.PluginID + "/" + file)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != want {
			t.Fatalf("%s: HTTP %d %q, want 200 %q", file, resp.StatusCode, resp.Header.Get("Content-Type"), want)
		}
	}
	resp, err := http.Get(h.url + "/public/plugins/" + host.PluginID + "/..%2f..%2fgo.mod")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a path out of dist answers HTTP %d, want 404", resp.StatusCode)
	}
}

func TestParseTimeReadsGrafanasForms(t *testing.T) {
	now := time.UnixMilli(1_700_000_000_000)
	for in, want := range map[string]time.Time{
		"now": now, "1699999999000": time.UnixMilli(1_699_999_999_000), "now-1h": now.Add(-time.Hour), "now-5m": now.Add(-5 * time.Minute),
	} {
		got, err := grafanaapi.ParseTime(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := grafanaapi.ParseTime("yesterday", now); err == nil || !strings.Contains(err.Error(), "yesterday") {
		t.Errorf("ParseTime(yesterday) error %v does not name the value", err)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestDashboardsAreServedByUID(t *testing.T) {
	dir := t.TempDir()
	for name, uid := range map[string]string{"a.json": "first", "b.json": "second"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(`{"uid":"`+uid+`","title":"`+name+`"}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ts := httptest.NewServer(grafanaapi.New(grafanaapi.Options{Plugin: shared.plugin, DashboardsDir: dir}))
	t.Cleanup(ts.Close)
	h := harness{url: ts.URL}

	status, body := h.do(t, "GET", "/api/dashboards/uid/second", nil)
	var got struct {
		Dashboard struct{ UID, Title string }
		Meta      struct{ Slug string }
	}
	if err := json.Unmarshal(body, &got); err != nil || status != http.StatusOK {
		t.Fatalf("GET second: %d %s (%v)", status, body, err)
	}
	if got.Dashboard.UID != "second" || got.Dashboard.Title != "b.json" || got.Meta.Slug != "b" {
		t.Errorf("GET second: want b.json's dashboard, got %+v", got)
	}
	if status, body := h.do(t, "GET", "/api/dashboards/uid/third", nil); status != http.StatusNotFound {
		t.Errorf("an unknown uid: want 404 as Grafana answers, got %d %s", status, body)
	}
}
