package querytypes_test

// workflows: runs and success share per orchestration adapter.
func workflows() typeCase {
	return typeCase{
		queryType: "workflows",
		keyLabels: []string{"adapter"},
		columns: []column{
			{"runs/s", "ops", sumRate("mahavishnu_workflows_executed_total", "adapter")},
			{"success %", "percent", successPercent("mahavishnu_workflows_executed_total", "adapter")},
		},
		lines: []line{{expr: sumRate("mahavishnu_workflows_executed_total", "adapter"), unit: "ops", labels: []string{"adapter"}}},
	}
}
