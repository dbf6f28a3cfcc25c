package soak

import (
	"strings"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
)

// TestAllDownNeedsEveryTargetDownAtOneInstant: a health failure is explained only when the
// recorded scrapes show every target failed at one instant within the call.
func TestAllDownNeedsEveryTargetDownAtOneInstant(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	scrape := func(inst string, s float64, health string) fixture.Target {
		tg := fixture.Target{Job: "job-" + inst, Instance: inst, Health: health, LastScrape: at(s), Took: 100 * time.Millisecond}
		if health != "up" {
			tg.LastError = "context deadline exceeded"
		}
		return tg
	}
	l := &targetLog{scrapes: map[string][]fixture.Target{
		// a fails at 10 and recovers at 11; b fails at 10.5 and recovers at 12; c fails at 20 only.
		"a": {scrape("a", 9, "up"), scrape("a", 10, "down"), scrape("a", 11, "up"), scrape("a", 20, "up")},
		"b": {scrape("b", 9.5, "up"), scrape("b", 10.5, "down"), scrape("b", 12, "up")},
	}}
	if why := l.allDown(at(10.2), at(10.8)); !strings.Contains(why, "job-a down") || !strings.Contains(why, "job-b down") {
		t.Errorf("both down from 10.5 to 11.1, call 10.2 to 10.8: got %q", why)
	}
	if why := l.allDown(at(12.5), at(13)); why != "" {
		t.Errorf("both up again by 12.1, call 12.5 to 13: got %q", why)
	}
	l.scrapes["c"] = []fixture.Target{scrape("c", 9.8, "up"), scrape("c", 20, "down")}
	if why := l.allDown(at(10.2), at(10.8)); why != "" {
		t.Errorf("c was up throughout: got %q", why)
	}
	// A failure with no later scrape recorded hides its target for at most 3 s past its end.
	l = &targetLog{scrapes: map[string][]fixture.Target{"a": {scrape("a", 30, "down")}}}
	if l.allDown(at(32), at(33)) == "" || l.allDown(at(35), at(36)) != "" {
		t.Error("a lone failure should cover 30 to 33.1 only")
	}
}
