package querytypes_test

import "fmt"

// poolCapacity: active workers per job and pool, with the range's low and high.
func poolCapacity() typeCase {
	from, to := window()
	rng := fmt.Sprintf("%dms", to.Sub(from).Milliseconds())
	return typeCase{
		queryType: "poolCapacity",
		keyLabels: []string{"job", "pool_type"},
		columns: []column{
			{"workers", "none", "sum by (job, pool_type) (pool_workers_active)"},
			{"min", "none", fmt.Sprintf("min by (job, pool_type) (min_over_time(pool_workers_active[%s]))", rng)},
			{"max", "none", fmt.Sprintf("max by (job, pool_type) (max_over_time(pool_workers_active[%s]))", rng)},
		},
		lines: []line{{expr: "sum by (job, pool_type) (pool_workers_active)", unit: "none", labels: []string{"job", "pool_type"}}},
	}
}
