package testkit

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// RSS is a process's resident set, from /proc/<pid>/status.
func RSS(t testing.TB, pid int) int64 {
	t.Helper()
	return 1024 * statusField(t, pid, "VmRSS:")
}

// PeakRSS is the highest resident set a process has had so far (VmHWM).
func PeakRSS(t testing.TB, pid int) int64 {
	t.Helper()
	return 1024 * statusField(t, pid, "VmHWM:")
}

// Threads is how many threads a process runs now.
func Threads(t testing.TB, pid int) int {
	t.Helper()
	return int(statusField(t, pid, "Threads:"))
}

// statusField reads the number of one "<field> N [kB]" line of /proc/<pid>/status.
func statusField(t testing.TB, pid int, field string) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("reading the status of process %d: %v", pid, err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field) {
			f := strings.Fields(line)
			n, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("process %d: no %s line", pid, field)
	return 0
}

// OpenFDs is how many descriptors a process holds open, -1 when it cannot be read.
func OpenFDs(pid int) int {
	entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return -1
	}
	return len(entries)
}

// Samples reads Prometheus text format into `name{k="v",...}` -> value, labels sorted.
func Samples(t testing.TB, text []byte) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, line := range strings.Split(string(text), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cut := strings.LastIndexByte(line, ' ')
		if cut < 0 {
			t.Fatalf("not a sample line: %q", line)
		}
		v, err := strconv.ParseFloat(line[cut+1:], 64)
		if err != nil {
			t.Fatalf("sample %q: %v", line, err)
		}
		out[canonical(line[:cut])] = v
	}
	return out
}

// SampleKey is the key Samples gives the series name{labels[0]=labels[1], ...}.
func SampleKey(name string, labels ...string) string {
	if len(labels) == 0 {
		return name
	}
	var parts []string
	for i := 0; i+1 < len(labels); i += 2 {
		parts = append(parts, fmt.Sprintf("%s=%q", labels[i], labels[i+1]))
	}
	return canonical(name + "{" + strings.Join(parts, ",") + "}")
}

// canonical sorts the labels of `name{a="1",b="2"}`; the plugin's label values hold no commas.
func canonical(series string) string {
	open := strings.IndexByte(series, '{')
	if open < 0 {
		return series
	}
	labels := strings.Split(strings.TrimSuffix(series[open+1:], "}"), ",")
	sort.Strings(labels)
	return series[:open] + "{" + strings.Join(labels, ",") + "}"
}
