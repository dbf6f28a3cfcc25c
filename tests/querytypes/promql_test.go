package querytypes_test

// promql: the user's own expression, run as written.
func promql() typeCase {
	const expr = `sum by (job, tool_name) (rate(mcp_tool_calls_total{status="error"}[5m]))`
	return typeCase{
		queryType: "promql",
		json:      map[string]any{"expr": expr},
		lines:     []line{{expr: expr, labels: []string{"job", "tool_name"}, noLegend: true}},
	}
}
