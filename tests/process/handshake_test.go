// Package process_test proves the plugin behaves as a process Grafana can run: it completes
// Grafana's go-plugin handshake and writes nothing else to stdout, logs as hclog JSON on
// stderr, stops cleanly on a signal even with a query held upstream, and reports its own
// metrics as Grafana collects them.
package process_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/mahavishnu/mcp-grafana/tests/faults"
	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

func TestHandshakeIsTheFirstStdoutLineAndNothingElseFollowsIt(t *testing.T) {
	raw := host.StartRaw(t, "")
	line := strings.TrimRight(raw.FirstLine, "\n")
	if !host.HandshakeLine.MatchString(line) {
		t.Fatalf("first stdout line is %q, want 1|2|tcp|127.0.0.1:<port>|grpc", line)
	}
	t.Logf("handshake: %s", line)

	// The announced address serves pluginv2 with plain gRPC (no AutoMTLS).
	conn := dial(t, raw.Address())
	s := host.Settings{URL: faults.ClosedPort(t)}
	pc, err := s.PluginContext()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := pluginv2.NewDiagnosticsClient(conn).CheckHealth(testkit.Ctx(t, 20*time.Second), &pluginv2.CheckHealthRequest{PluginContext: pc})
	if err != nil {
		t.Fatalf("CheckHealth over the announced address: %v", err)
	}
	if resp.Status != pluginv2.CheckHealthResponse_ERROR {
		t.Errorf("health against a closed port is %s, want ERROR", resp.Status)
	}
	if rest := raw.Rest.String(); rest != "" {
		t.Errorf("the plugin wrote to stdout after the handshake (Grafana would drop or misread it): %q", rest)
	}
}

func TestGoPluginClientLaunchesThePluginAsGrafanaDoes(t *testing.T) {
	p := host.Start(t, host.Options{})
	if p.PID() == 0 || !p.Alive() {
		t.Fatal("plugin process is not running after the handshake")
	}
	h, err := p.CheckHealth(testkit.Ctx(t, 20*time.Second), host.Settings{URL: faults.ClosedPort(t)})
	if err != nil {
		t.Fatalf("CheckHealth: %v", err)
	}
	if h.Status != pluginv2.CheckHealthResponse_ERROR {
		t.Errorf("health against a closed port is %s, want ERROR", h.Status)
	}
	lines := strings.Split(strings.TrimRight(p.Stdout(), "\n"), "\n")
	if len(lines) != 1 || !host.HandshakeLine.MatchString(lines[0]) {
		t.Errorf("stdout must hold only the handshake line, got %q", p.Stdout())
	}
	if _, err := p.CollectMetrics(testkit.Ctx(t, 10*time.Second)); err != nil {
		t.Errorf("CollectMetrics: %v", err)
	}
}

func TestLogsAreHclogJSONOnStderr(t *testing.T) {
	p := host.Start(t, host.Options{})
	// A failing health check makes the plugin log something.
	if _, err := p.CheckHealth(testkit.Ctx(t, 20*time.Second), host.Settings{URL: faults.ClosedPort(t)}); err != nil {
		t.Fatal(err)
	}
	p.Kill()
	stderr := strings.TrimSpace(p.Stderr())
	if stderr == "" {
		t.Fatal("the plugin wrote nothing to stderr: expected hclog JSON log lines")
	}
	for i, line := range strings.Split(stderr, "\n") {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Errorf("stderr line %d is not JSON: %q", i+1, line)
			continue
		}
		for _, k := range []string{"@level", "@message", "@timestamp"} {
			if _, ok := entry[k]; !ok {
				t.Errorf("stderr line %d lacks hclog key %s: %q", i+1, k, line)
			}
		}
		// go-plugin maps @level to Grafana's log levels; an unknown level loses the entry's severity.
		if lvl, _ := entry["@level"].(string); hclog.LevelFromString(lvl) == hclog.NoLevel {
			t.Errorf("stderr line %d has level %q, not one hclog knows", i+1, lvl)
		}
	}
}

// dial connects to the gRPC address of a plugin started without go-plugin (host.StartRaw).
func dial(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}
