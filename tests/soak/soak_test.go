package soak_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/soak"
)

// TestSoakSmoke runs the soak briefly: every query type, format, resource and health call
// is made against the changing scenarios without an unexplained failure, and the plugin
// is idle afterwards. The 30-minute run is tests/cmd/soak (docs/RELIABILITY.md).
func TestSoakSmoke(t *testing.T) {
	rep := soak.Run(t, soak.Options{Duration: 10 * time.Second, Warmup: 3 * time.Second, SampleEvery: time.Second, ScenarioEvery: 2 * time.Second})
	t.Logf("\n%s", rep.Markdown())
	if n := rep.Unexplained(); n > 0 {
		t.Errorf("%d unexplained failures (table above)", n)
	}
	for kind, n := range rep.Calls {
		if n == 0 {
			t.Errorf("%s was never called", kind)
		}
	}
	if len(rep.Calls) < 20 {
		t.Errorf("only %d kinds of call made: %v", len(rep.Calls), rep.Calls)
	}
	if s := rep.Samples[0]; s.Tasks < 1 {
		t.Errorf("mcp_plugin_tasks_alive read as %v before the load: the plugin's runtime runs at least its server", s.Tasks)
	}
	for _, s := range rep.Samples {
		// The executable counts its heap at its global allocator: never nothing, and never more
		// than malloc holds from the system where it says.
		if h := s.Heap; h.Live <= 0 || (h.HasMalloc && h.Live > h.MallocHeld) {
			t.Errorf("at %s heap live %.0f bytes, malloc held %.0f (reported: %v): the plugin's heap count is off", s.At, h.Live, h.MallocHeld, h.HasMalloc)
		}
	}
	// Pooled connections stay open a while once idle; none beyond the load's own.
	most := 0
	for _, s := range rep.Samples[:len(rep.Samples)-1] {
		most = max(most, s.FDs)
	}
	if idle := rep.Samples[len(rep.Samples)-1]; idle.FDs > most {
		t.Errorf("descriptors %d once idle after the load, more than the %d under it", idle.FDs, most)
	}
}

// TestMeansPerWindow: a sample at a window's end belongs to that window, so a run's last
// sample (at its full duration) ends the last window instead of opening one of its own.
func TestMeansPerWindow(t *testing.T) {
	var samples []soak.Sample
	for at := time.Duration(0); at <= 20*time.Second; at += 5 * time.Second {
		samples = append(samples, soak.Sample{At: at, RSS: int64(at / time.Second)})
	}
	got := soak.Means(samples, 10*time.Second, func(s soak.Sample) float64 { return float64(s.RSS) })
	want := []float64{5, 17.5} // (0+5+10)/3, (15+20)/2
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("means %v, want %v", got, want)
	}
}

func TestUpstreamPerCallPerWindow(t *testing.T) {
	var samples []soak.Sample
	bytes := []float64{0, 10240, 20480, 51200, 81920}
	for i, at := 0, time.Duration(0); at <= 20*time.Second; i, at = i+1, at+5*time.Second {
		samples = append(samples, soak.Sample{At: at, Calls: int64(10 * i), Upstream: map[string]float64{"query_range": bytes[i]}})
	}
	got := soak.UpstreamPerCall(samples, 10*time.Second)
	// 20 calls and 20 KiB in the first window, 20 calls and 60 KiB in the second.
	for _, want := range []string{"- all: 1.0, 3.0\n", "- query_range: 1.0, 3.0\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
}
