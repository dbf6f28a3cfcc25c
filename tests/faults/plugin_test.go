// The plugin against every fault: each fails only its own queries, with a clear error and
// the status Grafana shows, while the process stays up and its memory bounded.
package faults_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/faults"
	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

// faultRSSBound is the resident memory the plugin stays under after every fault below,
// the 8 MiB oversize answers included (their limit is 1 MiB).
const faultRSSBound = 96 << 20

// faultBound is how long a query against a faulty upstream may take to fail: the 1 s
// timeouts and 5 s stalls below included, on a busy machine.
const faultBound = 20 * time.Second

type faultCase struct {
	name     string
	url      string
	jsonData map[string]any
	// want are substrings every refId's error must hold (case-insensitive); empty
	// means the queries succeed.
	want []string
	// status is the DataResponse status of a failed query.
	status int32
	// notice must appear in the frames' notices of a successful query.
	notice string
}

func faultCases(t *testing.T) []faultCase {
	oneSecond := map[string]any{"timeout": 1}
	return []faultCase{
		{name: "connection refused", url: faults.ClosedPort(t), want: []string{"could not connect to http://127.0.0.1:", "refused"}, status: 502},
		{name: "unresolvable host", url: "http://mcp-prometheus.invalid:9090", want: []string{"could not connect to http://mcp-prometheus.invalid:9090"}, status: 502},
		{name: "TLS handshake failure", url: faults.UntrustedTLS(t).URL, want: []string{"could not connect to https://127.0.0.1:", "certificate"}, status: 502},
		{name: "timeout", url: faults.Hang(t).URL, jsonData: oneSecond, want: []string{"did not answer within 1 s", "setting timeout"}, status: 504},
		{name: "slow headers", url: faults.SlowHeaders(t, 5*time.Second).URL, jsonData: oneSecond, want: []string{"did not answer within 1 s"}, status: 504},
		{name: "slow body", url: faults.SlowBody(t, 5*time.Second).URL, jsonData: oneSecond, want: []string{"did not answer within 1 s"}, status: 504},
		{name: "5xx HTML", url: faults.HTML5xx(t, 502).URL, want: []string{"answered HTTP 502", "Bad Gateway"}, status: 502},
		{name: "Prometheus bad_data", url: faults.PromError(t, 400, "bad_data", "invalid parameter \"query\": 1:1: parse error").URL, want: []string{"Prometheus rejected the query (bad_data)", "parse error"}, status: 400},
		{name: "Prometheus execution", url: faults.PromError(t, 422, "execution", "query processing would load too many samples into memory").URL, want: []string{"(execution)", "too many samples"}, status: 400},
		{name: "malformed JSON", url: faults.MalformedJSON(t).URL, want: []string{"not Prometheus API JSON"}, status: 502},
		{name: "truncated body", url: faults.TruncatedBody(t).URL, want: []string{"broke while reading the answer"}, status: 502},
		{name: "oversize body", url: faults.Oversize(t, 8<<20).URL, jsonData: map[string]any{"maxResponseBytes": 1 << 20}, want: []string{"larger than 1048576 bytes", "maxResponseBytes"}, status: 502},
		{name: "connection reset mid-body", url: faults.ResetMidBody(t).URL, want: []string{"broke while reading the answer", "reset"}, status: 502},
		{name: "wrong content type", url: faults.WrongContentType(t).URL, want: []string{"content type text/html", "not JSON"}, status: 502},
		{name: "redirect loop", url: faults.RedirectLoop(t).URL, want: []string{"too many redirects"}, status: 502},
		{name: "Prometheus warnings", url: faults.Warnings(t, "PromQL warning: encountered a mix of histograms and floats").URL, notice: "mix of histograms and floats"},
	}
}

func faultQueries() []host.Query {
	to := time.Unix(1700000100, 0)
	from := to.Add(-time.Hour)
	return []host.Query{
		{RefID: "rate", QueryType: "requestRate", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 500},
		{RefID: "raw", QueryType: "promql", From: from, To: to, IntervalMS: 15000, MaxDataPoints: 500, JSON: map[string]any{"expr": "up"}},
	}
}

// checkFault runs both queries against one faulty upstream and checks each refId's answer.
func checkFault(t *testing.T, p *host.Plugin, c faultCase, uid string) {
	t.Helper()
	s := host.Settings{URL: c.url, UID: uid, JSONData: c.jsonData}
	started := time.Now()
	res, err := p.QueryData(testkit.Ctx(t, 30*time.Second), s, nil, faultQueries()...)
	if err != nil {
		t.Fatalf("%s: the whole request failed instead of its queries: %v", c.name, err)
	}
	elapsed := time.Since(started)
	if elapsed > faultBound {
		t.Errorf("%s: answered after %s, bound %s", c.name, elapsed, faultBound)
	}
	for _, q := range faultQueries() {
		r, ok := res[q.RefID]
		if !ok {
			t.Errorf("%s: refId %s has no answer", c.name, q.RefID)
			continue
		}
		if len(c.want) == 0 {
			if r.Error != "" {
				t.Errorf("%s: refId %s failed: %s", c.name, q.RefID, r.Error)
				continue
			}
			found := false
			for _, f := range r.Frames {
				if f.Meta == nil {
					continue
				}
				for _, n := range f.Meta.Notices {
					if strings.Contains(n.Text, c.notice) {
						found = true
					}
				}
			}
			if !found || len(r.Frames) == 0 {
				t.Errorf("%s: refId %s: no notice holding %q in %d frames", c.name, q.RefID, c.notice, len(r.Frames))
			}
			continue
		}
		if len(r.Frames) != 0 {
			t.Errorf("%s: refId %s has frames beside its error", c.name, q.RefID)
		}
		if r.Status != c.status {
			t.Errorf("%s: refId %s status %d, want %d (%s)", c.name, q.RefID, r.Status, c.status, r.Error)
		}
		for _, w := range c.want {
			if !strings.Contains(strings.ToLower(r.Error), strings.ToLower(w)) {
				t.Errorf("%s: refId %s error %q lacks %q", c.name, q.RefID, r.Error, w)
			}
		}
		if strings.Contains(r.Error, "<html") || strings.Contains(r.Error, "</") {
			t.Errorf("%s: refId %s error carries markup: %q", c.name, q.RefID, r.Error)
		}
	}
	t.Logf("%-22s %6d ms  %s", c.name, elapsed.Milliseconds(), res["rate"].Error)
}

func TestEveryUpstreamFaultFailsOnlyItsQueriesWithAClearError(t *testing.T) {
	p := host.Start(t, host.Options{})
	cases := faultCases(t)
	before := testkit.RSS(t, p.PID())

	// fire sends every fault `rounds` times at once and waits for all of them.
	fire := func(rounds int) {
		var wg sync.WaitGroup
		for round := 0; round < rounds; round++ {
			for i, c := range cases {
				wg.Add(1)
				go func() {
					defer wg.Done()
					checkFault(t, p, c, "fault-"+string(rune('a'+i)))
				}()
			}
		}
		wg.Wait()
	}

	// Each fault once first, so that each error is seen for what it is.
	fire(1)
	if !p.Alive() {
		t.Fatalf("the plugin died\nstderr:\n%s", p.Stderr())
	}

	// Then every fault four times at once: the process stays up and its memory bounded.
	fire(4)
	if !p.Alive() {
		t.Fatalf("the plugin died under concurrent faults\nstderr:\n%s", p.Stderr())
	}
	after := testkit.RSS(t, p.PID())
	t.Logf("RSS before %s, after %d fault queries %s (bound %s)", testkit.MiB(before), len(cases)*2*5, testkit.MiB(after), testkit.MiB(faultRSSBound))
	if after > faultRSSBound {
		t.Errorf("RSS %s after the faults, over the bound %s", testkit.MiB(after), testkit.MiB(faultRSSBound))
	}
	if strings.Contains(p.Stderr(), "panic") {
		t.Errorf("the plugin logged a panic:\n%s", p.Stderr())
	}
	// And it still answers a working upstream.
	res, err := p.QueryData(testkit.Ctx(t, 30*time.Second), host.Settings{URL: faults.Matrix(t).URL, UID: "working"}, nil, faultQueries()...)
	if err != nil {
		t.Fatalf("after the faults the plugin no longer answers: %v", err)
	}
	for _, q := range faultQueries() {
		if r := res[q.RefID]; r.Error != "" || len(r.Frames) == 0 {
			t.Errorf("after the faults, refId %s against a working upstream: error %q, %d frames", q.RefID, r.Error, len(r.Frames))
		}
	}
}
