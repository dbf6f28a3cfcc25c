package querytypes_test

import "fmt"

// otlpOperations: the OpenTelemetry collector's operations, duration and connections per job.
func otlpOperations() typeCase {
	average := fmt.Sprintf("%s / %s", sumRate("operation_duration_sum", "job"), sumRate("operation_duration_count", "job"))
	return typeCase{
		queryType: "otlpOperations",
		keyLabels: []string{"job"},
		columns: []column{
			{"operations/s", "ops", sumRate("operations_total", "job")},
			{"p95", "s", p(0.95, "operation_duration", "job")},
			{"average", "s", average},
			{"connections", "none", "sum by (job) (active_connections)"},
		},
		lines: []line{
			{added: metric("operations_per_second"), expr: sumRate("operations_total", "job"), unit: "ops", labels: []string{"job"}},
			{added: metric("p95_seconds"), expr: p(0.95, "operation_duration", "job"), unit: "s", labels: []string{"job"}},
			{added: metric("average_seconds"), expr: average, unit: "s", labels: []string{"job"}},
			{added: metric("active_connections"), expr: "sum by (job) (active_connections)", unit: "none", labels: []string{"job"}},
		},
	}
}
