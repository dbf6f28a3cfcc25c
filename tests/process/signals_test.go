package process_test

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/mahavishnu/mcp-grafana/tests/faults"
	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

// waitExit waits for the process and returns its exit code, or fails after within.
func waitExit(t *testing.T, cmd *exec.Cmd, within time.Duration) (int, time.Duration) {
	t.Helper()
	started := time.Now()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatalf("waiting for the plugin: %v", err)
		}
		return cmd.ProcessState.ExitCode(), time.Since(started)
	case <-time.After(within):
		t.Fatalf("the plugin did not exit within %s of the signal", within)
		return -1, 0
	}
}

func TestSignalsStopThePluginCleanly(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String()+" while idle", func(t *testing.T) {
			rp := host.StartRaw(t, "")
			if rp.Address() == "" {
				t.Fatalf("no handshake: %q", rp.FirstLine)
			}
			if err := rp.Cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			code, took := waitExit(t, rp.Cmd, 5*time.Second)
			if code != 0 {
				t.Errorf("exit code %d after %s, want 0\nstderr:\n%s", code, sig, rp.Stderr.String())
			}
			t.Logf("%s: exit 0 after %s", sig, took)
		})
		t.Run(sig.String()+" with a query in flight", func(t *testing.T) {
			rp := host.StartRaw(t, "")
			hang := faults.Hang(t)
			s := host.Settings{URL: hang.URL, UID: "hang"}
			to := time.Unix(1700000100, 0)
			req, err := host.QueryRequest(s, nil, host.Query{RefID: "A", QueryType: "requestRate", From: to.Add(-time.Hour), To: to, IntervalMS: 15000, MaxDataPoints: 500})
			if err != nil {
				t.Fatal(err)
			}
			client := pluginv2.NewDataClient(dial(t, rp.Address()))
			go func() { _, _ = client.QueryData(context.Background(), req) }()
			testkit.WaitFor(t, 10*time.Second, "the query reaching the upstream", func() (bool, string) { return hang.Requests() > 0, "no request yet" })
			if err := rp.Cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			// The upstream would hold the query for the whole 30 s timeout: shutdown must not.
			code, took := waitExit(t, rp.Cmd, 5*time.Second)
			if code != 0 {
				t.Errorf("exit code %d after %s, want 0\nstderr:\n%s", code, sig, rp.Stderr.String())
			}
			if strings.Contains(rp.Stderr.String(), "panic") {
				t.Errorf("a panic was logged while stopping:\n%s", rp.Stderr.String())
			}
			t.Logf("%s with a query held upstream: exit 0 after %s", sig, took)
		})
	}
}
