// Package host launches the plugin binary the way Grafana does and calls it over pluginv2.
//
// Grafana starts a backend plugin with hashicorp/go-plugin (protocol 2, magic cookie
// grafana_plugin_type=datasource, gRPC only, no AutoMTLS) and talks to it with the gRPC
// clients generated in grafana-plugin-sdk-go/genproto/pluginv2. This package does the same,
// so a test sees exactly what Grafana would see:
//
//	p := host.Start(t, host.Options{})                  // binary from MCP_PLUGIN_BINARY or target/debug/gpx_mcp
//	hr, _ := p.CheckHealth(ctx, host.Settings{URL: prom.URL})
//	res, _ := p.QueryData(ctx, settings, nil, host.Query{RefID: "A", QueryType: "requestRate", ...})
//	res["A"].Frames                                      // decoded by the SDK's Arrow decoder
//	code, body, _ := p.CallResource(ctx, settings, "GET", "services?from=..&to=..", nil)
//	p.Logs()                                             // everything written to stdout and stderr
//
// The process is stopped by its PID when the test ends.
package host

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"github.com/hashicorp/go-plugin/runner"

	"github.com/mahavishnu/mcp-grafana/tests/internal/syncbuf"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

// PluginID is the datasource plugin id every request carries in its PluginContext.
const PluginID = "mahavishnu-mcp-datasource"

// GrafanaVersion is what the host announces in GF_VERSION.
const GrafanaVersion = "10.4.0"

// Options tell Start which binary to run and what to add to its environment.
type Options struct {
	// Binary is the plugin executable; empty means BinaryPath().
	Binary string
	// Env holds extra KEY=VALUE entries, as Grafana adds GF_PLUGIN_* from its ini file.
	Env []string
}

// Settings is one datasource instance as a user configures it in Grafana.
type Settings struct {
	URL           string
	BasicAuth     bool
	BasicAuthUser string
	JSONData      map[string]any
	Secure        map[string]string
	UID           string
	// Updated changes the instance version: Grafana sends a new lastUpdatedMS after a save.
	Updated time.Time
}

// Query is one panel query (one refId).
type Query struct {
	RefID         string
	QueryType     string
	From, To      time.Time
	IntervalMS    int64
	MaxDataPoints int64
	JSON          map[string]any
	// RawJSON, when set, is sent as the query JSON instead of JSON (for malformed queries).
	RawJSON []byte
}

// Response is the decoded answer for one refId.
type Response struct {
	Frames data.Frames
	Error  string
	Status int32
	// ErrorSource is "plugin" or "downstream" when the plugin sets it.
	ErrorSource string
}

// Health is the decoded CheckHealth answer.
type Health struct {
	Status  pluginv2.CheckHealthResponse_HealthStatus
	Message string
	Details map[string]any
	Raw     []byte
}

// Plugin is a running plugin process driven over pluginv2.
type Plugin struct {
	t      testing.TB
	client *goplugin.Client
	data   pluginv2.DataClient
	diag   pluginv2.DiagnosticsClient
	res    pluginv2.ResourceClient
	run    *teeRunner
	stdout *syncbuf.Buffer
	stderr *syncbuf.Buffer
	binary string
}

// BinaryPath is the plugin binary the tests use: $MCP_PLUGIN_BINARY, else
// <repository root>/target/debug/gpx_mcp.
func BinaryPath() (string, error) {
	if p := os.Getenv("MCP_PLUGIN_BINARY"); p != "" {
		return filepath.Abs(p)
	}
	root, err := testkit.RepoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "target", "debug", "gpx_mcp"), nil
}

// RequireBinary fails the test, saying how to build it, when the plugin binary is missing.
func RequireBinary(t testing.TB, path string) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatalf("plugin binary %s is missing (%v): run `cargo build -p mcp-plugin` at the repository root, or set MCP_PLUGIN_BINARY", path, err)
	}
	if st.Mode()&0o111 == 0 {
		t.Fatalf("plugin binary %s is not executable: run `cargo build -p mcp-plugin`", path)
	}
}

// Start launches the plugin as Grafana does and stops it when the test ends.
func Start(t testing.TB, opts Options) *Plugin {
	t.Helper()
	bin := opts.Binary
	if bin == "" {
		var err error
		bin, err = BinaryPath()
		if err != nil {
			t.Fatal(err)
		}
	}
	RequireBinary(t, bin)

	p := &Plugin{t: t, stdout: &syncbuf.Buffer{}, stderr: &syncbuf.Buffer{}, binary: bin}

	// Grafana's environment for a plugin: its own GF_* entries, then the host environment and
	// the magic cookie and PLUGIN_* entries that go-plugin appends.
	grafanaEnv := append([]string{
		"GF_VERSION=" + GrafanaVersion,
		"GF_EDITION=oss",
		"GF_PLUGIN_APP_URL=http://127.0.0.1:3000/",
	}, opts.Env...)

	hostLog := hclog.New(&hclog.LoggerOptions{
		Name:   "grafana.plugin",
		Level:  hclog.Debug,
		Output: io.Discard,
	})

	p.client = goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig: goplugin.HandshakeConfig{
			ProtocolVersion:  grpcplugin.ProtocolVersion,
			MagicCookieKey:   grpcplugin.MagicCookieKey,
			MagicCookieValue: grpcplugin.MagicCookieValue,
		},
		VersionedPlugins: map[int]goplugin.PluginSet{
			grpcplugin.ProtocolVersion: {
				"diagnostics": &grpcplugin.DiagnosticsGRPCPlugin{},
				"resource":    &grpcplugin.ResourceGRPCPlugin{},
				"data":        &grpcplugin.DataGRPCPlugin{},
				"stream":      &grpcplugin.StreamGRPCPlugin{},
			},
		},
		Logger:           hostLog,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		Stderr:           p.stderr,
		StartTimeout:     20 * time.Second,
		// go-plugin's own command runner would drop every stdout line after the handshake;
		// this one runs the same command and copies stdout for the tests.
		RunnerFunc: func(_ hclog.Logger, spec *exec.Cmd, _ string) (runner.Runner, error) {
			r, err := newTeeRunner(grafanaCommand(bin, grafanaEnv, spec), p.stdout)
			p.run = r
			return r, err
		},
	})
	t.Cleanup(p.Kill)

	rpc, err := p.client.Client()
	if err != nil {
		t.Fatalf("plugin %s did not complete the go-plugin handshake: %v\nstdout:\n%s\nstderr:\n%s", bin, err, p.stdout.String(), p.stderr.String())
	}
	p.data = mustDispense[grpcplugin.DataClient](t, rpc, "data")
	p.diag = mustDispense[grpcplugin.DiagnosticsClient](t, rpc, "diagnostics")
	p.res = mustDispense[grpcplugin.ResourceClient](t, rpc, "resource")
	return p
}

// grafanaCommand is the command Grafana's go-plugin client runs: the binary, Grafana's
// entries, then what go-plugin put in spec (host environment, magic cookie, PLUGIN_*), less
// the unix-socket directory go-plugin adds only for custom runners.
func grafanaCommand(bin string, grafanaEnv []string, spec *exec.Cmd) *exec.Cmd {
	cmd := exec.Command(bin)
	cmd.Env = append([]string{}, grafanaEnv...)
	for _, kv := range spec.Env {
		if strings.HasPrefix(kv, "PLUGIN_UNIX_SOCKET_DIR=") {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Stdin = spec.Stdin
	return cmd
}

func mustDispense[T any](t testing.TB, rpc goplugin.ClientProtocol, name string) T {
	t.Helper()
	raw, err := rpc.Dispense(name)
	if err != nil {
		t.Fatalf("dispense %s: %v", name, err)
	}
	c, ok := raw.(T)
	if !ok {
		t.Fatalf("dispense %s: unexpected client type %T", name, raw)
	}
	return c
}

// PID is the plugin's process id.
func (p *Plugin) PID() int {
	if p.run == nil {
		return 0
	}
	return p.run.pid
}

// Exited reports whether the plugin process has ended.
func (p *Plugin) Exited() bool {
	return p.client.Exited()
}

// Alive reports whether the process still exists (signal 0).
func (p *Plugin) Alive() bool {
	pid := p.PID()
	if pid == 0 || p.client.Exited() {
		return false
	}
	return syscall.Kill(pid, 0) == nil
}

// Kill stops the plugin as Grafana does (graceful gRPC shutdown, then kill by PID).
func (p *Plugin) Kill() {
	if p.client != nil {
		p.client.Kill()
	}
}

// Stdout is everything the plugin wrote to stdout, the handshake line included.
func (p *Plugin) Stdout() string { return p.stdout.String() }

// Stderr is everything the plugin wrote to stderr.
func (p *Plugin) Stderr() string { return p.stderr.String() }

// Logs is stdout followed by stderr, for secret checks.
func (p *Plugin) Logs() string { return p.stdout.String() + "\n" + p.stderr.String() }

// Binary is the path that was launched.
func (p *Plugin) Binary() string { return p.binary }

// PluginContext builds what Grafana sends with every call for this datasource instance.
func (s Settings) PluginContext() (*pluginv2.PluginContext, error) {
	jd := s.JSONData
	if jd == nil {
		jd = map[string]any{}
	}
	raw, err := json.Marshal(jd)
	if err != nil {
		return nil, fmt.Errorf("jsonData: %w", err)
	}
	uid := s.UID
	if uid == "" {
		uid = "mcp-test"
	}
	updated := s.Updated
	if updated.IsZero() {
		updated = time.Unix(1700000000, 0)
	}
	secure := map[string]string{}
	for k, v := range s.Secure {
		secure[k] = v
	}
	return &pluginv2.PluginContext{
		OrgId:         1,
		PluginId:      PluginID,
		PluginVersion: "0.1.0",
		UserAgent:     "Grafana/" + GrafanaVersion + " (linux; amd64)",
		GrafanaConfig: map[string]string{},
		User:          &pluginv2.User{Login: "admin", Name: "admin", Email: "admin@localhost", Role: "Admin"},
		DataSourceInstanceSettings: &pluginv2.DataSourceInstanceSettings{
			Id:                      1,
			Uid:                     uid,
			Name:                    "MCP",
			Url:                     s.URL,
			BasicAuthEnabled:        s.BasicAuth,
			BasicAuthUser:           s.BasicAuthUser,
			JsonData:                raw,
			DecryptedSecureJsonData: secure,
			LastUpdatedMS:           updated.UnixMilli(),
		},
	}, nil
}

// CheckHealth calls Diagnostics.CheckHealth as "Save & test" does.
func (p *Plugin) CheckHealth(ctx context.Context, s Settings) (*Health, error) {
	pc, err := s.PluginContext()
	if err != nil {
		return nil, err
	}
	resp, err := p.diag.CheckHealth(ctx, &pluginv2.CheckHealthRequest{PluginContext: pc, Headers: map[string]string{}})
	if err != nil {
		return nil, err
	}
	h := &Health{Status: resp.Status, Message: resp.Message, Raw: resp.JsonDetails}
	if len(resp.JsonDetails) > 0 {
		if err := json.Unmarshal(resp.JsonDetails, &h.Details); err != nil {
			return h, fmt.Errorf("health jsonDetails is not a JSON object: %w: %s", err, resp.JsonDetails)
		}
	}
	return h, nil
}

// QueryRequest builds the pluginv2 request Grafana would send for these queries.
func QueryRequest(s Settings, headers map[string]string, queries ...Query) (*pluginv2.QueryDataRequest, error) {
	pc, err := s.PluginContext()
	if err != nil {
		return nil, err
	}
	if headers == nil {
		headers = map[string]string{}
	}
	req := &pluginv2.QueryDataRequest{PluginContext: pc, Headers: headers}
	for _, q := range queries {
		raw := q.RawJSON
		if raw == nil {
			m := map[string]any{}
			for k, v := range q.JSON {
				m[k] = v
			}
			// Grafana's query JSON always repeats refId and queryType, and adds the
			// datasource reference, intervalMs and maxDataPoints.
			m["refId"] = q.RefID
			if q.QueryType != "" {
				m["queryType"] = q.QueryType
			}
			m["datasource"] = map[string]any{"type": PluginID, "uid": pc.DataSourceInstanceSettings.Uid}
			m["intervalMs"] = q.IntervalMS
			m["maxDataPoints"] = q.MaxDataPoints
			raw, err = json.Marshal(m)
			if err != nil {
				return nil, fmt.Errorf("query %s: %w", q.RefID, err)
			}
		}
		req.Queries = append(req.Queries, &pluginv2.DataQuery{
			RefId:         q.RefID,
			QueryType:     q.QueryType,
			MaxDataPoints: q.MaxDataPoints,
			IntervalMS:    q.IntervalMS,
			TimeRange:     &pluginv2.TimeRange{FromEpochMS: q.From.UnixMilli(), ToEpochMS: q.To.UnixMilli()},
			Json:          raw,
		})
	}
	return req, nil
}

// QueryData calls Data.QueryData and decodes every refId's frames with the SDK's Arrow decoder.
func (p *Plugin) QueryData(ctx context.Context, s Settings, headers map[string]string, queries ...Query) (map[string]Response, error) {
	req, err := QueryRequest(s, headers, queries...)
	if err != nil {
		return nil, err
	}
	resp, err := p.data.QueryData(ctx, req)
	if err != nil {
		return nil, err
	}
	out := map[string]Response{}
	for refID, dr := range resp.Responses {
		r := Response{Error: dr.Error, Status: dr.Status, ErrorSource: dr.ErrorSource}
		if len(dr.Frames) > 0 {
			frames, err := data.UnmarshalArrowFrames(dr.Frames)
			if err != nil {
				return nil, fmt.Errorf("refId %s: the SDK's Arrow decoder cannot read the frames: %w", refID, err)
			}
			r.Frames = frames
		}
		out[refID] = r
	}
	return out, nil
}

// CallResource calls Resource.CallResource as /api/datasources/uid/<uid>/resources/<pathAndQuery>
// does, and returns the status code and the concatenated body.
func (p *Plugin) CallResource(ctx context.Context, s Settings, method, pathAndQuery string, body []byte) (int, []byte, error) {
	r, err := p.Resource(ctx, s, method, pathAndQuery, map[string][]string{"Accept": {"application/json"}}, body)
	return r.Status, r.Body, err
}

// ResourceReply is a CallResource answer: status, the headers of its first message and
// the concatenated body.
type ResourceReply struct {
	Status  int
	Headers map[string][]string
	Body    []byte
}

// Resource calls Resource.CallResource with the request's own headers.
func (p *Plugin) Resource(ctx context.Context, s Settings, method, pathAndQuery string, headers map[string][]string, body []byte) (ResourceReply, error) {
	var r ResourceReply
	pc, err := s.PluginContext()
	if err != nil {
		return r, err
	}
	u, err := url.Parse(pathAndQuery)
	if err != nil {
		return r, fmt.Errorf("resource path %q: %w", pathAndQuery, err)
	}
	hs := map[string]*pluginv2.StringList{}
	for k, v := range headers {
		hs[k] = &pluginv2.StringList{Values: v}
	}
	stream, err := p.res.CallResource(ctx, &pluginv2.CallResourceRequest{
		PluginContext: pc,
		Path:          strings.TrimPrefix(u.Path, "/"),
		Method:        method,
		Url:           strings.TrimPrefix(u.String(), "/"),
		Headers:       hs,
		Body:          body,
	})
	if err != nil {
		return r, err
	}
	var buf bytes.Buffer
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			r.Body = buf.Bytes()
			return r, err
		}
		if msg.Code != 0 {
			r.Status = int(msg.Code)
		}
		if r.Headers == nil && len(msg.Headers) > 0 {
			r.Headers = map[string][]string{}
			for k, v := range msg.Headers {
				r.Headers[k] = v.Values
			}
		}
		buf.Write(msg.Body)
	}
	r.Body = buf.Bytes()
	return r, nil
}

// QueryDataProto sends a pluginv2 request as built and returns the plugin's answer
// undecoded, for a caller that converts it as Grafana does.
func (p *Plugin) QueryDataProto(ctx context.Context, req *pluginv2.QueryDataRequest) (*pluginv2.QueryDataResponse, error) {
	return p.data.QueryData(ctx, req)
}

// CheckHealthProto calls Diagnostics.CheckHealth and returns the answer undecoded.
func (p *Plugin) CheckHealthProto(ctx context.Context, s Settings) (*pluginv2.CheckHealthResponse, error) {
	pc, err := s.PluginContext()
	if err != nil {
		return nil, err
	}
	return p.diag.CheckHealth(ctx, &pluginv2.CheckHealthRequest{PluginContext: pc, Headers: map[string]string{}})
}

// CollectMetrics calls Diagnostics.CollectMetrics (Grafana's /api/plugins/<id>/metrics).
func (p *Plugin) CollectMetrics(ctx context.Context) ([]byte, error) {
	resp, err := p.diag.CollectMetrics(ctx, &pluginv2.CollectMetricsRequest{PluginContext: &pluginv2.PluginContext{OrgId: 1, PluginId: PluginID}})
	if err != nil {
		return nil, err
	}
	if resp.Metrics == nil {
		return nil, nil
	}
	return resp.Metrics.Prometheus, nil
}
