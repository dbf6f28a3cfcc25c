package querytypes_test

import "fmt"

// errorRate: the share of HTTP requests answered 5xx, per job.
func errorRate() typeCase {
	w := rateWindow()
	return typeCase{
		queryType: "errorRate",
		lines: []line{{
			expr: fmt.Sprintf(`100 * sum by (job) (rate(mcp_http_requests_total{status=~"5.."}[%[1]s])) / sum by (job) (rate(mcp_http_requests_total[%[1]s]))`, w),
			unit: "percent", labels: []string{"job"},
		}},
	}
}
