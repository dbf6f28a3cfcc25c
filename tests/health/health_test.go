// Package health_test proves CheckHealth ("Save & test") and the config page's ecosystem
// check: OK with the details the config page shows when Prometheus holds MCP families,
// ERROR naming the URL, the setting or the missing families otherwise.
package health_test

import (
	"encoding/json"
	"fmt"
	"net/url"
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

func TestHealthIsOKOnAHealthySetupWithDetailsForTheConfigPage(t *testing.T) {
	e := fixture.StartWorld(t, nil, host.Options{})
	h, err := e.Plugin.CheckHealth(testkit.Ctx(t, 30*time.Second), e.Settings("", nil))
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
	if !strings.HasPrefix(version, "2.42.0") || strings.TrimSuffix(engineURL, "/") != e.Prom.URL {
		t.Errorf("details.engine = %v, want url %s and version 2.42.0", engine, e.Prom.URL)
	}
	if h.Details["profile"] != "seed" {
		t.Errorf("details.profile = %v, want seed", h.Details["profile"])
	}
	jobs := jobDetails(t, h)
	for _, j := range e.DS.Jobs {
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
	h, err := p.CheckHealth(testkit.Ctx(t, 30*time.Second), host.Settings{URL: dead})
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

// A URL that is not a Prometheus API, or refuses the credentials, cannot serve MCP data:
// ERROR, and the datasource finding says what to change.
func TestHealthIsErrorWhenTheURLIsNotAPrometheusAPIOrRefusesCredentials(t *testing.T) {
	p := host.Start(t, host.Options{})
	for _, c := range []struct {
		status int
		fix    string
	}{{404, "root of a Prometheus-compatible API"}, {401, "credentials"}} {
		srv := faults.HTML5xx(t, c.status)
		h, err := p.CheckHealth(testkit.Ctx(t, 30*time.Second), host.Settings{URL: srv.URL, UID: fmt.Sprint("html-", c.status)})
		if err != nil {
			t.Fatal(err)
		}
		if h.Status != pluginv2.CheckHealthResponse_ERROR {
			t.Fatalf("HTTP %d page: health is %s (%q), want ERROR", c.status, h.Status, h.Message)
		}
		if f := finding(h, "datasource"); f == nil || f["severity"] != "error" || !strings.Contains(fmt.Sprint(f["fix"]), c.fix) {
			t.Errorf("HTTP %d page: datasource finding %v, want an error whose fix mentions %q", c.status, f, c.fix)
		}
		t.Logf("HTTP %d: %s", c.status, h.Message)
	}
}

// A down scrape job is a finding about the ecosystem, not about the datasource: "Save &
// test" stays OK and names the job, and the finding says what to do.
func TestHealthIsOKWithOneDownJobAmongSeveralAndNamesIt(t *testing.T) {
	jobs := append(fixture.DefaultJobs(), fixture.Job{Name: "crackerjack", Down: true})
	e := fixture.StartWorld(t, jobs, host.Options{})
	h, err := e.Plugin.CheckHealth(testkit.Ctx(t, 30*time.Second), e.Settings("", nil))
	if err != nil {
		t.Fatal(err)
	}
	if h.Status != pluginv2.CheckHealthResponse_OK {
		t.Fatalf("health is %s (%q), want OK: one down job among four is a finding, not a broken datasource", h.Status, h.Message)
	}
	if !strings.Contains(h.Message, "crackerjack") || !strings.Contains(h.Message, "down") {
		t.Errorf("message %q does not name the down job crackerjack", h.Message)
	}
	if d := jobDetails(t, h)["crackerjack"]; d == nil || d["up"] != false || num(d["instancesDown"]) != 1 {
		t.Errorf("details for crackerjack = %v, want up false with 1 instance down", d)
	}
	f := finding(h, "crackerjack")
	if f == nil || f["severity"] != "warning" || f["problem"] == "" || !strings.Contains(fmt.Sprint(f["fix"]), "/metrics") {
		t.Errorf("finding about crackerjack = %v, want a warning with a problem and a fix naming /metrics; findings %v", f, h.Details["findings"])
	}
	for _, up := range []string{"mahavishnu", "akosha", "session-buddy"} {
		if finding(h, up) != nil {
			t.Errorf("a finding names %s, which is up and exports every family: %v", up, finding(h, up))
		}
	}
	if h.Details["status"] != "ok" || h.Details["message"] != h.Message {
		t.Errorf("details status %v message %q, want ok and the health message", h.Details["status"], h.Details["message"])
	}
	t.Logf("down job: %s", h.Message)
}

func TestHealthIsErrorWhenNoMCPMetricFamilyExists(t *testing.T) {
	e := fixture.StartWorld(t, []fixture.Job{{Name: "node", Families: []string{}}}, host.Options{})
	h, err := e.Plugin.CheckHealth(testkit.Ctx(t, 30*time.Second), e.Settings("", nil))
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
	if f := finding(h, "datasource"); f == nil || f["severity"] != "error" || f["fix"] == "" {
		t.Errorf("findings %v lack an error about the datasource with a fix", h.Details["findings"])
	}
	if d := jobDetails(t, h)["node"]; d == nil {
		t.Errorf("details.jobs lacks node: %s", h.Raw)
	} else if !families(d, "missing")[fixture.FamilyHTTPRequests] {
		t.Errorf("node's missing families %v lack %s", d["families"], fixture.FamilyHTTPRequests)
	}
	t.Logf("no MCP families: %s", h.Message)
}

// Every job's present and missing families, over every family of the seed profile.
func TestHealthListsPresentAndMissingFamiliesPerJob(t *testing.T) {
	jobs := append(fixture.BoundaryJobs(), fixture.Job{Name: "partial", Families: []string{fixture.FamilyHTTPRequests}})
	e := fixture.StartWorld(t, jobs, host.Options{})
	h, err := e.Plugin.CheckHealth(testkit.Ctx(t, 30*time.Second), e.Settings("", nil))
	if err != nil {
		t.Fatal(err)
	}
	if h.Status != pluginv2.CheckHealthResponse_OK {
		t.Fatalf("health %s: %s", h.Status, h.Message)
	}
	byJob := jobDetails(t, h)
	for _, job := range []string{"partial", "bounds", "akosha", "cpu-50"} {
		if byJob[job] == nil {
			t.Fatalf("details.jobs lacks %s: %s", job, h.Raw)
		}
	}
	present := func(job string) map[string]bool { return families(byJob[job], "present") }
	missing := func(job string) map[string]bool { return families(byJob[job], "missing") }
	if !present("partial")[fixture.FamilyHTTPRequests] {
		t.Errorf("partial: %s not present in %v", fixture.FamilyHTTPRequests, byJob["partial"]["families"])
	}
	for _, f := range []string{fixture.FamilyHTTPDuration, fixture.FamilyToolCalls} {
		if !missing("partial")[f] {
			t.Errorf("partial: %s not listed missing in %v", f, byJob["partial"]["families"])
		}
	}
	for _, f := range fixture.EveryFamily {
		// bounds has no embedding models, so no embeddings series.
		if f != fixture.FamilyEmbeddings && !present("bounds")[f] {
			t.Errorf("bounds exports %s; health lists present %v", f, byJob["bounds"]["families"])
		}
	}
	if !present("akosha")[fixture.FamilyEmbeddings] || !missing("bounds")[fixture.FamilyEmbeddings] {
		t.Errorf("embeddings: present for akosha %v, missing for bounds %v", byJob["akosha"]["families"], byJob["bounds"]["families"])
	}
	for _, f := range []string{fixture.FamilyCPUPercent, fixture.FamilyDiskPercent} {
		if !present("cpu-50")[f] {
			t.Errorf("cpu-50 exports %s; health lists present %v", f, byJob["cpu-50"]["families"])
		}
	}
	if !missing("cpu-50")[fixture.FamilyToolCalls] || !missing("cpu-50")[fixture.FamilyAgentTasks] {
		t.Errorf("cpu-50 lacks the tool and agent families; health lists missing %v", byJob["cpu-50"]["families"])
	}
}

// The config page's ecosystem check answers the object "Save & test" carries in its details.
func TestEcosystemCheckResourceAnswersTheHealthObject(t *testing.T) {
	jobs := append(fixture.DefaultJobs(), fixture.Job{Name: "crackerjack", Down: true})
	e := fixture.StartWorld(t, jobs, host.Options{})
	h, err := e.Plugin.CheckHealth(testkit.Ctx(t, 30*time.Second), e.Settings("", nil))
	if err != nil {
		t.Fatal(err)
	}
	code, body, err := e.Plugin.CallResource(testkit.Ctx(t, 30*time.Second), e.Settings("", nil), "GET", "ecosystemCheck", nil)
	if err != nil {
		t.Fatal(err)
	}
	if code != 200 {
		t.Fatalf("GET ecosystemCheck: HTTP %d %s", code, body)
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("ecosystemCheck is not a JSON object: %s", body)
	}
	// The exemplar count moves with the clock; everything else is the same object.
	for _, key := range []string{"status", "engine", "profile", "jobs", "findings"} {
		if !reflect.DeepEqual(got[key], h.Details[key]) {
			t.Errorf("ecosystemCheck.%s = %v, health details.%s = %v", key, got[key], key, h.Details[key])
		}
	}
	if got["status"] != "ok" || !strings.Contains(fmt.Sprint(got["message"]), "crackerjack") {
		t.Errorf("ecosystemCheck status %v message %v, want ok naming crackerjack", got["status"], got["message"])
	}
	if ex, _ := got["exemplars"].(map[string]any); ex == nil || ex["ok"] != true {
		t.Errorf("ecosystemCheck.exemplars = %v, want ok", got["exemplars"])
	}
}

// finding is the first finding about subject, or nil.
func finding(h *host.Health, subject string) map[string]any {
	list, _ := h.Details["findings"].([]any)
	for _, item := range list {
		if m, _ := item.(map[string]any); m != nil && m["subject"] == subject {
			return m
		}
	}
	return nil
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
