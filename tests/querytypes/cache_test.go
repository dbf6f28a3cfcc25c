package querytypes_test

import "fmt"

// cache: hit share, hits and misses per job and cache layer.
func cache() typeCase {
	hitPercent := fmt.Sprintf("100 * %[1]s / (%[1]s + %[2]s)", sumRate("mahavishnu_cache_hits_total", "job, cache_layer"), sumRate("mahavishnu_cache_misses_total", "job, cache_layer"))
	return typeCase{
		queryType: "cache",
		keyLabels: []string{"job", "cache_layer"},
		columns: []column{
			{"hit %", "percent", hitPercent},
			{"hits/s", "ops", sumRate("mahavishnu_cache_hits_total", "job, cache_layer")},
			{"misses/s", "ops", sumRate("mahavishnu_cache_misses_total", "job, cache_layer")},
		},
		lines: []line{{expr: hitPercent, unit: "percent", labels: []string{"job", "cache_layer"}}},
	}
}
