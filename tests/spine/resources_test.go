package spine

import (
	"encoding/json"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
)

func TestServicesResourceListsOnlyJobsExportingMCPFamilies(t *testing.T) {
	jobs := append(fixture.DefaultJobs(), fixture.Job{Name: "node", Families: []string{}})
	e := newEnv(t, jobs)
	from, to := e.ds.Now.Add(-time.Hour), e.ds.Now
	got := resourceList(t, e, "services?from="+ms(from)+"&to="+ms(to))
	want := []string{"akosha", "mahavishnu", "session-buddy"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("services = %v, want %v (node exports no MCP family)", got, want)
	}
}

func TestValuesResourceListsLabelValuesWithinServices(t *testing.T) {
	e := newEnv(t, nil)
	from, to := e.ds.Now.Add(-time.Hour), e.ds.Now
	rng := "from=" + ms(from) + "&to=" + ms(to)

	var all []string
	for _, j := range e.ds.Jobs {
		all = append(all, j.Tools...)
	}
	sort.Strings(all)
	if got := resourceList(t, e, "values/tool_name?"+rng); !reflect.DeepEqual(got, all) {
		t.Errorf("tool_name values = %v, want %v", got, all)
	}
	want := append([]string{}, e.ds.Jobs[0].Tools...)
	sort.Strings(want)
	if got := resourceList(t, e, "values/tool_name?"+rng+"&services="+url.QueryEscape(e.ds.Jobs[0].Name)); !reflect.DeepEqual(got, want) {
		t.Errorf("tool_name values within %s = %v, want %v", e.ds.Jobs[0].Name, got, want)
	}
	if got := resourceList(t, e, "values/pool_type?"+rng); !reflect.DeepEqual(got, []string{"local", "mcp"}) {
		t.Errorf("pool_type values = %v, want [local mcp]", got)
	}

	code, body, err := e.plugin.CallResource(ctxT(t, 30*time.Second), e.settings(), "GET", "values/__name__?"+rng, nil)
	if err != nil {
		t.Fatal(err)
	}
	var msg struct {
		Error string `json:"error"`
	}
	if code != 400 || json.Unmarshal(body, &msg) != nil || !strings.Contains(msg.Error, "__name__") {
		t.Errorf("unknown label: HTTP %d %s, want 400 with an error naming __name__", code, body)
	}
}

func resourceList(t *testing.T, e *env, path string) []string {
	t.Helper()
	code, body, err := e.plugin.CallResource(ctxT(t, 30*time.Second), e.settings(), "GET", path, nil)
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
