package testkit

import (
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

func TestCloseEnoughIsRelativeAndNaNEqualsOnlyNaN(t *testing.T) {
	for _, c := range []struct {
		a, b float64
		want bool
	}{
		{1e9, 1e9 + 0.5, true}, {1, 1.0000001, false}, {0, 1e-13, true}, {0, 1e-11, false},
		{math.NaN(), math.NaN(), true}, {math.NaN(), 0, false},
		{math.Inf(1), math.Inf(1), true}, {math.Inf(1), math.MaxFloat64, false},
	} {
		if got := CloseEnough(c.a, c.b); got != c.want {
			t.Errorf("CloseEnough(%g, %g) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestAlignDownAndPromDuration(t *testing.T) {
	at := time.UnixMilli(1_700_000_007_250)
	if got := AlignDown(at, 15*time.Second); got.UnixMilli() != 1_699_999_995_000 {
		t.Errorf("AlignDown = %d", got.UnixMilli())
	}
	if got := PromDuration(75 * time.Second); got != "75000ms" {
		t.Errorf("PromDuration = %s", got)
	}
}

func TestLabelsKeyAndSampleKeyAreOrderFree(t *testing.T) {
	if got := LabelsKey(map[string]string{"job": "a", "instance": `x"y`}); got != `{instance="x\"y", job="a"}` {
		t.Errorf("LabelsKey = %s", got)
	}
	text := []byte("# HELP x y\nq_total{outcome=\"ok\",query_type=\"cache\"} 3\nup 1\n")
	s := Samples(t, text)
	if s[SampleKey("q_total", "query_type", "cache", "outcome", "ok")] != 3 || s[SampleKey("up")] != 1 {
		t.Errorf("Samples = %v", s)
	}
}

func TestReadTableKeysRowsByTheirStringColumns(t *testing.T) {
	one, two := 1.0, 2.0
	f := data.NewFrame("toolHealth",
		data.NewField("job", nil, []string{"a", "b"}),
		data.NewField("tool_name", nil, []string{"x", "y"}),
		data.NewField("calls/s", nil, []*float64{&one, nil}),
		data.NewField("p95", nil, []*float64{&two, &one}),
		data.NewField("status", nil, []string{"ok", "warn"}),
		data.NewField("reasons", nil, []string{"", "slow"}),
	).SetMeta(&data.FrameMeta{Type: data.FrameTypeTable})
	tb := ReadTable(t, f)
	if len(tb.Keys) != 2 || tb.Keys[1] != "tool_name" {
		t.Fatalf("keys %v", tb.Keys)
	}
	r := tb.Row(t, "b/y")
	if r.Status != "warn" || r.Reasons != "slow" || r.Values["calls/s"] != nil || *r.Values["p95"] != 1 {
		t.Errorf("row b/y = %s", r)
	}
}

func TestRepoRootHoldsTheWorkspaceAndTheTests(t *testing.T) {
	root := Root(t)
	for _, p := range []string{"Cargo.toml", filepath.Join("tests", "go.mod")} {
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestPollStopsAtTheDeadlineWithTheLastObservation(t *testing.T) {
	n := 0
	last, ok := Poll(30*time.Millisecond, func() (bool, string) {
		n++
		return false, "tried"
	})
	if ok || last != "tried" || n < 2 {
		t.Errorf("Poll = %q, %v after %d tries", last, ok, n)
	}
	if _, ok := Poll(time.Second, func() (bool, string) { return true, "" }); !ok {
		t.Error("Poll missed a condition that holds at once")
	}
}
