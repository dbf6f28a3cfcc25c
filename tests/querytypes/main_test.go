// Package querytypes_test proves every query type end to end, one file per query type:
// the plugin binary launched as Grafana launches it, against a real Prometheus, each answer
// compared with Prometheus's own evaluation of the type's PromQL. A type's file says what
// the type means (its PromQL, columns, units and labels) and what is particular to it; the
// files named after a behaviour (formats, alerting, empty answers, filters, status bands,
// steps, profiles, isolation, limits) hold what every type must do.
//
// One Prometheus backfilled with fixture.BoundaryJobs and one plugin process serve most
// tests of the package (TestMain); each test picks its own datasource instance (UID) when
// it needs other settings. ecosystemSummary and exemplars run over the live simulator
// (ecosystem_test.go).
package querytypes_test

import (
	"testing"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/standalone"
)

// world is what TestMain starts for the whole package.
var world *fixture.World

func TestMain(m *testing.M) {
	standalone.Main(m, "querytypes-test", func(tb *standalone.TB) {
		world = fixture.StartWorld(tb, fixture.BoundaryJobs(), host.Options{})
	})
}
