package querytypes_test

// memory: memories stored, syncs and embeddings per job.
func memory() typeCase {
	return typeCase{
		queryType: "memory",
		keyLabels: []string{"job"},
		columns: []column{
			{"memories stored", "none", "sum by (job) (memories_stored)"},
			{"syncs/s", "ops", sumRate("memory_syncs_total", "job")},
			{"sync success %", "percent", successPercent("memory_syncs_total", "job")},
			{"embeddings", "none", "sum by (job) (embeddings_generated)"},
		},
		lines: []line{
			{added: metric("syncs_per_second"), expr: sumRate("memory_syncs_total", "source, status"), unit: "ops", labels: []string{"source", "status"}},
			{added: metric("memories_stored"), expr: "sum by (job) (memories_stored)", unit: "none", labels: []string{"job"}},
			{added: metric("embeddings_generated"), expr: "sum by (model) (embeddings_generated)", unit: "none", labels: []string{"model"}},
		},
	}
}
