package testkit

import (
	"fmt"
	"strconv"
	"time"
)

// PromDuration writes a window in milliseconds, which Prometheus accepts as is.
func PromDuration(d time.Duration) string { return fmt.Sprintf("%dms", d.Milliseconds()) }

// Millis is a time as the unix milliseconds Grafana puts in from= and to=.
func Millis(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// AlignDown is t rounded down to a multiple of step since the epoch, as Prometheus aligns
// a range query's start and end.
func AlignDown(t time.Time, step time.Duration) time.Time {
	ms, s := t.UnixMilli(), step.Milliseconds()
	return time.UnixMilli(ms - ((ms%s)+s)%s).UTC()
}

// FromInterval is a time field's config.interval (milliseconds) as a duration.
func FromInterval(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

// MiB writes a byte count for a failure message.
func MiB(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
