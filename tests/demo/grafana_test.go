// Package demo tests the demo's Grafana-server mode (scripts/demo_grafana.py): the command
// line it runs Grafana with, the grafana.ini and provisioning it writes, the port it waits
// on, and the pid it leaves for the demo to stop.
//
// No Grafana server runs where this project is tested (it is AGPL and not installed), so a
// stand-in takes its place: this test binary itself, copied as bin/grafana or
// bin/grafana-server, which records its arguments, environment and the ini it was given and
// answers /api/health on the port that ini names, on loopback, until it is stopped. That
// shows what the demo asks of Grafana, not what Grafana does with it.
package demo

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

// recordEnv names the file the stand-in writes its record to; set, the binary is the stand-in.
const recordEnv = "MCP_GRAFANA_STANDIN_RECORD"

func TestMain(m *testing.M) {
	if path := os.Getenv(recordEnv); path != "" {
		if err := standIn(path); err != nil {
			os.Stderr.WriteString("stand-in grafana: " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

type record struct {
	Exe  string            `json:"exe"`
	Args []string          `json:"args"`
	Env  []string          `json:"env"`
	Cwd  string            `json:"cwd"`
	Ini  map[string]string `json:"ini"`
}

// standIn is the stand-in Grafana: records, then serves /api/health until SIGTERM.
func standIn(path string) error {
	args := os.Args[1:]
	i := slices.Index(args, "--config")
	if i < 0 || i+1 >= len(args) {
		return fmt.Errorf("no --config in %q", args)
	}
	ini, err := readIni(args[i+1])
	if err != nil {
		return err
	}
	cwd, _ := os.Getwd()
	rec, err := json.Marshal(record{Exe: os.Args[0], Args: args, Env: os.Environ(), Cwd: cwd, Ini: ini})
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, rec, 0o644); err != nil {
		return err
	}
	l, err := net.Listen("tcp", net.JoinHostPort(ini["server.http_addr"], ini["server.http_port"]))
	if err != nil {
		return err
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	mux := http.NewServeMux()
	mux.HandleFunc("/api/health", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"database":"ok","version":"stand-in"}`)
	})
	go func() { _ = http.Serve(l, mux) }()
	<-stop
	return nil
}

// readIni reads an ini file into "section.key" -> value.
func readIni(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = strings.Trim(line, "[]")
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				return nil, fmt.Errorf("%s: not key = value: %q", path, line)
			}
			out[section+"."+strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out, sc.Err()
}

// install puts this test binary at dir/bin/<name> with Grafana's conf/defaults.ini beside it,
// as a Grafana tarball lays itself out.
func install(t *testing.T, dir, name string) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "bin", name)
	for _, p := range []string{exe, filepath.Join(dir, "conf", "defaults.ini")} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(exe, data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "conf", "defaults.ini"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return exe
}

// pluginIDs are the ids of the two plugins, from their manifests.
func pluginIDs(t *testing.T, root string) []string {
	t.Helper()
	var ids []string
	for _, p := range []string{"plugin.json", "frontend/src/panel/plugin.json"} {
		data, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Fatal(err)
		}
		var m struct{ ID string }
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	return ids
}

// dist lays out the built plugins as the frontend build does: dist/<id>/plugin.json.
func dist(t *testing.T, ids []string) string {
	t.Helper()
	d := t.TempDir()
	for _, id := range ids {
		if err := os.MkdirAll(filepath.Join(d, id), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, id, "plugin.json"), []byte(`{"id":"`+id+`"}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// demoEnv is the environment without any Grafana: PATH holds only the given dirs and the
// system's, GRAFANA_HOME is unset.
func demoEnv(pathDirs ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PATH=") && !strings.HasPrefix(kv, "GRAFANA_HOME=") {
			env = append(env, kv)
		}
	}
	return append(env, "PATH="+strings.Join(append(pathDirs, "/usr/local/bin", "/usr/bin", "/bin"), ":"))
}

func TestFindsNoGrafanaWhenNoneIsInstalled(t *testing.T) {
	root := testkit.Root(t)
	cmd := exec.Command("python3", filepath.Join(root, "scripts", "demo_grafana.py"), "find")
	cmd.Env = demoEnv(t.TempDir())
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err == nil || !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("find without a Grafana: want exit 1, got %v: %s", err, out)
	}
}

func TestStartsGrafanaWithThePluginsAndTheProvisioning(t *testing.T) {
	root := testkit.Root(t)
	ids := pluginIDs(t, root)
	for _, tc := range []struct {
		name     string
		binary   string
		viaHome  bool
		wantArgs func(home, ini string) []string
	}{
		{"grafana on PATH", "grafana", false, func(home, ini string) []string {
			return []string{"server", "--homepath", home, "--config", ini}
		}},
		{"grafana-server under GRAFANA_HOME", "grafana-server", true, func(home, ini string) []string {
			return []string{"--homepath", home, "--config", ini}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			exe := install(t, home, tc.binary)
			state := t.TempDir()
			plugins := dist(t, ids)
			recordPath := filepath.Join(t.TempDir(), "record.json")
			const prometheus = "http://127.0.0.1:39090"

			var env []string
			if tc.viaHome {
				env = append(demoEnv(t.TempDir()), "GRAFANA_HOME="+home)
			} else {
				env = demoEnv(filepath.Join(home, "bin"))
			}
			env = append(env, recordEnv+"="+recordPath)

			find := exec.Command("python3", filepath.Join(root, "scripts", "demo_grafana.py"), "find")
			find.Env = env
			if out, err := find.Output(); err != nil || strings.TrimSpace(string(out)) != exe {
				t.Fatalf("find: want %s, got %q (%v)", exe, out, err)
			}

			start := exec.Command("python3", filepath.Join(root, "scripts", "demo_grafana.py"), "start",
				"--state", state, "--prometheus", prometheus, "--dist", plugins)
			start.Env = env
			started := time.Now()
			out, err := start.CombinedOutput()
			if err != nil {
				t.Fatalf("start: %v\n%s", err, out)
			}
			t.Logf("started in %s: %s", time.Since(started).Round(time.Millisecond), out)

			pidText, err := os.ReadFile(filepath.Join(state, "grafana", "pid"))
			if err != nil {
				t.Fatal(err)
			}
			proc := stopLater(t, strings.TrimSpace(string(pidText)))

			var rec record
			data, err := os.ReadFile(recordPath)
			if err != nil {
				t.Fatalf("the stand-in was not run: %v", err)
			}
			if err := json.Unmarshal(data, &rec); err != nil {
				t.Fatal(err)
			}
			ini := filepath.Join(state, "grafana", "grafana.ini")
			if rec.Exe != exe || !slices.Equal(rec.Args, tc.wantArgs(home, ini)) {
				t.Errorf("command line: want %s %q, got %s %q", exe, tc.wantArgs(home, ini), rec.Exe, rec.Args)
			}
			if rec.Cwd != home {
				t.Errorf("working directory: want Grafana's home %s, got %s", home, rec.Cwd)
			}

			// The URL printed is the port the ini names, answered there.
			url := "http://127.0.0.1:" + rec.Ini["server.http_port"]
			if rec.Ini["server.http_addr"] != "127.0.0.1" || !strings.Contains(string(out), url+"/d/mcp-ecosystem-overview") {
				t.Errorf("printed URL: want %s/d/mcp-ecosystem-overview on loopback, got %q (ini %v)", url, out, rec.Ini)
			}
			resp, err := http.Get(url + "/api/health")
			if err != nil {
				t.Fatalf("the port the ini names does not answer: %v", err)
			}
			resp.Body.Close()

			want := map[string]string{
				"paths.plugins":                          plugins,
				"paths.data":                             filepath.Join(state, "grafana", "data"),
				"paths.logs":                             filepath.Join(state, "grafana", "logs"),
				"paths.provisioning":                     filepath.Join(state, "grafana", "provisioning"),
				"plugins.allow_loading_unsigned_plugins": strings.Join(ids, ","),
				"dashboards.default_home_dashboard_path": filepath.Join(root, "provisioning", "dashboards", "mcp-ecosystem-overview.json"),
				"analytics.reporting_enabled":            "false",
				"analytics.check_for_updates":            "false",
			}
			for k, v := range want {
				if rec.Ini[k] != v {
					t.Errorf("grafana.ini %s: want %q, got %q", k, v, rec.Ini[k])
				}
			}
			for _, kv := range rec.Env {
				if strings.HasPrefix(kv, "GF_") {
					t.Errorf("Grafana's environment carries %s: the demo configures it by its ini only", kv)
				}
			}

			checkDatasources(t, filepath.Join(state, "grafana", "provisioning", "datasources", "mcp.yml"), prometheus)
			checkDashboards(t, filepath.Join(state, "grafana", "provisioning", "dashboards", "dashboards.yml"))

			// The demo stops Grafana by that pid.
			if err := proc.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			testkit.WaitFor(t, 10*time.Second, "the stand-in stops on SIGTERM", func() (bool, string) {
				_, err := http.Get(url + "/api/health")
				return err != nil, "still answering"
			})
		})
	}
}

// checkDatasources: the repository's datasources, every one at the demo's Prometheus.
func checkDatasources(t *testing.T, path, prometheus string) {
	t.Helper()
	var prov struct {
		Datasources []struct {
			UID  string `yaml:"uid"`
			Type string `yaml:"type"`
			URL  string `yaml:"url"`
		} `yaml:"datasources"`
	}
	testkit.ReadYAML(t, path, &prov)
	if len(prov.Datasources) == 0 {
		t.Fatalf("%s provisions no datasource", path)
	}
	for _, ds := range prov.Datasources {
		if ds.Type != "mahavishnu-mcp-datasource" || ds.URL != prometheus {
			t.Errorf("datasource %s: want type mahavishnu-mcp-datasource at %s, got %s at %s", ds.UID, prometheus, ds.Type, ds.URL)
		}
	}
}

// checkDashboards: the provider reads a folder holding both dashboards.
func checkDashboards(t *testing.T, path string) {
	t.Helper()
	var prov struct {
		Providers []map[string]any `yaml:"providers"`
	}
	testkit.ReadYAML(t, path, &prov)
	if len(prov.Providers) != 1 || prov.Providers[0]["type"] != "file" {
		t.Fatalf("%s: want one file provider, got %+v", path, prov.Providers)
	}
	options, _ := prov.Providers[0]["options"].(map[string]any)
	folder, _ := options["path"].(string)
	for _, f := range []string{"mcp-ecosystem-overview.json", "mahavishnu-otlp-overview.json"} {
		if _, err := os.Stat(filepath.Join(folder, f)); err != nil {
			t.Errorf("the dashboard provider's folder lacks %s: %v", f, err)
		}
	}
}

// stopLater finds the process of a pid and kills it when the test ends, if still running.
func stopLater(t *testing.T, pid string) *os.Process {
	t.Helper()
	n, err := strconv.Atoi(pid)
	if err != nil {
		t.Fatalf("pid file: %q: %v", pid, err)
	}
	proc, err := os.FindProcess(n)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proc.Kill() })
	return proc
}
