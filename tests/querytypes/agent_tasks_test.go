package querytypes_test

// agentTasks: task rate, success share and duration per agent type.
func agentTasks() typeCase {
	return typeCase{
		queryType: "agentTasks",
		keyLabels: []string{"agent_type"},
		columns: []column{
			{"tasks/s", "ops", sumRate("agent_tasks_total", "agent_type")},
			{"success %", "percent", successPercent("agent_tasks_total", "agent_type")},
			{"p95", "s", p(0.95, "agent_task_duration_seconds", "agent_type")},
		},
		lines: []line{{expr: sumRate("agent_tasks_total", "agent_type"), unit: "ops", labels: []string{"agent_type"}}},
	}
}
