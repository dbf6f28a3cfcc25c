package querytypes_test

import (
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

func TestStepAndRangeAlignmentFollowGrafana(t *testing.T) {
	now := world.DS.Now
	cases := []struct {
		name          string
		from, to      time.Time
		intervalMs    int64
		maxDataPoints int64
	}{
		{"panel interval wins", now.Add(-time.Hour).Add(1234 * time.Millisecond), now.Add(-777 * time.Millisecond), 15000, 1500},
		{"max data points rounds to a nice interval", now.Add(-2 * time.Hour), now, 1000, 50},
		{"30 days at one point per ms is capped by the 11000-point floor", now.Add(-30 * 24 * time.Hour), now, 1, 1_000_000},
		{"sub-second steps never exceed 11000 points", now.Add(-2 * time.Hour).Add(333 * time.Millisecond), now, 1, 20000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := host.Query{RefID: "A", QueryType: "requestRate", From: c.from, To: c.to, IntervalMS: c.intervalMs, MaxDataPoints: c.maxDataPoints}
			res, err := world.Plugin.QueryData(testkit.Ctx(t, 90*time.Second), seed(), nil, q)
			if err != nil {
				t.Fatal(err)
			}
			if res["A"].Error != "" {
				t.Fatalf("refId A failed: %s", res["A"].Error)
			}
			ss := readSeries(t, res["A"].Frames)
			if len(ss) == 0 {
				t.Fatal("no series")
			}
			grafana := grafanaStep(c.from, c.to, c.intervalMs, c.maxDataPoints, scrape)
			for _, s := range ss {
				step := s.Interval
				start, end := testkit.AlignDown(c.from, step), testkit.AlignDown(c.to, step)
				points := int64(end.Sub(start)/step) + 1
				if points > 11000 {
					t.Errorf("%s: step %s gives %d points over the range, Prometheus refuses more than 11000", s.Key(), step, points)
				}
				if len(s.Times) > 11000 {
					t.Errorf("%s: %d points in the frame", s.Key(), len(s.Times))
				}
				gStart, gEnd := testkit.AlignDown(c.from, grafana), testkit.AlignDown(c.to, grafana)
				if int64(gEnd.Sub(gStart)/grafana)+1 <= 11000 {
					if step != grafana {
						t.Errorf("%s: step %s, Grafana's Prometheus datasource picks %s", s.Key(), step, grafana)
					}
				} else if step <= grafana || step > 2*grafana+time.Millisecond {
					t.Errorf("%s: step %s, want just above Grafana's %s so the range fits 11000 points", s.Key(), step, grafana)
				}
				for _, ts := range s.Times {
					if ts.Before(start) || ts.After(end) {
						t.Errorf("%s: point at %s outside the aligned range [%s, %s]", s.Key(), ts, start, end)
						break
					}
					if ts.UnixMilli()%step.Milliseconds() != 0 {
						t.Errorf("%s: point at %s is not on a multiple of the step %s", s.Key(), ts, step)
						break
					}
				}
				if stepLine := executedStep(s.Frame); stepLine != step {
					t.Errorf("%s: executedQueryString says step %s, time field says %s", s.Key(), stepLine, step)
				}
			}
			t.Logf("%s: step %s (Grafana %s), %d series", c.name, ss[0].Interval, grafana, len(ss))
		})
	}
}

func executedStep(f *data.Frame) time.Duration {
	if f.Meta == nil {
		return -1
	}
	_, after, ok := strings.Cut(f.Meta.ExecutedQueryString, "\nStep: ")
	if !ok {
		return -1
	}
	d, err := time.ParseDuration(strings.TrimSpace(after))
	if err != nil {
		return -1
	}
	return d
}

// grafanaStep is the step Grafana's Prometheus datasource (promlib) picks: the query's
// intervalMs (else the scrape interval) as the minimum, range/maxDataPoints rounded to a
// "nice" interval when larger, and range/11000 rounded as the safe floor.
func grafanaStep(from, to time.Time, intervalMs, maxDataPoints int64, scrape time.Duration) time.Duration {
	rng := to.Sub(from)
	minInterval := scrape
	if intervalMs > 0 {
		minInterval = time.Duration(intervalMs) * time.Millisecond
	}
	res := maxDataPoints
	if res == 0 {
		res = 1500
	}
	calc := rng / time.Duration(res)
	if calc < minInterval {
		calc = minInterval
	} else {
		calc = roundInterval(calc)
	}
	safe := rng / 11000
	if safe > time.Millisecond {
		safe = roundInterval(safe)
	} else {
		safe = time.Millisecond
	}
	if calc > safe {
		return calc
	}
	return safe
}

// roundInterval is Grafana's table of "nice" intervals.
func roundInterval(d time.Duration) time.Duration {
	ms := d.Milliseconds()
	table := []struct{ upTo, nice int64 }{
		{10, 1}, {15, 10}, {35, 20}, {75, 50}, {150, 100}, {350, 200}, {750, 500},
		{1500, 1000}, {3500, 2000}, {7500, 5000}, {12500, 10000}, {17500, 15000},
		{25000, 20000}, {45000, 30000}, {90000, 60000}, {210000, 120000}, {450000, 300000},
		{750000, 600000}, {1050000, 900000}, {1500000, 1200000}, {2700000, 1800000},
		{5400000, 3600000}, {9000000, 7200000}, {16200000, 10800000}, {32400000, 21600000},
		{86400000, 43200000}, {172800000, 86400000}, {604800000, 86400000},
		{1814400000, 604800000},
	}
	for _, e := range table {
		if ms <= e.upTo {
			return time.Duration(e.nice) * time.Millisecond
		}
	}
	if ms < 3628800000 {
		return 2592000000 * time.Millisecond
	}
	return 31536000000 * time.Millisecond
}
