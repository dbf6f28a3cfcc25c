package engines_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"

	"github.com/mahavishnu/mcp-grafana/tests/host"
)

// feature is one entry of the health details' engine.features.
type feature struct {
	answers bool
	note    string
}

type engineDetails struct {
	name, version string
	features      map[string]feature
}

func engineOf(t *testing.T, details map[string]any) engineDetails {
	t.Helper()
	e, ok := details["engine"].(map[string]any)
	if !ok {
		t.Fatalf("health details have no engine object: %v", details)
	}
	out := engineDetails{features: map[string]feature{}}
	out.name, _ = e["name"].(string)
	out.version, _ = e["version"].(string)
	fs, _ := e["features"].(map[string]any)
	for k, v := range fs {
		m, _ := v.(map[string]any)
		answers, _ := m["answers"].(bool)
		note, _ := m["note"].(string)
		out.features[k] = feature{answers, note}
	}
	return out
}

// TestHealthNamesTheEngineAndTheOptionalAPIsItAnswers asks "Save & test" of a datasource
// on Prometheus and of one on VictoriaMetrics: each names its engine and version in the
// message and the details, and says which of exemplars, the metadata API and the native
// histogram functions answer.
func TestHealthNamesTheEngineAndTheOptionalAPIsItAnswers(t *testing.T) {
	e := startEngines(t, time.Time{})
	cases := []struct {
		settings       host.Settings
		name, version  string
		message        string
		exemplars      bool
		nativeHistos   bool
		exemplarNoteIs string
	}{
		{e.prometheus, "Prometheus", "2.42.0", "Prometheus 2.42.0", true, true, "the exemplar API answers"},
		{e.victoria, "VictoriaMetrics", "unknown", "VictoriaMetrics (version unknown) at ", false, false, "VictoriaMetrics does not store exemplars"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			h, err := e.plugin.CheckHealth(ctx, c.settings)
			if err != nil {
				t.Fatal(err)
			}
			if h.Status != pluginv2.CheckHealthResponse_OK {
				t.Fatalf("health %v: %s", h.Status, h.Message)
			}
			if !strings.HasPrefix(h.Message, c.message) {
				t.Errorf("message %q does not start with %q", h.Message, c.message)
			}
			got := engineOf(t, h.Details)
			// Debian's Prometheus reports "2.42.0+ds".
			if got.name != c.name || !strings.HasPrefix(got.version, c.version) {
				t.Errorf("engine %q %q, want %q %q", got.name, got.version, c.name, c.version)
			}
			for key, want := range map[string]bool{"exemplars": c.exemplars, "metadata": true, "nativeHistograms": c.nativeHistos} {
				f, ok := got.features[key]
				if !ok {
					t.Errorf("features lack %s: %v", key, got.features)
					continue
				}
				if f.answers != want || f.note == "" {
					t.Errorf("feature %s: answers %v (%q), want %v with a note", key, f.answers, f.note, want)
				}
			}
			if n := got.features["exemplars"].note; !strings.Contains(n, c.exemplarNoteIs) {
				t.Errorf("exemplars note %q lacks %q", n, c.exemplarNoteIs)
			}
		})
	}
}

// TestExemplarsOnVictoriaMetricsAreAWarningNamingTheEngine: VictoriaMetrics 1.79 answers
// the exemplar API with an empty list, always. The exemplars query answers an empty
// exemplar frame with a warning naming VictoriaMetrics and exemplars, not an error, and
// requestLatency with exemplars keeps its lines and carries the same warning; on
// Prometheus the same queries carry no such warning.
func TestExemplarsOnVictoriaMetricsAreAWarningNamingTheEngine(t *testing.T) {
	e := startEngines(t, time.Time{})
	to := e.ds.Now.Add(-3 * time.Second)
	ex := host.Query{RefID: "A", QueryType: "exemplars", From: to.Add(-30 * time.Minute), To: to, IntervalMS: 15000, MaxDataPoints: 600}
	lat := ex
	lat.RefID, lat.QueryType, lat.JSON = "B", "requestLatency", map[string]any{"exemplars": true}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, s := range []host.Settings{e.victoria, e.prometheus} {
		res, err := e.plugin.QueryData(ctx, s, nil, ex, lat)
		if err != nil {
			t.Fatal(err)
		}
		for _, ref := range []string{"A", "B"} {
			r := res[ref]
			if r.Error != "" {
				t.Fatalf("%s on %s failed instead of degrading: %s", ref, s.UID, r.Error)
			}
			if len(r.Frames) == 0 {
				t.Fatalf("%s on %s: no frames", ref, s.UID)
			}
			w := warnings(r.Frames[0])
			named := strings.Contains(w, "VictoriaMetrics") && strings.Contains(w, "does not store exemplars")
			if named != (s.UID == e.victoria.UID) {
				t.Errorf("%s on %s: warnings %q", ref, s.UID, w)
			}
		}
		if len(res["B"].Frames) < 2 {
			t.Errorf("requestLatency on %s lost its lines: %d frames", s.UID, len(res["B"].Frames))
		}
	}
}
