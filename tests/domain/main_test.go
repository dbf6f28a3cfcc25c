// Package domain_test proves the domain query types (toolHealth, poolCapacity, agentTasks,
// workflows, sessions, memory, cache, system, otlpOperations) end to end: the plugin binary
// launched as Grafana launches it, one real Prometheus backfilled with a deterministic
// dataset, every answer compared with Prometheus's own evaluation of the seed PromQL.
//
// One Prometheus and one plugin process serve every test of the package (TestMain); each
// test picks its own datasource instance (UID) when it needs other settings.
package domain_test

import (
	"fmt"
	"os"
	"sort"
	"testing"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/host"
)

const gib = float64(1 << 30)

// world is what TestMain starts for the whole package.
var world struct {
	ds     *fixture.Dataset
	prom   *fixture.Prometheus
	plugin *host.Plugin
}

// Jobs of the dataset: three MCP servers with noisy traffic, a job whose series sit on the
// status boundaries, one job per system boundary value, a job exporting a renamed tool
// counter, and an exporter with no MCP family at all.
func jobs() []fixture.Job {
	every := fixture.EveryFamily
	fixedTool := map[string]fixture.Outcomes{
		"at-95.01":    {Success: 9501, Error: 499},
		"at-95":       {Success: 95, Error: 5},
		"at-94.99":    {Success: 9499, Error: 501},
		"at-90":       {Success: 90, Error: 10},
		"at-89.99":    {Success: 8999, Error: 1001},
		"never-used":  {Success: 0, Error: 0},
		"all-success": {Success: 7, Error: 0},
	}
	out := []fixture.Job{
		{
			Name: "mahavishnu", Instances: 2, Families: every,
			Tools: []string{"orchestrate", "list_workflows"}, Pools: []string{"local", "mcp"},
			AgentTypes: []string{"coder", "reviewer"}, Adapters: []string{"prefect", "agno"},
			OTLPOperations: []string{"export", "flush"}, CacheLayers: []string{"l1", "l2"},
		},
		{
			Name: "akosha", Families: every,
			Tools:         []string{"store_memory", "search_memory"},
			MemorySources: []string{"sessions", "documents"}, EmbeddingModels: []string{"nomic-embed-text", "all-minilm"},
			OTLPOperations: []string{"export"}, CacheLayers: []string{"l1"},
		},
		{
			Name: "session-buddy", Families: every,
			Tools:          []string{"checkpoint", "status"},
			Operations:     []string{"create", "resume", "end"},
			OTLPOperations: []string{"export"},
		},
		{
			Name: "bounds", Families: every,
			Tools:          []string{"at-95.01", "at-95", "at-94.99", "at-90", "at-89.99", "never-used", "all-success"},
			Pools:          []string{"w0", "w1", "w2", "w3"},
			PoolWorkers:    map[string]float64{"w0": 0, "w1": 1, "w2": 2, "w3": 3},
			AgentTypes:     []string{"agent-95", "agent-90", "agent-89.99"},
			Adapters:       []string{"wf-95.01", "wf-89.99"},
			Operations:     []string{"op-90", "op-95.01"},
			MemorySources:  []string{"inbox", "archive"},
			OTLPOperations: []string{"otlp-idle"}, CacheLayers: []string{"idle"},
			Outcomes: map[string]map[string]fixture.Outcomes{
				fixture.FamilyToolCalls: fixedTool,
				fixture.FamilyAgentTasks: {
					"agent-95": {Success: 95, Error: 5}, "agent-90": {Success: 9, Error: 1}, "agent-89.99": {Success: 8999, Error: 1001},
				},
				fixture.FamilyWorkflows: {
					"wf-95.01": {Success: 9501, Error: 499}, "wf-89.99": {Success: 8999, Error: 1001},
				},
				fixture.FamilySessionOperations: {
					"op-90": {Success: 90, Error: 10}, "op-95.01": {Success: 9501, Error: 499},
				},
				fixture.FamilyOTLPOperations: {"otlp-idle": {}},
				fixture.FamilyCacheHits:      {"idle": {}},
				fixture.FamilyCacheMisses:    {"idle": {}},
				// 90 % over both sources together.
				fixture.FamilyMemorySyncs: {
					"inbox": {Success: 18, Error: 2}, "archive": {Success: 9, Error: 1},
				},
			},
			Gauges: map[string]float64{
				fixture.FamilyCPUPercent: 10, fixture.FamilyMemoryBytes: gib, fixture.FamilyDiskPercent: 10, fixture.FamilyOpenFiles: 64,
			},
		},
		{
			Name: "renamed", Families: []string{fixture.FamilyToolCalls},
			Tools:    []string{"acme_tool"},
			Rename:   map[string]string{fixture.FamilyToolCalls: "acme_tool_calls_total"},
			Outcomes: map[string]map[string]fixture.Outcomes{fixture.FamilyToolCalls: {"acme_tool": {Success: 9, Error: 1}}},
		},
		{Name: "node", Families: []string{}},
	}
	return append(out, systemJobs()...)
}

// systemJob is a job whose system gauges are neutral but for one, set at a boundary.
type systemJob struct {
	name   string
	family string
	value  float64
	status string
}

var systemBounds = []systemJob{
	{"cpu-49.99", fixture.FamilyCPUPercent, 49.99, "ok"},
	{"cpu-50", fixture.FamilyCPUPercent, 50, "warn"},
	{"cpu-80", fixture.FamilyCPUPercent, 80, "warn"},
	{"cpu-80.01", fixture.FamilyCPUPercent, 80.01, "critical"},
	{"mem-4gib-1", fixture.FamilyMemoryBytes, 4*gib - 1, "ok"},
	{"mem-4gib", fixture.FamilyMemoryBytes, 4 * gib, "warn"},
	{"mem-8gib", fixture.FamilyMemoryBytes, 8 * gib, "warn"},
	{"mem-8gib+1", fixture.FamilyMemoryBytes, 8*gib + 1, "critical"},
	{"disk-69.99", fixture.FamilyDiskPercent, 69.99, "ok"},
	{"disk-70", fixture.FamilyDiskPercent, 70, "warn"},
	{"disk-85", fixture.FamilyDiskPercent, 85, "warn"},
	{"disk-85.01", fixture.FamilyDiskPercent, 85.01, "critical"},
}

func systemJobs() []fixture.Job {
	var out []fixture.Job
	for _, s := range systemBounds {
		g := map[string]float64{
			fixture.FamilyCPUPercent: 10, fixture.FamilyMemoryBytes: gib, fixture.FamilyDiskPercent: 10, fixture.FamilyOpenFiles: 32,
		}
		g[s.family] = s.value
		out = append(out, fixture.Job{
			Name:     s.name,
			Families: []string{fixture.FamilyCPUPercent, fixture.FamilyMemoryBytes, fixture.FamilyOpenFiles, fixture.FamilyDiskPercent},
			Gauges:   g,
		})
	}
	return out
}

// mainTB lets TestMain use the fixtures, which take a testing.TB: it records cleanups and
// turns a fatal error into a panic that TestMain reports. Only the methods the fixtures
// call at start-up are implemented.
type mainTB struct {
	testing.TB
	cleanups []func()
	dirs     []string
}

type fatal string

func (m *mainTB) Helper()                   {}
func (m *mainTB) Fatal(args ...any)         { panic(fatal(fmt.Sprint(args...))) }
func (m *mainTB) Fatalf(f string, a ...any) { panic(fatal(fmt.Sprintf(f, a...))) }
func (m *mainTB) Cleanup(f func())          { m.cleanups = append(m.cleanups, f) }
func (m *mainTB) Logf(f string, a ...any)   { fmt.Fprintf(os.Stderr, f+"\n", a...) }
func (m *mainTB) TempDir() string {
	d, err := os.MkdirTemp("", "mcp-domain-")
	if err != nil {
		panic(fatal(err.Error()))
	}
	m.dirs = append(m.dirs, d)
	return d
}

func (m *mainTB) close() {
	for i := len(m.cleanups) - 1; i >= 0; i-- {
		m.cleanups[i]()
	}
	for _, d := range m.dirs {
		_ = os.RemoveAll(d)
	}
}

func TestMain(m *testing.M) {
	tb := &mainTB{}
	code := func() (code int) {
		defer tb.close()
		defer func() {
			if r := recover(); r != nil {
				msg, ok := r.(fatal)
				if !ok {
					panic(r)
				}
				fmt.Fprintf(os.Stderr, "domain tests cannot start: %s\n", msg)
				code = 1
			}
		}()
		bin, err := host.BinaryPath()
		if err != nil {
			tb.Fatal(err)
		}
		host.RequireBinary(tb, bin)
		world.ds = fixture.NewDataset(fixture.DatasetOptions{Jobs: jobs()})
		world.prom = fixture.StartPrometheus(tb, fixture.PrometheusOptions{Backfill: world.ds.OpenMetrics()})
		world.plugin = host.Start(tb, host.Options{Binary: bin})
		return m.Run()
	}()
	os.Exit(code)
}

// jobNamed is the dataset's job of that name.
func jobNamed(name string) fixture.Job {
	for _, j := range world.ds.Jobs {
		if j.Name == name {
			return j
		}
	}
	panic("no job " + name)
}

// sortedUnique sorts and deduplicates.
func sortedUnique(in []string) []string {
	m := map[string]bool{}
	for _, s := range in {
		m[s] = true
	}
	out := make([]string, 0, len(m))
	for s := range m {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}
