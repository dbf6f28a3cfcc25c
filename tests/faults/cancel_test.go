package faults_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/faults"
	"github.com/mahavishnu/mcp-grafana/tests/host"
)

// cancelBound is how soon after Grafana cancels a query its upstream socket must close.
const cancelBound = 100 * time.Millisecond

func TestACancelledQueryClosesItsUpstreamConnectionWithin100ms(t *testing.T) {
	p := host.Start(t, host.Options{})
	up := faults.Watch(t)
	s := host.Settings{URL: up.URL, UID: "watched"}
	to := time.Unix(1700000100, 0)
	q := host.Query{RefID: "A", QueryType: "requestRate", From: to.Add(-time.Hour), To: to, IntervalMS: 15000, MaxDataPoints: 500}

	var worst time.Duration
	for round := 0; round < 5; round++ {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := p.QueryData(ctx, s, nil, q)
			done <- err
		}()
		select {
		case <-up.Arrived:
		case <-time.After(10 * time.Second):
			cancel()
			t.Fatal("the query never reached the upstream")
		}
		cancelled := time.Now()
		cancel()
		select {
		case closedAt := <-up.Closed:
			d := closedAt.Sub(cancelled)
			if d > worst {
				worst = d
			}
			if d > cancelBound {
				t.Errorf("round %d: upstream connection closed %s after the cancel, bound %s", round, d, cancelBound)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("round %d: the upstream connection is still open 5 s after Grafana cancelled the query", round)
		}
		if err := <-done; !errors.Is(err, context.Canceled) && !strings.Contains(err.Error(), "Canceled") {
			t.Errorf("round %d: QueryData returned %v, want the cancellation", round, err)
		}
	}
	t.Logf("5 cancelled queries: the slowest upstream close came %s after the cancel (bound %s)", worst, cancelBound)
	if !p.Alive() {
		t.Fatal("the plugin died")
	}
}
