package spine

import (
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/host"
)

const injection = `"}) or vector(1) or (up{job="`

func TestFilterValuesCannotInjectPromQL(t *testing.T) {
	e := newEnv(t, nil)
	from, to := e.ds.Now.Add(-time.Hour), e.ds.Now
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
				res, err := e.plugin.QueryData(ctxT(t, 60*time.Second), e.settings(), nil, q)
				if err != nil {
					t.Fatal(err)
				}
				r := res["A"]
				if r.Error != "" {
					t.Fatalf("filter values are data, not syntax: the query must run, got error %q", r.Error)
				}
				ss := nonEmpty(timeseries(t, "A", r.Frames))
				for _, s := range ss {
					if !c.want[s.labels["job"]] {
						t.Errorf("injected or unrequested series %s (executed %q)", s.key(), executed(s.frame))
					}
				}
				if len(c.want) > 0 && len(ss) == 0 {
					t.Errorf("no series for %v", c.services)
				}
			})
		}
	}
}

func TestAnEmptyResultIsOneFrameWithTimeAndValueNoRowsAndANotice(t *testing.T) {
	e := newEnv(t, nil)
	from, to := e.ds.Now.Add(-time.Hour), e.ds.Now
	for _, qt := range []string{"requestRate", "errorRate", "requestLatency", "promql"} {
		t.Run(qt, func(t *testing.T) {
			q := host.Query{RefID: "A", QueryType: qt, From: from, To: to, IntervalMS: 15000, MaxDataPoints: 1000,
				JSON: map[string]any{"services": []string{"no-such-job"}, "expr": `up{job="no-such-job"}`}}
			res, err := e.plugin.QueryData(ctxT(t, 60*time.Second), e.settings(), nil, q)
			if err != nil {
				t.Fatal(err)
			}
			if res["A"].Error != "" {
				t.Fatalf("an empty answer is not an error: %s", res["A"].Error)
			}
			all := timeseries(t, "A", res["A"].Frames)
			if len(all) != 1 || len(all[0].frame.Fields) != 2 || len(all[0].times) != 0 || all[0].frame.Meta == nil || len(all[0].frame.Meta.Notices) == 0 {
				t.Errorf("want one frame with Time and Value, no rows and a notice; got %s", describe(all))
			}
		})
	}
}
