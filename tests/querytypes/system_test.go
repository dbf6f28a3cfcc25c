package querytypes_test

// system: CPU, memory, open files and disk per job.
func system() typeCase {
	return typeCase{
		queryType: "system",
		keyLabels: []string{"job"},
		columns: []column{
			{"CPU %", "percent", "max by (job) (mahavishnu_cpu_usage_percent)"},
			{"memory", "bytes", "sum by (job) (mahavishnu_memory_usage_bytes)"},
			{"open files", "none", "sum by (job) (mahavishnu_open_files)"},
			{"disk %", "percent", "max by (job) (system_disk_usage_percent)"},
		},
		lines: []line{
			{added: metric("cpu_percent"), expr: "max by (job) (mahavishnu_cpu_usage_percent)", unit: "percent", labels: []string{"job"}},
			{added: metric("memory_bytes"), expr: "sum by (job) (mahavishnu_memory_usage_bytes)", unit: "bytes", labels: []string{"job"}},
			{added: metric("open_files"), expr: "sum by (job) (mahavishnu_open_files)", unit: "none", labels: []string{"job"}},
			{added: metric("disk_percent"), expr: "max by (job) (system_disk_usage_percent)", unit: "percent", labels: []string{"job"}},
		},
	}
}
