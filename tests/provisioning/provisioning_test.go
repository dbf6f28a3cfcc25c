// Package provisioning checks what users provision: the datasources and the two bundled
// dashboards. Every dashboard query runs through the plugin, as Grafana would send it,
// against the simulator and Debian's Prometheus, and must answer with data.
package provisioning

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"go.yaml.in/yaml/v3"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/host"
)

const pluginType = "mahavishnu-mcp-datasource"

type datasource struct {
	Name     string         `yaml:"name"`
	UID      string         `yaml:"uid"`
	Type     string         `yaml:"type"`
	URL      string         `yaml:"url"`
	JSONData map[string]any `yaml:"jsonData"`
}

func datasources(t *testing.T) map[string]datasource {
	t.Helper()
	var file struct {
		APIVersion  int          `yaml:"apiVersion"`
		Datasources []datasource `yaml:"datasources"`
	}
	readYAML(t, filepath.Join("datasources", "mcp.yml"), &file)
	if file.APIVersion != 1 {
		t.Errorf("datasources apiVersion %d, want 1", file.APIVersion)
	}
	out := map[string]datasource{}
	for _, ds := range file.Datasources {
		if ds.Type != pluginType {
			t.Errorf("datasource %q has type %q, want %q", ds.Name, ds.Type, pluginType)
		}
		if _, dup := out[ds.UID]; dup || ds.UID == "" {
			t.Errorf("datasource %q: uid %q is empty or used twice", ds.Name, ds.UID)
		}
		out[ds.UID] = ds
	}
	return out
}

func readYAML(t *testing.T, rel string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixture.RepoRoot(), "provisioning", rel))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
}

type panel struct {
	ID         int                         `json:"id"`
	Type       string                      `json:"type"`
	Title      string                      `json:"title"`
	GridPos    struct{ H, W, X, Y int }    `json:"gridPos"`
	Datasource *struct{ Type, UID string } `json:"datasource"`
	Targets    []map[string]any            `json:"targets"`
	Options    map[string]any              `json:"options"`
	Panels     []panel                     `json:"panels"`
}

type dashboard struct {
	UID        string   `json:"uid"`
	Title      string   `json:"title"`
	Tags       []string `json:"tags"`
	Templating struct {
		List []struct {
			Name, Type, Query string
			Current           struct{ Value string } `json:"current"`
		} `json:"list"`
	} `json:"templating"`
	Panels []panel `json:"panels"`
}

func readDashboard(t *testing.T, name string) dashboard {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixture.RepoRoot(), "provisioning", "dashboards", name))
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return d
}

// The dashboards' names are public (stored in users' links and alerts): they must not move.
var bundled = []struct {
	file, uid, title string
	tags             []string
	datasource       string // the provisioned datasource the dashboard defaults to
	profile          string // the simulator's metric profile that datasource reads
}{
	{"mcp-ecosystem-overview.json", "mcp-ecosystem-overview", "MCP Ecosystem", []string{"mcp", "mahavishnu", "monitoring"}, "mcp-ecosystem", ""},
	{"mahavishnu-otlp-overview.json", "mahavishnu-otlp-overview", "OTLP Overview", []string{"mcp", "mahavishnu", "monitoring"}, "mcp-ecosystem-otel", "otel"},
}

func TestDashboardsAreWellFormed(t *testing.T) {
	dss := datasources(t)
	var provider struct {
		Providers []struct {
			Type    string `yaml:"type"`
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	readYAML(t, filepath.Join("dashboards", "dashboards.yml"), &provider)
	if len(provider.Providers) != 1 || provider.Providers[0].Type != "file" || provider.Providers[0].Options.Path == "" {
		t.Errorf("dashboard provider: want one file provider with a path, got %+v", provider.Providers)
	}
	for _, b := range bundled {
		t.Run(b.file, func(t *testing.T) {
			d := readDashboard(t, b.file)
			if d.UID != b.uid || d.Title != b.title {
				t.Errorf("uid %q title %q, want %q %q", d.UID, d.Title, b.uid, b.title)
			}
			for _, tag := range b.tags {
				if !contains(d.Tags, tag) {
					t.Errorf("tags %v lack %q", d.Tags, tag)
				}
			}
			if len(d.Templating.List) != 1 || d.Templating.List[0].Type != "datasource" || d.Templating.List[0].Query != pluginType {
				t.Fatalf("want one datasource variable of type %s, got %+v", pluginType, d.Templating.List)
			}
			if def := d.Templating.List[0].Current.Value; def != b.datasource || dss[def].UID == "" {
				t.Errorf("datasource variable defaults to %q, want the provisioned %q", def, b.datasource)
			}
			var cells [24][200]int // grid occupancy: panels must not overlap
			ids := map[int]bool{}
			for _, p := range flatten(d.Panels) {
				if ids[p.ID] {
					t.Errorf("panel id %d used twice", p.ID)
				}
				ids[p.ID] = true
				g := p.GridPos
				if g.W < 1 || g.X < 0 || g.X+g.W > 24 || g.H < 1 || g.Y+g.H > len(cells[0]) {
					t.Errorf("panel %q: gridPos %+v is off the 24-column grid", p.Title, g)
					continue
				}
				for x := g.X; x < g.X+g.W; x++ {
					for y := g.Y; y < g.Y+g.H; y++ {
						if other := cells[x][y]; other != 0 {
							t.Errorf("panel %q overlaps panel id %d at (%d, %d)", p.Title, other, x, y)
						}
						cells[x][y] = p.ID
					}
				}
				if p.Type == "row" {
					continue
				}
				if len(p.Targets) == 0 {
					t.Errorf("panel %q has no query", p.Title)
				}
				for _, tg := range p.Targets {
					ds, _ := tg["datasource"].(map[string]any)
					if ds["type"] != pluginType || ds["uid"] != "${datasource}" {
						t.Errorf("panel %q query %v does not use the datasource variable", p.Title, tg["refId"])
					}
				}
			}
		})
	}
}

// TestDashboardQueriesAnswerWithData provisions each datasource as the file says (only the
// URL points at the test's Prometheus), checks it as "Save & test" does, and runs every
// dashboard query through it: each must answer without error and with rows.
func TestDashboardQueriesAnswerWithData(t *testing.T) {
	dss := datasources(t)
	bin, err := host.BinaryPath()
	if err != nil {
		t.Fatal(err)
	}
	host.RequireBinary(t, bin)
	p := host.Start(t, host.Options{Binary: bin})
	for _, b := range bundled {
		t.Run(b.file, func(t *testing.T) {
			eco := fixture.StartEcosystem(t, fixture.EcosystemOptions{
				Simulator: fixture.SimulatorOptions{Seed: 31, Profile: b.profile},
			})
			ds := dss[b.datasource]
			settings := host.Settings{URL: eco.Prom.URL, UID: ds.UID, JSONData: ds.JSONData}
			// Health needs a scrape or two before every family is there.
			deadline := time.Now().Add(2 * time.Minute)
			for {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				h, err := p.CheckHealth(ctx, settings)
				cancel()
				if err != nil {
					t.Fatal(err)
				}
				if h.Status == pluginv2.CheckHealthResponse_OK {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("health of the provisioned %s: %s", ds.UID, h.Message)
				}
				time.Sleep(250 * time.Millisecond)
			}
			for _, pn := range flatten(readDashboard(t, b.file).Panels) {
				for _, tg := range pn.Targets {
					q := host.Query{RefID: fmt.Sprint(tg["refId"]), QueryType: fmt.Sprint(tg["queryType"]), MaxDataPoints: 600, JSON: tg}
					// A table panel shows one frame (options.frameIndex): that one needs rows.
					shown := -1
					if i, ok := pn.Options["frameIndex"].(float64); ok {
						shown = int(i)
					}
					// An error fails at once; an answer without rows is retried until the
					// simulator's series have been scraped long enough to have rates.
					deadline := time.Now().Add(60 * time.Second)
					for {
						q.To = time.Now()
						q.From = q.To.Add(-5 * time.Minute)
						failed, empty := answer(p, settings, q, shown)
						if failed != "" {
							t.Errorf("panel %q (%s): %s", pn.Title, q.QueryType, failed)
							break
						}
						if empty == "" {
							break
						}
						if time.Now().After(deadline) {
							t.Errorf("panel %q (%s): %s", pn.Title, q.QueryType, empty)
							break
						}
						time.Sleep(500 * time.Millisecond)
					}
				}
			}
		})
	}
}

// answer runs one query and says why it failed, or else why its answer (only frame
// `shown` when it is not -1) is empty; both are "" for an answer with rows.
func answer(p *host.Plugin, s host.Settings, q host.Query, shown int) (failed, empty string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := p.QueryData(ctx, s, nil, q)
	if err != nil {
		return err.Error(), ""
	}
	r := res[q.RefID]
	if r.Error != "" {
		return "error: " + r.Error, ""
	}
	rows := 0
	var notices []string
	if shown >= len(r.Frames) {
		return fmt.Sprintf("the panel shows frame %d of %d", shown, len(r.Frames)), ""
	}
	for i, f := range r.Frames {
		if n, err := f.RowLen(); err == nil && (shown < 0 || i == shown) {
			rows += n
		}
		if f.Meta != nil {
			for _, n := range f.Meta.Notices {
				notices = append(notices, n.Text)
			}
		}
	}
	if rows == 0 {
		return "", fmt.Sprintf("%d frames without rows %s", len(r.Frames), strings.Join(notices, "; "))
	}
	return "", ""
}

func flatten(ps []panel) []panel {
	var out []panel
	for _, p := range ps {
		out = append(out, p)
		out = append(out, flatten(p.Panels)...)
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
