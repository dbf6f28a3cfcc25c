package spine

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"

	"github.com/mahavishnu/mcp-grafana/tests/faults"
	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/host"
)

func TestHealthIsOKOnAHealthySetupWithDetailsForTheConfigPage(t *testing.T) {
	e := newEnv(t, nil)
	h, err := e.plugin.CheckHealth(ctxT(t, 30*time.Second), e.settings())
	if err != nil {
		t.Fatal(err)
	}
	if h.Status != pluginv2.CheckHealthResponse_OK {
		t.Fatalf("health is %s (%q), want OK; details %s", h.Status, h.Message, h.Raw)
	}
	t.Logf("health OK: %s", h.Message)

	engine, _ := h.Details["engine"].(map[string]any)
	// Debian's build reports 2.42.0+ds; the URL may keep a trailing slash.
	version, _ := engine["version"].(string)
	engineURL, _ := engine["url"].(string)
	if !strings.HasPrefix(version, "2.42.0") || strings.TrimSuffix(engineURL, "/") != e.prom.URL {
		t.Errorf("details.engine = %v, want url %s and version 2.42.0", engine, e.prom.URL)
	}
	if h.Details["profile"] != "seed" {
		t.Errorf("details.profile = %v, want seed", h.Details["profile"])
	}
	jobs := jobDetails(t, h)
	for _, j := range e.ds.Jobs {
		d, ok := jobs[j.Name]
		if !ok {
			t.Errorf("details.jobs lacks %s: %s", j.Name, h.Raw)
			continue
		}
		if d["up"] != true || num(d["instances"]) != float64(j.Instances) || num(d["instancesDown"]) != 0 {
			t.Errorf("job %s: %v, want up with %d instances, none down", j.Name, d, j.Instances)
		}
		present := families(d, "present")
		for _, f := range fixture.AllFamilies {
			if !present[f] {
				t.Errorf("job %s: family %s exported but not listed as present: %v", j.Name, f, d["families"])
			}
		}
		missing := families(d, "missing")
		for f := range missing {
			if present[f] {
				t.Errorf("job %s: family %s both present and missing", j.Name, f)
			}
		}
	}
	ex, _ := h.Details["exemplars"].(map[string]any)
	if ex == nil || ex["ok"] != true {
		t.Errorf("details.exemplars = %v, want ok (exemplar storage is enabled)", ex)
	}
}

func TestHealthIsErrorForADeadURLAndSaysWhichURL(t *testing.T) {
	p := host.Start(t, host.Options{})
	dead := faults.ClosedPort(t)
	h, err := p.CheckHealth(ctxT(t, 30*time.Second), host.Settings{URL: dead})
	if err != nil {
		t.Fatal(err)
	}
	if h.Status != pluginv2.CheckHealthResponse_ERROR {
		t.Fatalf("health is %s, want ERROR for %s", h.Status, dead)
	}
	u, _ := url.Parse(dead)
	if !strings.Contains(h.Message, u.Host) {
		t.Errorf("message %q does not name the unreachable address %s", h.Message, u.Host)
	}
	t.Logf("dead URL: %s", h.Message)
}

func TestHealthIsErrorNamingTheDownJob(t *testing.T) {
	jobs := append(fixture.DefaultJobs(), fixture.Job{Name: "crackerjack", Down: true})
	e := newEnv(t, jobs)
	h, err := e.plugin.CheckHealth(ctxT(t, 30*time.Second), e.settings())
	if err != nil {
		t.Fatal(err)
	}
	if h.Status != pluginv2.CheckHealthResponse_ERROR {
		t.Fatalf("health is %s (%q), want ERROR with a target down", h.Status, h.Message)
	}
	if !strings.Contains(h.Message, "crackerjack") {
		t.Errorf("message %q does not name the down job crackerjack", h.Message)
	}
	for _, up := range []string{"mahavishnu", "akosha", "session-buddy"} {
		if strings.Contains(h.Message, up) {
			t.Errorf("message %q names %s, which is up", h.Message, up)
		}
	}
	if d := jobDetails(t, h)["crackerjack"]; d == nil || d["up"] != false || num(d["instancesDown"]) != 1 {
		t.Errorf("details for crackerjack = %v, want up false with 1 instance down", d)
	}
	t.Logf("down job: %s", h.Message)
}

func TestHealthIsErrorWhenNoMCPMetricFamilyExists(t *testing.T) {
	e := newEnv(t, []fixture.Job{{Name: "node", Families: []string{}}})
	h, err := e.plugin.CheckHealth(ctxT(t, 30*time.Second), e.settings())
	if err != nil {
		t.Fatal(err)
	}
	if h.Status != pluginv2.CheckHealthResponse_ERROR {
		t.Fatalf("health is %s (%q), want ERROR when no MCP family exists", h.Status, h.Message)
	}
	lower := strings.ToLower(h.Message)
	if !strings.Contains(lower, "metric") || !(strings.Contains(lower, "seed") || strings.Contains(h.Message, fixture.FamilyHTTPRequests)) {
		t.Errorf("message %q should say MCP metrics of the active profile (seed) are missing", h.Message)
	}
	if d := jobDetails(t, h)["node"]; d == nil {
		t.Errorf("details.jobs lacks node: %s", h.Raw)
	} else if !families(d, "missing")[fixture.FamilyHTTPRequests] {
		t.Errorf("node's missing families %v lack %s", d["families"], fixture.FamilyHTTPRequests)
	}
	t.Logf("no MCP families: %s", h.Message)
}

func TestHealthListsPresentAndMissingFamiliesPerJob(t *testing.T) {
	jobs := append(fixture.DefaultJobs(), fixture.Job{Name: "partial", Families: []string{fixture.FamilyHTTPRequests}})
	e := newEnv(t, jobs)
	h, err := e.plugin.CheckHealth(ctxT(t, 30*time.Second), e.settings())
	if err != nil {
		t.Fatal(err)
	}
	d := jobDetails(t, h)["partial"]
	if d == nil {
		t.Fatalf("details.jobs lacks partial: %s", h.Raw)
	}
	if !families(d, "present")[fixture.FamilyHTTPRequests] {
		t.Errorf("partial: %s not present in %v", fixture.FamilyHTTPRequests, d["families"])
	}
	for _, f := range []string{fixture.FamilyHTTPDuration, fixture.FamilyToolCalls} {
		if !families(d, "missing")[f] {
			t.Errorf("partial: %s not listed missing in %v", f, d["families"])
		}
	}
}

func jobDetails(t *testing.T, h *host.Health) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	list, ok := h.Details["jobs"].([]any)
	if !ok {
		t.Fatalf("details.jobs is not a list: %s", h.Raw)
	}
	for _, item := range list {
		m, _ := item.(map[string]any)
		if name, _ := m["job"].(string); name != "" {
			out[name] = m
		}
	}
	return out
}

// families reads families.present or families.missing as a set; a family name may carry
// its suffix (_total, _bucket) or not.
func families(job map[string]any, which string) map[string]bool {
	out := map[string]bool{}
	fams, _ := job["families"].(map[string]any)
	list, _ := fams[which].([]any)
	for _, f := range list {
		if s, ok := f.(string); ok {
			out[s] = true
			out[strings.TrimSuffix(s, "_total")+"_total"] = true
			out[strings.TrimSuffix(strings.TrimSuffix(s, "_bucket"), "_count")] = true
		}
	}
	return out
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}
