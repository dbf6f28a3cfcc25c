// Package compose checks docker-compose.yml without a Docker engine: every file it mounts
// exists, every plugin it loads is one of ours, and the names and ports that the
// provisioned datasources, the Prometheus scrape targets and the collector use are served
// by a service of the stack.
package compose

import (
	"encoding/json"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

type service struct {
	Image       string                                `yaml:"image"`
	Build       *struct{ Context, Dockerfile string } `yaml:"build"`
	Command     any                                   `yaml:"command"`
	Environment map[string]string                     `yaml:"environment"`
	Volumes     []string                              `yaml:"volumes"`
	Ports       []string                              `yaml:"ports"`
	NetworkMode string                                `yaml:"network_mode"`
	Networks    map[string]struct {
		Aliases []string `yaml:"aliases"`
	} `yaml:"networks"`
}

type stack struct {
	root     string
	services map[string]service
	volumes  map[string]any
}

func load(t *testing.T) stack {
	t.Helper()
	root := testkit.Root(t)
	var file struct {
		Services map[string]service `yaml:"services"`
		Volumes  map[string]any     `yaml:"volumes"`
	}
	testkit.ReadYAML(t, filepath.Join(root, "docker-compose.yml"), &file)
	if len(file.Services) == 0 {
		t.Fatal("docker-compose.yml defines no services")
	}
	return stack{root: root, services: file.Services, volumes: file.Volumes}
}

// args lists a service's command as separate arguments.
func (s service) args() []string {
	switch c := s.Command.(type) {
	case string:
		return strings.Fields(c)
	case []any:
		out := make([]string, 0, len(c))
		for _, a := range c {
			if str, ok := a.(string); ok {
				out = append(out, str)
			}
		}
		return out
	}
	return nil
}

// flag returns every value of --name=value or --name value in a service's command.
func (s service) flag(name string) []string {
	var out []string
	args := s.args()
	for i, a := range args {
		switch {
		case strings.HasPrefix(a, "--"+name+"="):
			out = append(out, strings.TrimPrefix(a, "--"+name+"="))
		case a == "--"+name && i+1 < len(args):
			out = append(out, args[i+1])
		}
	}
	return out
}

// netns is the service whose network a service uses: itself, or the one its
// network_mode names.
func (st stack) netns(name string) string {
	if mode := st.services[name].NetworkMode; strings.HasPrefix(mode, "service:") {
		return strings.TrimPrefix(mode, "service:")
	}
	return name
}

// listens reports the ports served in a network namespace, by the services in it.
func (st stack) listens(ns string) map[string]string {
	out := map[string]string{}
	for name, svc := range st.services {
		if st.netns(name) != ns {
			continue
		}
		for _, p := range knownPorts(svc) {
			out[p] = name
		}
	}
	return out
}

// knownPorts is what a service listens on: from its flags where the project sets them,
// from the image's documented defaults otherwise.
func knownPorts(svc service) []string {
	var ports []string
	for _, addr := range svc.flag("web.listen-address") {
		if _, port, err := net.SplitHostPort(addr); err == nil {
			ports = append(ports, port)
		}
	}
	for _, sp := range svc.flag("server-port") {
		if _, port, ok := strings.Cut(sp, "="); ok {
			ports = append(ports, port)
		}
	}
	ports = append(ports, svc.flag("control-port")...)
	switch {
	case strings.HasPrefix(svc.Image, "jaegertracing/all-in-one:"):
		ports = append(ports, "16686", "4317", "4318")
	case strings.HasPrefix(svc.Image, "otel/opentelemetry-collector"):
		ports = append(ports, "4317", "4318")
	case strings.HasPrefix(svc.Image, "grafana/grafana:"):
		ports = append(ports, "3000")
	}
	return ports
}

// resolve finds the namespace a host name reaches inside the stack's network. A service
// in another's network (network_mode: service:X) has no name of its own there.
func (st stack) resolve(hostname string) (string, bool) {
	for name, svc := range st.services {
		if svc.NetworkMode != "" {
			continue
		}
		if name == hostname || slices.Contains(svc.Networks["default"].Aliases, hostname) {
			return st.netns(name), true
		}
	}
	return "", false
}

// reaches checks that from a service, host:port is served by some service of the stack.
func (st stack) reaches(t *testing.T, from, hostport, what string) {
	t.Helper()
	hostname, port, err := net.SplitHostPort(hostport)
	if err != nil {
		t.Errorf("%s: %q is not host:port", what, hostport)
		return
	}
	ns := st.netns(from)
	if hostname != "127.0.0.1" && hostname != "localhost" {
		var ok bool
		if ns, ok = st.resolve(hostname); !ok {
			t.Errorf("%s: host %q is no service or alias of docker-compose.yml", what, hostname)
			return
		}
	}
	if _, ok := st.listens(ns)[port]; !ok {
		t.Errorf("%s: nothing in the network of %q listens on port %s (serving there: %v)", what, ns, port, st.listens(ns))
	}
}

func urlHostPort(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		t.Fatalf("%q is not a URL with a host", raw)
	}
	return u.Host
}

func TestEveryMountedPathExists(t *testing.T) {
	st := load(t)
	for name, svc := range st.services {
		for _, v := range svc.Volumes {
			src, _, _ := strings.Cut(v, ":")
			if !strings.HasPrefix(src, "./") {
				if _, ok := st.volumes[src]; !ok {
					t.Errorf("service %s mounts %q, neither a ./path nor a named volume of the file", name, src)
				}
				continue
			}
			if strings.HasPrefix(src, "./dist/") {
				continue // build output, checked by TestGrafanaLoadsOurPlugins
			}
			if _, err := os.Stat(filepath.Join(st.root, src)); err != nil {
				t.Errorf("service %s mounts %s, which does not exist in the repository", name, src)
			}
		}
		if svc.Build != nil {
			if _, err := os.Stat(filepath.Join(st.root, svc.Build.Context, svc.Build.Dockerfile)); err != nil {
				t.Errorf("service %s builds from %s, which does not exist", name, svc.Build.Dockerfile)
			}
		}
		if svc.Image == "" && svc.Build == nil {
			t.Errorf("service %s has neither an image nor a build", name)
		}
		if strings.HasSuffix(svc.Image, ":latest") || (svc.Image != "" && !strings.Contains(svc.Image, ":")) {
			t.Errorf("service %s: image %q is not pinned to a version", name, svc.Image)
		}
	}
}

// manifests lists the plugin ids this repository builds: the root plugin.json and the
// frontend's plugin manifests.
func manifests(t *testing.T, root string) []string {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(root, "frontend", "src", "*", "plugin.json"))
	paths = append(paths, filepath.Join(root, "plugin.json"))
	var ids []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(b, &m); err != nil || m.ID == "" {
			t.Fatalf("%s: no plugin id (%v)", p, err)
		}
		if !slices.Contains(ids, m.ID) {
			ids = append(ids, m.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

func TestGrafanaLoadsOurPlugins(t *testing.T) {
	st := load(t)
	grafana, ok := st.services["grafana"]
	if !ok {
		t.Fatal("no grafana service")
	}
	if !regexp.MustCompile(`^grafana/grafana:10\.4\.\d+$`).MatchString(grafana.Image) {
		t.Errorf("grafana image %q: the stack runs the oldest Grafana the plugins support, 10.4.x", grafana.Image)
	}
	want := manifests(t, st.root)
	var mounted []string
	for _, v := range grafana.Volumes {
		parts := strings.Split(v, ":")
		if len(parts) < 2 || !strings.HasPrefix(parts[0], "./dist/") {
			continue
		}
		id := strings.TrimPrefix(parts[0], "./dist/")
		if parts[1] != "/var/lib/grafana/plugins/"+id {
			t.Errorf("dist/%s is mounted at %s, want /var/lib/grafana/plugins/%s", id, parts[1], id)
		}
		mounted = append(mounted, id)
	}
	sort.Strings(mounted)
	if !slices.Equal(mounted, want) {
		t.Errorf("grafana mounts plugins %v from dist/, the repository builds %v", mounted, want)
	}
	unsigned := strings.Split(grafana.Environment["GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS"], ",")
	sort.Strings(unsigned)
	if !slices.Equal(unsigned, want) {
		t.Errorf("GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS lists %v, want %v", unsigned, want)
	}
}

func TestGrafanaProvisioningIsWhereTheProviderLooks(t *testing.T) {
	st := load(t)
	targets := map[string]string{}
	for _, v := range st.services["grafana"].Volumes {
		parts := strings.Split(v, ":")
		if len(parts) >= 2 {
			targets[parts[0]] = parts[1]
		}
	}
	if got := targets["./provisioning/datasources"]; got != "/etc/grafana/provisioning/datasources" {
		t.Errorf("provisioning/datasources is mounted at %q, want /etc/grafana/provisioning/datasources", got)
	}
	var provider struct {
		Providers []struct {
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	testkit.ReadYAML(t, filepath.Join(st.root, "provisioning", "dashboards", "dashboards.yml"), &provider)
	if len(provider.Providers) == 0 {
		t.Fatal("dashboards.yml has no provider")
	}
	for _, p := range provider.Providers {
		if targets["./provisioning/dashboards"] != p.Options.Path {
			t.Errorf("the dashboard provider reads %q, provisioning/dashboards is mounted at %q", p.Options.Path, targets["./provisioning/dashboards"])
		}
	}
	home := st.services["grafana"].Environment["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
	if rel, ok := strings.CutPrefix(home, "/etc/grafana/provisioning/dashboards/"); !ok {
		t.Errorf("home dashboard %q is not in the mounted dashboards folder", home)
	} else if _, err := os.Stat(filepath.Join(st.root, "provisioning", "dashboards", rel)); err != nil {
		t.Errorf("home dashboard %s does not exist", rel)
	}
}

func TestDatasourceURLsReachAService(t *testing.T) {
	st := load(t)
	files, _ := filepath.Glob(filepath.Join(st.root, "provisioning", "datasources", "*.yml"))
	if len(files) == 0 {
		t.Fatal("no provisioned datasources")
	}
	uids := map[string]bool{}
	var traceUIDs []string
	for _, f := range files {
		var file struct {
			Datasources []struct {
				Name     string         `yaml:"name"`
				UID      string         `yaml:"uid"`
				URL      string         `yaml:"url"`
				JSONData map[string]any `yaml:"jsonData"`
			} `yaml:"datasources"`
		}
		testkit.ReadYAML(t, f, &file)
		for _, ds := range file.Datasources {
			uids[ds.UID] = true
			st.reaches(t, "grafana", urlHostPort(t, ds.URL), "datasource "+ds.Name)
			if uid, ok := ds.JSONData["traceDatasourceUid"].(string); ok {
				traceUIDs = append(traceUIDs, uid)
			}
		}
	}
	for _, uid := range traceUIDs {
		if !uids[uid] {
			t.Errorf("traceDatasourceUid %q names no provisioned datasource", uid)
		}
	}
}

func TestPrometheusScrapesTheServersAndLoadsTheRules(t *testing.T) {
	st := load(t)
	prom, ok := st.services["prometheus"]
	if !ok {
		t.Fatal("no prometheus service")
	}
	if !slices.Contains(prom.flag("enable-feature"), "exemplar-storage") {
		t.Error("prometheus runs without --enable-feature=exemplar-storage: exemplars would be dropped")
	}
	var cfg struct {
		RuleFiles     []string `yaml:"rule_files"`
		ScrapeConfigs []struct {
			JobName       string `yaml:"job_name"`
			StaticConfigs []struct {
				Targets []string `yaml:"targets"`
			} `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	testkit.ReadYAML(t, filepath.Join(st.root, "provisioning", "prometheus", "prometheus.yml"), &cfg)
	mountedAt := ""
	for _, v := range prom.Volumes {
		if parts := strings.Split(v, ":"); len(parts) >= 2 && parts[0] == "./provisioning/prometheus" {
			mountedAt = parts[1]
		}
	}
	configFlag := prom.flag("config.file")
	if len(configFlag) != 1 || configFlag[0] != mountedAt+"/prometheus.yml" {
		t.Errorf("prometheus reads %v; provisioning/prometheus is mounted at %q", configFlag, mountedAt)
	}
	for _, rf := range cfg.RuleFiles {
		if _, err := os.Stat(filepath.Join(st.root, "provisioning", "prometheus", rf)); err != nil {
			t.Errorf("rule file %s does not exist", rf)
		}
	}
	served := map[string]string{}
	for name, svc := range st.services {
		for _, sp := range svc.flag("server-port") {
			if job, port, ok := strings.Cut(sp, "="); ok {
				served[job] = name + ":" + port
			}
		}
	}
	if len(cfg.ScrapeConfigs) == 0 {
		t.Fatal("prometheus.yml has no scrape configs")
	}
	for _, sc := range cfg.ScrapeConfigs {
		for _, static := range sc.StaticConfigs {
			for _, target := range static.Targets {
				st.reaches(t, "prometheus", target, "scrape job "+sc.JobName)
				_, port, _ := net.SplitHostPort(target)
				if got := served[sc.JobName]; !strings.HasSuffix(got, ":"+port) {
					t.Errorf("scrape job %s targets port %s; the stack serves that job at %q", sc.JobName, port, got)
				}
			}
		}
	}
}

func TestCollectorExportsToServicesOfTheStack(t *testing.T) {
	st := load(t)
	var cfg struct {
		Exporters map[string]struct {
			Endpoint string `yaml:"endpoint"`
		} `yaml:"exporters"`
	}
	testkit.ReadYAML(t, filepath.Join(st.root, "provisioning", "otel", "collector.yml"), &cfg)
	if len(cfg.Exporters) == 0 {
		t.Fatal("collector.yml has no exporters")
	}
	for name, exp := range cfg.Exporters {
		hostport := exp.Endpoint
		if strings.Contains(hostport, "://") {
			hostport = urlHostPort(t, hostport)
		}
		st.reaches(t, "otel-collector", hostport, "collector exporter "+name)
	}
}
