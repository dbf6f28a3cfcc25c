package spine

import (
	"context"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"

	"github.com/mahavishnu/mcp-grafana/tests/faults"
	"github.com/mahavishnu/mcp-grafana/tests/host"
)

func TestUpstreamFailuresGiveAClearErrorPerRefIDAndTheProcessStaysUp(t *testing.T) {
	e := newEnv(t, nil)
	from, to := e.ds.Now.Add(-time.Hour), e.ds.Now

	refused := faults.ClosedPort(t)
	refusedHost := mustHost(t, refused)
	cases := []struct {
		name     string
		url      string
		jsonData map[string]any
		want     *regexp.Regexp
		within   time.Duration
	}{
		{"connection refused", refused, nil, regexp.MustCompile(`(?i)refused.*` + regexp.QuoteMeta(refusedHost) + `|` + regexp.QuoteMeta(refusedHost) + `.*refused`), 20 * time.Second},
		{"timeout", faults.Hang(t).URL, map[string]any{"timeout": 1}, regexp.MustCompile(`(?i)time(d)?[ -]?out`), 15 * time.Second},
		{"5xx with an HTML page", faults.HTML5xx(t, 502).URL, nil, regexp.MustCompile(`502`), 20 * time.Second},
		{"malformed JSON", faults.MalformedJSON(t).URL, nil, regexp.MustCompile(`(?i)json|malformed|decode|pars`), 20 * time.Second},
		{"oversize body", faults.Oversize(t, 1<<20).URL, map[string]any{"maxResponseBytes": 4096}, regexp.MustCompile(`maxResponseBytes.*4096|4096.*maxResponseBytes`), 20 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := host.Settings{URL: c.url, JSONData: c.jsonData, UID: "fault-" + c.name}
			qs := []host.Query{
				{RefID: "A", QueryType: "requestRate", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 500},
				{RefID: "B", QueryType: "promql", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 500, JSON: map[string]any{"expr": "up"}},
			}
			start := time.Now()
			res, err := e.plugin.QueryData(ctxT(t, c.within+10*time.Second), s, nil, qs...)
			if err != nil {
				t.Fatalf("the whole call failed instead of per-refId errors: %v", err)
			}
			if took := time.Since(start); took > c.within {
				t.Errorf("took %s, want under %s", took, c.within)
			}
			for _, q := range qs {
				r := res[q.RefID]
				if r.Error == "" {
					t.Errorf("refId %s: no error", q.RefID)
					continue
				}
				if !c.want.MatchString(r.Error) {
					t.Errorf("refId %s: error %q does not match %s", q.RefID, r.Error, c.want)
				}
				if regexp.MustCompile(`(?i)<html|<body|<h1>`).MatchString(r.Error) {
					t.Errorf("refId %s: error dumps the HTML page: %q", q.RefID, r.Error)
				}
				t.Logf("%s: %s", q.RefID, r.Error)
			}
			assertStillServes(t, e)
		})
	}
}

func TestACancelledQueryStopsItsUpstreamRequest(t *testing.T) {
	e := newEnv(t, nil)
	hang := faults.Hang(t)
	s := host.Settings{URL: hang.URL, UID: "hang"}
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	_, _ = e.plugin.QueryData(ctx, s, nil, host.Query{RefID: "A", QueryType: "requestRate", From: e.ds.Now.Add(-time.Hour), To: e.ds.Now, IntervalMS: 15000, MaxDataPoints: 500})
	deadline := time.Now().Add(10 * time.Second)
	for hang.Cancelled() < hang.Requests() || hang.Requests() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("after Grafana cancelled, %d of %d upstream requests are still open", hang.Requests()-hang.Cancelled(), hang.Requests())
		}
		time.Sleep(20 * time.Millisecond)
	}
	assertStillServes(t, e)
}

// assertStillServes checks the same process still answers a healthy datasource.
func assertStillServes(t *testing.T, e *env) {
	t.Helper()
	if !e.plugin.Alive() {
		t.Fatal("the plugin process is gone")
	}
	h, err := e.plugin.CheckHealth(ctxT(t, 30*time.Second), e.settings())
	if err != nil {
		t.Fatalf("the plugin no longer answers: %v", err)
	}
	if h.Status != pluginv2.CheckHealthResponse_OK {
		t.Errorf("health of the good datasource after a fault is %s: %s", h.Status, h.Message)
	}
}

func mustHost(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}
