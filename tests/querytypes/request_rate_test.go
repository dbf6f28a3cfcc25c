package querytypes_test

// requestRate: HTTP requests per second per job, over $__rate_interval or the query's own
// rateWindow.
func requestRate() []typeCase {
	return []typeCase{
		{
			queryType: "requestRate",
			lines:     []line{{expr: sumRate("mcp_http_requests_total", "job"), unit: "reqps", labels: []string{"job"}}},
		},
		{
			queryType: "requestRate",
			json:      map[string]any{"rateWindow": "5m"},
			lines:     []line{{expr: "sum by (job) (rate(mcp_http_requests_total[5m]))", unit: "reqps", labels: []string{"job"}}},
		},
	}
}
