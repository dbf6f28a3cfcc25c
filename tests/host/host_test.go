package host

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestQueryRequestCarriesWhatGrafanaSends(t *testing.T) {
	from := time.UnixMilli(1_700_000_000_123)
	s := Settings{URL: "http://127.0.0.1:9090", BasicAuth: true, BasicAuthUser: "u",
		JSONData: map[string]any{"httpMethod": "GET"}, Secure: map[string]string{"basicAuthPassword": "p"}, UID: "x"}
	req, err := QueryRequest(s, map[string]string{"FromAlert": "true"},
		Query{RefID: "A", QueryType: "requestRate", From: from, To: from.Add(time.Hour), IntervalMS: 15000, MaxDataPoints: 800, JSON: map[string]any{"services": []string{"a"}}},
		Query{RefID: "B", RawJSON: []byte(`{"broken`)})
	if err != nil {
		t.Fatal(err)
	}
	pc := req.PluginContext
	ds := pc.DataSourceInstanceSettings
	if pc.OrgId != 1 || pc.PluginId != PluginID || ds.Url != s.URL || !ds.BasicAuthEnabled || ds.BasicAuthUser != "u" ||
		ds.Uid != "x" || ds.DecryptedSecureJsonData["basicAuthPassword"] != "p" || string(ds.JsonData) != `{"httpMethod":"GET"}` {
		t.Errorf("plugin context %v", pc)
	}
	if req.Headers["FromAlert"] != "true" || len(req.Queries) != 2 {
		t.Fatalf("request %v", req)
	}
	a := req.Queries[0]
	if a.RefId != "A" || a.QueryType != "requestRate" || a.IntervalMS != 15000 || a.MaxDataPoints != 800 ||
		a.TimeRange.FromEpochMS != 1_700_000_000_123 || a.TimeRange.ToEpochMS != 1_700_003_600_123 {
		t.Errorf("query A %v", a)
	}
	var j map[string]any
	if err := json.Unmarshal(a.Json, &j); err != nil || j["refId"] != "A" || j["queryType"] != "requestRate" || j["services"] == nil {
		t.Errorf("query A JSON %s", a.Json)
	}
	if string(req.Queries[1].Json) != `{"broken` {
		t.Errorf("raw JSON altered: %s", req.Queries[1].Json)
	}
}

func TestMissingBinaryFailsWithTheBuildCommand(t *testing.T) {
	ft := &fakeT{}
	func() {
		defer func() { _ = recover() }()
		RequireBinary(ft, filepath.Join(t.TempDir(), "gpx_mcp"))
	}()
	if !strings.Contains(ft.msg, "cargo build -p mcp-plugin") {
		t.Errorf("message %q does not say how to build the plugin", ft.msg)
	}
}

func TestBinaryPathHonoursTheEnvironment(t *testing.T) {
	t.Setenv("MCP_PLUGIN_BINARY", "/opt/x/gpx_mcp")
	if p, err := BinaryPath(); err != nil || p != "/opt/x/gpx_mcp" {
		t.Errorf("BinaryPath = %q, %v", p, err)
	}
	os.Unsetenv("MCP_PLUGIN_BINARY")
	p, err := BinaryPath()
	if err != nil || !strings.HasSuffix(p, filepath.Join("target", "debug", "gpx_mcp")) {
		t.Errorf("default BinaryPath = %q, %v", p, err)
	}
}

// fakeT records Fatalf and stops the calling function like testing.T does.
type fakeT struct {
	testing.TB
	msg string
}

func (f *fakeT) Helper() {}
func (f *fakeT) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	panic("fatal")
}
