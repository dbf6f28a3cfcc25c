// Package engines_test runs the plugin against the Prometheus-compatible engines it claims
// to support, beside the Prometheus every other package uses: VictoriaMetrics (Debian's
// victoria-metrics package, 1.79) loaded with the same backfilled dataset, and a
// multi-tenant front (a recording proxy that routes by X-Scope-OrgID, as Mimir and Cortex
// do) over two Prometheus servers.
package engines_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

// VictoriaMetricsBinary is Debian's; override with MCP_VICTORIA_METRICS.
func victoriaMetricsBinary() string {
	if b := os.Getenv("MCP_VICTORIA_METRICS"); b != "" {
		return b
	}
	return "/usr/bin/victoria-metrics"
}

// victoria is a running single-node VictoriaMetrics.
type victoria struct {
	URL string
	PID int
}

// startVictoriaMetrics starts VictoriaMetrics on a free loopback port with its data in a
// temporary folder, imports the OpenMetrics text `om` (the dataset the Prometheus of the
// same test is backfilled with; its last sample at `end`), makes it searchable and stops
// the process by PID when the test ends.
func startVictoriaMetrics(t *testing.T, om []byte, end time.Time) *victoria {
	t.Helper()
	bin := victoriaMetricsBinary()
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%s is missing: install Debian's victoria-metrics package (scripts/deps.sh does)", bin)
	}
	port, err := fixture.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	var logs bytes.Buffer
	cmd := exec.Command(bin,
		"-httpListenAddr="+addr,
		"-storageDataPath="+t.TempDir(),
		// Keep a dataset of any date (the default keeps a month).
		"-retentionPeriod=100y",
		// By default the newest 30 s are hidden from queries, and answers are cached
		// (a cache that would not see the imported past).
		"-search.latencyOffset=0s",
		"-search.disableCache",
		"-loggerLevel=ERROR",
	)
	cmd.Stdout = &logs
	cmd.Stderr = &logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	vm := &victoria{URL: "http://" + addr, PID: cmd.Process.Pid}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() { testkit.StopProcess(vm.PID, exited) })

	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("victoria-metrics exited before it answered (%v):\n%s", waitErr, logs.String())
		default:
		}
		if resp, err := http.Get(vm.URL + "/health"); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("victoria-metrics at %s did not answer /health within 30 s:\n%s", addr, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}

	text, samples := prometheusText(t, om)
	post(t, vm.URL+"/api/v1/import/prometheus", text)
	post(t, vm.URL+"/internal/force_flush", nil)
	// The import is searchable once every sample counts. VictoriaMetrics answers the
	// Prometheus query API, so the fixture's client reads it.
	api := &fixture.Prometheus{URL: vm.URL}
	for {
		got := api.Query(t, `sum(count_over_time({__name__=~".+"}[1d]))`, end.Add(time.Minute))
		if len(got) == 1 && got[0].Samples[0].V == float64(samples) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("victoria-metrics holds not the %d samples imported: %v", samples, got)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return vm
}

// prometheusText turns the dataset's OpenMetrics text (timestamps in seconds) into the
// Prometheus text format VictoriaMetrics imports (timestamps in milliseconds), and counts
// the samples.
func prometheusText(t *testing.T, om []byte) ([]byte, int) {
	t.Helper()
	var out bytes.Buffer
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(om))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		sec, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("dataset line without a timestamp: %q", line)
		}
		fmt.Fprintf(&out, "%s %d\n", line[:i], int64(sec*1000))
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes(), n
}

func post(t *testing.T, url string, body []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("POST %s: HTTP %d: %s", url, resp.StatusCode, b)
	}
}
