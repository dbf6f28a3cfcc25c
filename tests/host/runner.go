package host

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/hashicorp/go-plugin/runner"
)

// teeRunner runs the command go-plugin prepared (same path, arguments and environment) and
// copies its stdout to a buffer: go-plugin reads only the handshake line and drops the rest,
// but the tests must see anything else the plugin prints there.
type teeRunner struct {
	cmd    *exec.Cmd
	stdout io.ReadCloser
	stderr io.ReadCloser
	pid    int
}

var _ runner.Runner = (*teeRunner)(nil)

func newTeeRunner(cmd *exec.Cmd, copyTo io.Writer) (*teeRunner, error) {
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	return &teeRunner{cmd: cmd, stdout: teeReadCloser{Reader: io.TeeReader(out, copyTo), Closer: out}, stderr: errPipe}, nil
}

type teeReadCloser struct {
	io.Reader
	io.Closer
}

func (r *teeRunner) Start(context.Context) error {
	if err := r.cmd.Start(); err != nil {
		return err
	}
	r.pid = r.cmd.Process.Pid
	return nil
}

func (r *teeRunner) Wait(context.Context) error { return r.cmd.Wait() }

func (r *teeRunner) Kill(context.Context) error {
	if r.cmd.Process == nil {
		return nil
	}
	if err := r.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	return nil
}

func (r *teeRunner) Stdout() io.ReadCloser { return r.stdout }
func (r *teeRunner) Stderr() io.ReadCloser { return r.stderr }
func (r *teeRunner) Name() string          { return r.cmd.Path }
func (r *teeRunner) ID() string            { return fmt.Sprintf("%d", r.pid) }

func (r *teeRunner) Diagnose(context.Context) string {
	return "the plugin printed no valid go-plugin handshake line on stdout (expected 1|2|tcp|127.0.0.1:<port>|grpc)"
}

func (r *teeRunner) PluginToHost(n, a string) (string, string, error) { return n, a, nil }
func (r *teeRunner) HostToPlugin(n, a string) (string, string, error) { return n, a, nil }
