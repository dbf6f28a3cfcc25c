package host

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/internal/syncbuf"
)

// HandshakeLine is the go-plugin handshake a Grafana datasource plugin must print first:
// core protocol 1, app protocol 2, TCP on loopback, gRPC.
var HandshakeLine = regexp.MustCompile(`^1\|2\|tcp\|127\.0\.0\.1:([0-9]{1,5})\|grpc$`)

// RawProcess is the plugin started by hand with Grafana's environment, without go-plugin, to
// look at its first stdout line byte for byte.
type RawProcess struct {
	Cmd       *exec.Cmd
	FirstLine string
	// Rest receives every later stdout line.
	Rest   *syncbuf.Buffer
	Stderr *syncbuf.Buffer
}

// StartRaw runs the binary with the magic cookie and PLUGIN_* variables as go-plugin sets
// them and reads the first stdout line within the deadline. The process is killed by PID
// when the test ends.
func StartRaw(t testing.TB, binary string, env ...string) *RawProcess {
	t.Helper()
	if binary == "" {
		var err error
		binary, err = BinaryPath()
		if err != nil {
			t.Fatal(err)
		}
	}
	RequireBinary(t, binary)
	cmd := exec.Command(binary)
	cmd.Env = append(append([]string{}, os.Environ()...),
		"grafana_plugin_type=datasource",
		"PLUGIN_PROTOCOL_VERSIONS=2",
		"PLUGIN_MIN_PORT=10000",
		"PLUGIN_MAX_PORT=25000",
		"GF_VERSION="+GrafanaVersion,
	)
	cmd.Env = append(cmd.Env, env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	rp := &RawProcess{Cmd: cmd, Rest: &syncbuf.Buffer{}, Stderr: &syncbuf.Buffer{}}
	cmd.Stderr = rp.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", binary, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})

	lines := make(chan string, 1)
	readErr := make(chan error, 1)
	go func() {
		r := bufio.NewReader(stdout)
		first, err := r.ReadString('\n')
		if err != nil {
			readErr <- fmt.Errorf("reading the first stdout line: %w (read %q)", err, first)
			return
		}
		lines <- first
		_, _ = io.Copy(rp.Rest, r)
	}()
	select {
	case l := <-lines:
		rp.FirstLine = l
	case err := <-readErr:
		t.Fatalf("%v\nstderr:\n%s", err, rp.Stderr.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("no handshake line on stdout within 20s\nstderr:\n%s", rp.Stderr.String())
	}
	return rp
}

// Address is the host:port of the handshake line, or "" when it does not match.
func (r *RawProcess) Address() string {
	m := HandshakeLine.FindStringSubmatch(strings.TrimRight(r.FirstLine, "\r\n"))
	if m == nil {
		return ""
	}
	return "127.0.0.1:" + m[1]
}
