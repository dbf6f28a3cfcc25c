package querytypes_test

// sessions: session operations per job and operation, and the sessions open.
func sessions() typeCase {
	return typeCase{
		queryType: "sessions",
		keyLabels: []string{"job", "operation"},
		columns: []column{
			{"operations/s", "ops", sumRate("session_operations_total", "job, operation")},
			{"success %", "percent", successPercent("session_operations_total", "job, operation")},
		},
		lines: []line{
			{added: metric("sessions_active"), expr: "sum by (job) (sessions_active)", unit: "none", labels: []string{"job"}},
			{added: metric("operations_per_second"), expr: sumRate("session_operations_total", "operation, status"), unit: "ops", labels: []string{"operation", "status"}},
		},
	}
}
