package process_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/faults"
	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

func TestThePluginsOwnMetricsReadBackThroughCollectMetrics(t *testing.T) {
	p := host.Start(t, host.Options{})
	okURL, bodyLen := faults.Matrix(t).URL, len(faults.OKBody)
	hang := faults.Hang(t)
	watched := faults.Watch(t)
	to := time.Unix(1700000100, 0)
	q := func(refID, typ string) host.Query {
		return host.Query{RefID: refID, QueryType: typ, From: to.Add(-time.Hour), To: to, IntervalMS: 15000, MaxDataPoints: 500, JSON: map[string]any{"expr": "up"}}
	}
	run := func(s host.Settings, qs ...host.Query) map[string]host.Response {
		t.Helper()
		res, err := p.QueryData(testkit.Ctx(t, 30*time.Second), s, nil, qs...)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	ok := host.Settings{URL: okURL, UID: "ok"}
	res := run(ok, q("A", "requestRate"), q("B", "requestRate"), q("C", "requestRate"))
	for ref, r := range res {
		if r.Error != "" {
			t.Fatalf("refId %s: %s", ref, r.Error)
		}
	}
	bad := q("D", "requestRate")
	bad.RawJSON = []byte(`{"services": "not a list"`)
	bad2 := bad
	bad2.RefID = "E"
	run(ok, bad, bad2)
	run(host.Settings{URL: faults.ClosedPort(t), UID: "down"}, q("F", "promql"))
	run(host.Settings{URL: hang.URL, UID: "hang", JSONData: map[string]any{"timeout": 1}}, q("G", "errorRate"))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = p.QueryData(ctx, host.Settings{URL: watched.URL, UID: "watched"}, nil, q("H", "cache"))
	}()
	select {
	case <-watched.Arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the query to be cancelled never reached its upstream")
	}
	cancel()
	<-done

	var text []byte
	var got map[string]float64
	cancelled := testkit.SampleKey("mcp_plugin_queries_total", "query_type", "cache", "outcome", "cancelled")
	inFlight := testkit.SampleKey("mcp_plugin_queries_in_flight")
	// One read of the metrics takes the in-flight gauge and the counters at different
	// instants: it can show the query counted and still in flight. Wait for both.
	testkit.WaitFor(t, 5*time.Second, "the cancelled query being counted and out of flight", func() (bool, string) {
		var err error
		text, err = p.CollectMetrics(testkit.Ctx(t, 10*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		got = testkit.Samples(t, text)
		return got[cancelled] == 1 && got[inFlight] == 0, fmt.Sprintf("%s = %v, %s = %v", cancelled, got[cancelled], inFlight, got[inFlight])
	})

	// Prometheus's own parser and linter accept the text.
	check := exec.Command(fixture.PromtoolBinary, "check", "metrics")
	check.Stdin = bytes.NewReader(text)
	if out, err := check.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s\n%s", err, out, text)
	}

	want := map[string]float64{
		testkit.SampleKey("mcp_plugin_queries_total", "query_type", "requestRate", "outcome", "ok"):        3,
		testkit.SampleKey("mcp_plugin_queries_total", "query_type", "requestRate", "outcome", "bad_query"): 2,
		testkit.SampleKey("mcp_plugin_queries_total", "query_type", "promql", "outcome", "upstream_error"): 1,
		testkit.SampleKey("mcp_plugin_queries_total", "query_type", "errorRate", "outcome", "timeout"):     1,
		cancelled: 1,
		testkit.SampleKey("mcp_plugin_query_duration_seconds_count", "query_type", "requestRate"): 5,
		inFlight: 0,
		testkit.SampleKey("mcp_plugin_queries_queued"): 0,
		testkit.SampleKey("mcp_plugin_upstream_request_duration_seconds_count", "endpoint", "query_range", "outcome", "ok"):    3,
		testkit.SampleKey("mcp_plugin_upstream_request_duration_seconds_count", "endpoint", "query_range", "outcome", "error"): 2,
		testkit.SampleKey("mcp_plugin_upstream_response_bytes_total", "endpoint", "query_range"):                               float64(3 * bodyLen),
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	// The hung upstream held its query for the whole 1 s timeout.
	slow := testkit.SampleKey("mcp_plugin_upstream_request_duration_seconds_bucket", "endpoint", "query_range", "outcome", "error", "le", "0.5")
	if got[slow] != 1 {
		t.Errorf("%s = %v, want 1: only the refused connection is faster than 0.5 s", slow, got[slow])
	}
	rss := got[testkit.SampleKey("mcp_plugin_process_resident_memory_bytes")]
	real := float64(testkit.RSS(t, p.PID()))
	if rss < real/2 || rss > real*2 {
		t.Errorf("reported RSS %.0f, /proc says %.0f", rss, real)
	}
	if testing.Verbose() {
		_, _ = os.Stdout.Write(text)
	}
}
