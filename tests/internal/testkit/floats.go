package testkit

import (
	"math"
	"strconv"
)

// CloseEnough is the tolerance every comparison of the plugin's numbers with Prometheus's
// uses: equal to a relative 1e-9 (an absolute 1e-12 near zero), NaN only to NaN, an
// infinity only to itself.
func CloseEnough(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return a == b
	}
	d := math.Abs(a - b)
	return d <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) || d < 1e-12
}

// SameCell is CloseEnough for nullable cells: both null, or both numbers close enough.
func SameCell(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return CloseEnough(*a, *b)
}

// Cell writes a nullable cell for a failure message.
func Cell(v *float64) string {
	if v == nil {
		return "null"
	}
	return strconv.FormatFloat(*v, 'g', 17, 64)
}
