package querytypes_test

import (
	"fmt"
	"strconv"
)

// requestLatency: a line per percentile and job from the HTTP duration histogram, each
// labelled with its percentile as the user wrote it.
func requestLatency() typeCase {
	c := typeCase{queryType: "requestLatency", json: map[string]any{"percentiles": []float64{50, 95, 99.9}}}
	for _, pc := range []float64{50, 95, 99.9} {
		c.lines = append(c.lines, line{
			added: map[string]string{"percentile": strconv.FormatFloat(pc, 'g', -1, 64)},
			expr: fmt.Sprintf("histogram_quantile(%s, sum by (le, job) (rate(mcp_http_request_duration_seconds_bucket[%s])))",
				strconv.FormatFloat(pc/100, 'g', -1, 64), rateWindow()),
			unit:   "s",
			labels: []string{"job"},
		})
	}
	return c
}
