// Package resources_test proves the plugin's resources, what the query editor and the
// config page call: the lists of services and label values scoped by services, the PromQL
// preview that is exactly what a query runs, and the description of every query type.
//
// One Prometheus backfilled with fixture.BoundaryJobs and one plugin serve the package.
package resources_test

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/standalone"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

// world is what TestMain starts for the whole package.
var world *fixture.World

func TestMain(m *testing.M) {
	standalone.Main(m, "resources-test", func(tb *standalone.TB) {
		world = fixture.StartWorld(tb, fixture.BoundaryJobs(), host.Options{})
	})
}

// seed is the default datasource: seed profile, no overrides.
func seed() host.Settings { return world.Settings("resources-seed", nil) }

func resource(t *testing.T, s host.Settings, path string) []string {
	t.Helper()
	code, body, err := world.Plugin.CallResource(testkit.Ctx(t, 30*time.Second), s, "GET", path, nil)
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
	for _, j := range world.DS.Jobs {
		if (len(jobs) == 0 || in[j.Name]) && j.Exports(family) && j.Rename[family] == "" {
			out = append(out, pick(j)...)
		}
	}
	return testkit.SortedUnique(out)
}

func TestResourcesListEditorValuesScopedByServices(t *testing.T) {
	from, to := world.DS.Now.Add(-time.Hour), world.DS.Now
	rng := "from=" + testkit.Millis(from) + "&to=" + testkit.Millis(to)
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
		want := world.DS.JobNames(func(j fixture.Job) bool {
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
	t.Run("a label outside the editor's lists is refused, naming it", func(t *testing.T) {
		code, body, err := world.Plugin.CallResource(testkit.Ctx(t, 30*time.Second), seed(), "GET", "values/__name__?"+rng, nil)
		if err != nil {
			t.Fatal(err)
		}
		var msg struct {
			Error string `json:"error"`
		}
		if code != 400 || json.Unmarshal(body, &msg) != nil || !strings.Contains(msg.Error, "__name__") {
			t.Errorf("unknown label: HTTP %d %s, want 400 with an error naming __name__", code, body)
		}
	})
	t.Run("tools follow metricOverrides", func(t *testing.T) {
		over := world.Settings("overrides", map[string]any{"metricOverrides": map[string]any{"toolCalls": "acme_tool_calls_total"}})
		if got := resource(t, over, "tools?"+rng); !reflect.DeepEqual(got, []string{"acme_tool"}) {
			t.Errorf("tools with toolCalls overridden = %v, want [acme_tool]", got)
		}
	})
}
