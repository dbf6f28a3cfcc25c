package querytypes_test

import (
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

const injection = `"}) or vector(1) or (up{job="`

func TestFilterValuesCannotInjectPromQL(t *testing.T) {
	from, to := world.DS.Now.Add(-time.Hour), world.DS.Now
	cases := []struct {
		name     string
		services []string
		want     map[string]bool // jobs allowed in the answer
	}{
		{"injection alone returns nothing", []string{injection}, map[string]bool{}},
		{"injection beside a real job returns only that job", []string{injection, "mahavishnu"}, map[string]bool{"mahavishnu": true}},
		{"regex metacharacters are literal", []string{"maha.*", ".+"}, map[string]bool{}},
		{"backslashes and newlines are literal", []string{`mahavishnu\`, "mahavishnu\n", `\"`}, map[string]bool{}},
	}
	for _, qt := range []string{"requestRate", "errorRate", "requestLatency"} {
		for _, c := range cases {
			t.Run(qt+"/"+c.name, func(t *testing.T) {
				q := host.Query{RefID: "A", QueryType: qt, From: from, To: to, IntervalMS: 15000, MaxDataPoints: 1000,
					JSON: map[string]any{"services": c.services}}
				res, err := world.Plugin.QueryData(testkit.Ctx(t, 60*time.Second), seed(), nil, q)
				if err != nil {
					t.Fatal(err)
				}
				r := res["A"]
				if r.Error != "" {
					t.Fatalf("filter values are data, not syntax: the query must run, got error %q", r.Error)
				}
				ss := readSeries(t, r.Frames)
				for _, s := range ss {
					if !c.want[s.Labels["job"]] {
						t.Errorf("injected or unrequested series %s (executed %q)", s.Key(), testkit.Executed(s.Frame))
					}
				}
				if len(c.want) > 0 && len(ss) == 0 {
					t.Errorf("no series for %v", c.services)
				}
			})
		}
	}
}
