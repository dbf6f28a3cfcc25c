package domain_test

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/host"
)

func resource(t *testing.T, s host.Settings, path string) []string {
	t.Helper()
	code, body, err := world.plugin.CallResource(ctxT(t, 30*time.Second), s, "GET", path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if code != 200 {
		t.Fatalf("GET %s: HTTP %d %s", path, code, body)
	}
	var out []string
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("GET %s: not a JSON array of strings: %s", path, body)
	}
	return out
}

// values is what the dataset holds for a list: label values of the jobs (within `jobs`
// when given) that export the family.
func values(family string, pick func(fixture.Job) []string, jobs ...string) []string {
	in := map[string]bool{}
	for _, j := range jobs {
		in[j] = true
	}
	var out []string
	for _, j := range world.ds.Jobs {
		if (len(jobs) == 0 || in[j.Name]) && j.Exports(family) && j.Rename[family] == "" {
			out = append(out, pick(j)...)
		}
	}
	return sortedUnique(out)
}

func TestResourcesListEditorValuesScopedByServices(t *testing.T) {
	from, to := window()
	rng := "from=" + strconv.FormatInt(from.UnixMilli(), 10) + "&to=" + strconv.FormatInt(to.UnixMilli(), 10)
	lists := []struct {
		name, label, family string
		pick                func(fixture.Job) []string
	}{
		{"tools", "tool_name", fixture.FamilyToolCalls, func(j fixture.Job) []string { return j.Tools }},
		{"pools", "pool_type", fixture.FamilyPoolWorkers, func(j fixture.Job) []string { return j.Pools }},
		{"agentTypes", "agent_type", fixture.FamilyAgentTasks, func(j fixture.Job) []string { return j.AgentTypes }},
		{"adapters", "adapter", fixture.FamilyWorkflows, func(j fixture.Job) []string { return j.Adapters }},
		{"cacheLayers", "cache_layer", fixture.FamilyCacheHits, func(j fixture.Job) []string { return j.CacheLayers }},
		// The operations filter applies to sessions and otlpOperations alike.
		{"operations", "operation", fixture.FamilySessionOperations, func(j fixture.Job) []string {
			return append(append([]string{}, j.Operations...), j.OTLPOperations...)
		}},
	}
	for _, l := range lists {
		t.Run(l.name, func(t *testing.T) {
			all := values(l.family, l.pick)
			if got := resource(t, seed(), l.name+"?"+rng); !reflect.DeepEqual(got, all) {
				t.Errorf("%s = %v, want %v", l.name, got, all)
			}
			if got := resource(t, seed(), "values/"+l.label+"?"+rng); !reflect.DeepEqual(got, all) {
				t.Errorf("values/%s = %v, want %v", l.label, got, all)
			}
			for _, jobs := range [][]string{{"bounds"}, {"mahavishnu", "akosha"}} {
				want := values(l.family, l.pick, jobs...)
				got := resource(t, seed(), l.name+"?"+rng+"&services="+url.QueryEscape(strings.Join(jobs, ",")))
				if len(want) == 0 {
					want = []string{}
				}
				if got == nil {
					got = []string{}
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s within %v = %v, want %v", l.name, jobs, got, want)
				}
			}
		})
	}
	t.Run("services", func(t *testing.T) {
		got := resource(t, seed(), "services?"+rng)
		want := world.ds.JobNames(func(j fixture.Job) bool {
			for _, f := range fixture.EveryFamily {
				if j.Exports(f) && j.Rename[f] == "" {
					return true
				}
			}
			return false
		})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("services = %v, want %v (every job exporting an MCP family of the seed profile)", got, want)
		}
	})
	t.Run("tools follow metricOverrides", func(t *testing.T) {
		over := settings("domain-overrides", map[string]any{"metricOverrides": map[string]any{"toolCalls": "acme_tool_calls_total"}})
		if got := resource(t, over, "tools?"+rng); !reflect.DeepEqual(got, []string{"acme_tool"}) {
			t.Errorf("tools with toolCalls overridden = %v, want [acme_tool]", got)
		}
	})
}

func TestHealthListsTheFamiliesOfTheActiveProfile(t *testing.T) {
	h, err := world.plugin.CheckHealth(ctxT(t, 30*time.Second), seed())
	if err != nil {
		t.Fatal(err)
	}
	if h.Status != pluginv2.CheckHealthResponse_OK {
		t.Fatalf("health %s: %s", h.Status, h.Message)
	}
	jobs, _ := h.Details["jobs"].([]any)
	byJob := map[string]map[string]bool{}
	missing := map[string]map[string]bool{}
	for _, j := range jobs {
		m, _ := j.(map[string]any)
		name, _ := m["job"].(string)
		fams, _ := m["families"].(map[string]any)
		byJob[name], missing[name] = map[string]bool{}, map[string]bool{}
		for _, f := range asStrings(fams["present"]) {
			byJob[name][strings.TrimSuffix(f, "_count")] = true
		}
		for _, f := range asStrings(fams["missing"]) {
			missing[name][strings.TrimSuffix(f, "_count")] = true
		}
	}
	for _, f := range fixture.EveryFamily {
		// bounds has no embedding models, so no embeddings series.
		if f != fixture.FamilyEmbeddings && !byJob["bounds"][f] {
			t.Errorf("bounds exports %s; health lists present %v", f, byJob["bounds"])
		}
	}
	if !byJob["akosha"][fixture.FamilyEmbeddings] || !missing["bounds"][fixture.FamilyEmbeddings] {
		t.Errorf("embeddings: present for akosha %v, missing for bounds %v", byJob["akosha"], missing["bounds"])
	}
	for _, f := range []string{fixture.FamilyCPUPercent, fixture.FamilyDiskPercent} {
		if !byJob["cpu-50"][f] {
			t.Errorf("cpu-50 exports %s; health lists present %v", f, byJob["cpu-50"])
		}
	}
	if !missing["cpu-50"][fixture.FamilyToolCalls] || !missing["cpu-50"][fixture.FamilyAgentTasks] {
		t.Errorf("cpu-50 lacks the tool and agent families; health lists missing %v", missing["cpu-50"])
	}
}

func asStrings(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
