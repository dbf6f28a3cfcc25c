package querytypes_test

// toolHealth: calls, success share, errors and duration percentiles per job and tool.
func toolHealth() typeCase {
	const tool = "job, tool_name"
	return typeCase{
		queryType: "toolHealth",
		keyLabels: []string{"job", "tool_name"},
		columns: []column{
			{"calls/s", "ops", sumRate("mcp_tool_calls_total", tool)},
			{"success %", "percent", successPercent("mcp_tool_calls_total", tool)},
			{"errors/s", "ops", sumRate(`mcp_tool_calls_total{status!="success"}`, tool)},
			{"p50", "s", p(0.5, "mcp_tool_duration_seconds", tool)},
			{"p95", "s", p(0.95, "mcp_tool_duration_seconds", tool)},
		},
		lines: []line{{expr: successPercent("mcp_tool_calls_total", tool), unit: "percent", labels: []string{"job", "tool_name"}}},
	}
}
