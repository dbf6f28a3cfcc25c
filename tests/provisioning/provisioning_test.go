// Package provisioning checks what users provision: the datasources and the two bundled
// dashboards. Every panel is a Grafana 10.4 panel or ours; the dashboards' variables resolve
// through the plugin's resources; every dashboard query runs through the plugin, as
// Grafana would send it with the variables interpolated, against the simulator and
// Debian's Prometheus, and must answer with data.
package provisioning

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
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
	testkit.ReadYAML(t, filepath.Join(testkit.Root(t), "provisioning", rel), v)
}

type panel struct {
	ID              int                         `json:"id"`
	Type            string                      `json:"type"`
	Title           string                      `json:"title"`
	GridPos         struct{ H, W, X, Y int }    `json:"gridPos"`
	Datasource      *struct{ Type, UID string } `json:"datasource"`
	Targets         []map[string]any            `json:"targets"`
	Options         map[string]any              `json:"options"`
	Transformations []struct {
		ID      string         `json:"id"`
		Options map[string]any `json:"options"`
	} `json:"transformations"`
	FieldConfig struct {
		Defaults struct {
			Thresholds *struct {
				Steps []struct{ Value *float64 } `json:"steps"`
			} `json:"thresholds"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
	Panels []panel `json:"panels"`
}

// variable is one templating variable; Query is a string for a datasource variable and
// the query object this datasource's variable editor stores for a query variable.
type variable struct {
	Name, Type string
	Query      json.RawMessage             `json:"query"`
	Datasource *struct{ Type, UID string } `json:"datasource"`
	Multi      bool                        `json:"multi"`
	IncludeAll bool                        `json:"includeAll"`
	Current    struct{ Value any }         `json:"current"`
}

// variableQuery is what the frontend's variable editor stores and its variable support
// sends: the list resource to read and the services narrowing it.
type variableQuery struct {
	RefID    string   `json:"refId"`
	Resource string   `json:"resource"`
	Services []string `json:"services"`
}

type dashboard struct {
	UID        string   `json:"uid"`
	Title      string   `json:"title"`
	Tags       []string `json:"tags"`
	Templating struct {
		List []variable `json:"list"`
	} `json:"templating"`
	Panels []panel `json:"panels"`
}

func readDashboard(t *testing.T, name string) dashboard {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testkit.Root(t), "provisioning", "dashboards", name))
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

// ours is the panel plugin this repository builds; builtinPanels are the panel types
// Grafana 10.4 ships (public/app/plugins/panel), and `row`, a dashboard's own.
const ours = "mahavishnu-mcpecosystem-panel"

var builtinPanels = map[string]bool{
	"row": true, "alertlist": true, "annolist": true, "barchart": true, "bargauge": true,
	"candlestick": true, "canvas": true, "dashlist": true, "datagrid": true, "flamegraph": true,
	"gauge": true, "geomap": true, "heatmap": true, "histogram": true, "logs": true, "news": true,
	"nodeGraph": true, "piechart": true, "stat": true, "state-timeline": true,
	"status-history": true, "table": true, "text": true, "timeseries": true, "traces": true,
	"trend": true, "xychart": true,
}

// The variables every bundled dashboard has, in order: which list a query variable reads
// through the plugin's resources, and the services narrowing it.
var wantVariables = []struct {
	name, resource string
	services       []string
}{
	{"datasource", "", nil},
	{"service", "services", nil},
	{"tool", "tools", []string{"$service"}},
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
				if !slices.Contains(d.Tags, tag) {
					t.Errorf("tags %v lack %q", d.Tags, tag)
				}
			}
			checkVariables(t, d, dss, b.datasource)
			var cells [24][200]int // grid occupancy: panels must not overlap
			ids := map[int]bool{}
			for _, p := range flatten(d.Panels) {
				if ids[p.ID] {
					t.Errorf("panel id %d used twice", p.ID)
				}
				ids[p.ID] = true
				if !builtinPanels[p.Type] && p.Type != ours {
					t.Errorf("panel %q has type %q: neither a Grafana 10.4 panel nor %s", p.Title, p.Type, ours)
				}
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
					checkNarrowing(t, p.Title, tg)
					// Exemplars as time series carry the annotations data topic, which
					// Grafana keeps from a table panel's rows.
					if p.Type == "table" && tg["queryType"] == "exemplars" && tg["format"] != "table" {
						t.Errorf("panel %q query %v: a table of exemplars needs format \"table\", got %v", p.Title, tg["refId"], tg["format"])
					}
				}
				if p.Type == ours {
					checkDrilldown(t, p)
				}
			}
			if top := d.Panels[0]; b.uid == "mcp-ecosystem-overview" && (top.Type != ours || top.GridPos.Y != 0 || top.GridPos.W != 24) {
				t.Errorf("the first panel is %q (%s) at %+v; want the overview panel across the top", top.Title, top.Type, top.GridPos)
			}
		})
	}
}

// checkVariables: a datasource variable over this plugin defaulting to the provisioned
// datasource, then service and tool variables whose queries are this plugin's list resources
// in the shape its variable editor stores.
func checkVariables(t *testing.T, d dashboard, dss map[string]datasource, defaultDS string) {
	t.Helper()
	vars := d.Templating.List
	if len(vars) != len(wantVariables) {
		t.Fatalf("%d variables, want %d (%v)", len(vars), len(wantVariables), wantVariables)
	}
	for i, want := range wantVariables {
		v := vars[i]
		if v.Name != want.name {
			t.Errorf("variable %d is %q, want %q", i, v.Name, want.name)
			continue
		}
		if want.resource == "" {
			var q string
			if v.Type != "datasource" || json.Unmarshal(v.Query, &q) != nil || q != pluginType {
				t.Errorf("variable %q: want a datasource variable of type %s, got type %q query %s", v.Name, pluginType, v.Type, v.Query)
			}
			if def, _ := v.Current.Value.(string); def != defaultDS || dss[def].UID == "" {
				t.Errorf("datasource variable defaults to %v, want the provisioned %q", v.Current.Value, defaultDS)
			}
			continue
		}
		var q variableQuery
		if err := json.Unmarshal(v.Query, &q); err != nil {
			t.Errorf("variable %q: query %s is not the variable editor's object: %v", v.Name, v.Query, err)
			continue
		}
		if v.Type != "query" || v.Datasource == nil || v.Datasource.Type != pluginType || v.Datasource.UID != "${datasource}" {
			t.Errorf("variable %q: want a query variable on ${datasource} (%s), got type %q datasource %+v", v.Name, pluginType, v.Type, v.Datasource)
		}
		if q.RefID == "" || q.Resource != want.resource || strings.Join(q.Services, ",") != strings.Join(want.services, ",") {
			t.Errorf("variable %q: query %+v, want resource %q narrowed by %v", v.Name, q, want.resource, want.services)
		}
		if !v.Multi || !v.IncludeAll || fmt.Sprint(v.Current.Value) != "[$__all]" {
			t.Errorf("variable %q: want multi-value with All, defaulting to All; got multi %v includeAll %v current %v", v.Name, v.Multi, v.IncludeAll, v.Current.Value)
		}
	}
}

// checkNarrowing: every query narrows by $service, and the tool queries by $tool too.
func checkNarrowing(t *testing.T, title string, tg map[string]any) {
	t.Helper()
	qt := tg["queryType"]
	if qt == "promql" {
		return
	}
	if got := fmt.Sprint(tg["services"]); got != "[$service]" {
		t.Errorf("panel %q (%v): services %s, want [$service]", title, qt, got)
	}
	if qt == "toolHealth" || (qt == "exemplars" && tg["exemplarSource"] == "tool") {
		if got := fmt.Sprint(tg["tools"]); got != "[$tool]" {
			t.Errorf("panel %q (%v): tools %s, want [$tool]", title, qt, got)
		}
	}
}

// checkDrilldown: a click on a service tile opens a bundled dashboard with every var-
// parameter naming one of its variables, the service among them.
func checkDrilldown(t *testing.T, p panel) {
	t.Helper()
	raw, _ := p.Options["drilldownUrl"].(string)
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		t.Errorf("panel %q: drill-down link %q is not a URL: %v", p.Title, raw, err)
		return
	}
	uid := strings.TrimPrefix(u.Path, "/d/")
	var target *dashboard
	for _, b := range bundled {
		if b.uid == uid {
			d := readDashboard(t, b.file)
			target = &d
		}
	}
	if target == nil {
		t.Errorf("panel %q: drill-down link %q opens no bundled dashboard", p.Title, raw)
		return
	}
	for key := range u.Query() {
		name, ok := strings.CutPrefix(key, "var-")
		if !ok {
			continue
		}
		found := false
		for _, v := range target.Templating.List {
			found = found || v.Name == name
		}
		if !found {
			t.Errorf("panel %q: drill-down link sets %s, which %s has no variable for", p.Title, key, uid)
		}
	}
	if u.Query().Get("var-service") != "${service}" {
		t.Errorf("panel %q: drill-down link %q does not pass the clicked service as var-service=${service}", p.Title, raw)
	}
}

// TestDashboardQueriesAnswerWithData provisions each datasource as the file says (only the
// URL points at the test's Prometheus), checks it as "Save & test" does, resolves the
// dashboard's variables through the plugin's resources as Grafana would, and runs every
// dashboard query through it with the variables at All and at every value: each must
// answer without error and with rows, and with the fields its panel picks.
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
			testkit.WaitFor(t, 2*time.Minute, "health of the provisioned "+ds.UID, func() (bool, string) {
				h, err := p.CheckHealth(testkit.Ctx(t, 30*time.Second), settings)
				if err != nil {
					t.Fatal(err)
				}
				return h.Status == pluginv2.CheckHealthResponse_OK, h.Message
			})
			d := readDashboard(t, b.file)
			values := resolveVariables(t, p, settings, eco, b.profile, d)
			all := map[string][]string{}
			for name := range values {
				all[name] = nil // Grafana's All without a custom value: an empty list, every value
			}
			for _, pn := range flatten(d.Panels) {
				for _, tg := range pn.Targets {
					for _, vars := range []map[string][]string{all, values} {
						frames := answerWithRows(t, p, settings, pn, interpolate(tg, vars))
						checkPicked(t, pn, frames)
					}
				}
			}
			// One service chosen: the per-job time series show that service alone.
			one := values["service"][0]
			for _, pn := range flatten(d.Panels) {
				for _, tg := range pn.Targets {
					if qt := tg["queryType"]; tg["format"] != "timeseries" || (qt != "requestRate" && qt != "otlpOperations") {
						continue
					}
					shown := 0
					for _, f := range answerWithRows(t, p, settings, pn, interpolate(tg, map[string][]string{"service": {one}})) {
						for _, fd := range f.Fields {
							if job, ok := fd.Labels["job"]; ok && job != one {
								t.Errorf("panel %q with service=%s shows job %s", pn.Title, one, job)
							} else if ok {
								shown++
							}
						}
					}
					if shown == 0 {
						t.Errorf("panel %q with service=%s shows no series of it", pn.Title, one)
					}
				}
			}
		})
	}
}

// resolveVariables asks the plugin for each query variable's values as the frontend's
// variable support does (GET resources/<resource>?from&to&services) and checks them
// against Prometheus's own answer: every job, and every tool of the profile's tool label.
func resolveVariables(t *testing.T, p *host.Plugin, s host.Settings, eco *fixture.Ecosystem, profile string, d dashboard) map[string][]string {
	t.Helper()
	toolLabel := "tool_name"
	if profile == "otel" {
		toolLabel = "gen_ai_tool_name"
	}
	truth := map[string]string{"services": "group by (job) (up)", "tools": fmt.Sprintf(`group by (%s) ({%s!=""})`, toolLabel, toolLabel)}
	labelOf := map[string]string{"services": "job", "tools": toolLabel}
	values := map[string][]string{}
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		var q variableQuery
		if err := json.Unmarshal(v.Query, &q); err != nil {
			t.Fatalf("variable %q: %v", v.Name, err)
		}
		var want []string
		for _, series := range eco.Prom.Query(t, truth[q.Resource], time.Now()) {
			want = append(want, series.Labels[labelOf[q.Resource]])
		}
		sort.Strings(want)
		if len(want) == 0 {
			t.Fatalf("variable %q: Prometheus knows no %s", v.Name, q.Resource)
		}
		to := time.Now()
		params := url.Values{"from": {fmt.Sprint(to.Add(-5 * time.Minute).UnixMilli())}, "to": {fmt.Sprint(to.UnixMilli())}}
		var narrowed []string
		for _, item := range q.Services {
			narrowed = append(narrowed, expand(item, values)...)
		}
		if len(narrowed) > 0 {
			params.Set("services", strings.Join(narrowed, ","))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		status, body, err := p.CallResource(ctx, s, "GET", q.Resource+"?"+params.Encode(), nil)
		cancel()
		if err != nil || status != 200 {
			t.Fatalf("variable %q: resource %s answered %d %s (%v)", v.Name, q.Resource, status, body, err)
		}
		var got []string
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("variable %q: resource %s answered %s: %v", v.Name, q.Resource, body, err)
		}
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("variable %q lists %v through the plugin; Prometheus has %v", v.Name, got, want)
		}
		values[v.Name] = got
	}
	return values
}

// expand is one list item with the variables' values, as the frontend's applyTemplateVariables
// expands a whole-variable item; other items stay as they are.
func expand(item string, vars map[string][]string) []string {
	name := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(item, "$"), "{"), "}")
	if v, ok := vars[name]; ok && strings.HasPrefix(item, "$") {
		return v
	}
	return []string{item}
}

// interpolate is a copy of a query with every list field's variables expanded.
func interpolate(tg map[string]any, vars map[string][]string) map[string]any {
	out := map[string]any{}
	for k, v := range tg {
		out[k] = v
		items, ok := v.([]any)
		if !ok {
			continue
		}
		list := []any{}
		for _, it := range items {
			s, ok := it.(string)
			if !ok {
				list = append(list, it)
				continue
			}
			for _, e := range expand(s, vars) {
				list = append(list, e)
			}
		}
		out[k] = list
	}
	return out
}

// answerWithRows runs one query of a panel until it answers with rows (the simulator's
// series need a few scrapes to have rates) and returns its frames; an error fails at once.
func answerWithRows(t *testing.T, p *host.Plugin, s host.Settings, pn panel, tg map[string]any) data.Frames {
	t.Helper()
	q := host.Query{RefID: fmt.Sprint(tg["refId"]), QueryType: fmt.Sprint(tg["queryType"]), MaxDataPoints: 600, JSON: tg}
	// A table panel shows one frame (options.frameIndex): that one needs rows.
	shown := -1
	if i, ok := pn.Options["frameIndex"].(float64); ok {
		shown = int(i)
	}
	var frames data.Frames
	var failed string
	empty, ok := testkit.Poll(60*time.Second, func() (bool, string) {
		q.To = time.Now()
		q.From = q.To.Add(-5 * time.Minute)
		var empty string
		frames, failed, empty = answer(p, s, q, shown)
		return failed != "" || empty == "", empty
	})
	switch {
	case failed != "":
		t.Errorf("panel %q (%s, services %v, tools %v): %s", pn.Title, q.QueryType, tg["services"], tg["tools"], failed)
		return nil
	case !ok:
		t.Errorf("panel %q (%s, services %v, tools %v): %s", pn.Title, q.QueryType, tg["services"], tg["tools"], empty)
		return nil
	}
	return frames
}

// answer runs one query and says why it failed, or else why its answer (only frame
// `shown` when it is not -1) is empty; both are "" for an answer with rows.
func answer(p *host.Plugin, s host.Settings, q host.Query, shown int) (frames data.Frames, failed, empty string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := p.QueryData(ctx, s, nil, q)
	if err != nil {
		return nil, err.Error(), ""
	}
	r := res[q.RefID]
	if r.Error != "" {
		return nil, "error: " + r.Error, ""
	}
	rows := 0
	var notices []string
	if shown >= len(r.Frames) {
		return nil, fmt.Sprintf("the panel shows frame %d of %d", shown, len(r.Frames)), ""
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
		return nil, "", fmt.Sprintf("%d frames without rows %s", len(r.Frames), strings.Join(notices, "; "))
	}
	return r.Frames, "", ""
}

// checkPicked: the fields a panel picks by name (a filterFieldsByName transformation, a
// stat's or gauge's reduceOptions.fields) are in the answer, and where the plugin colours
// such a field its bands are the panel's thresholds.
func checkPicked(t *testing.T, pn panel, frames data.Frames) {
	t.Helper()
	var patterns []string
	for _, tr := range pn.Transformations {
		if inc, ok := tr.Options["include"].(map[string]any); tr.ID == "filterFieldsByName" && ok {
			patterns = append(patterns, fmt.Sprint(inc["pattern"]))
		}
	}
	if reduce, ok := pn.Options["reduceOptions"].(map[string]any); ok {
		if f, _ := reduce["fields"].(string); len(f) > 2 && strings.HasPrefix(f, "/") && strings.HasSuffix(f, "/") {
			patterns = append(patterns, f[1:len(f)-1])
		}
	}
	for _, pattern := range patterns {
		re, err := regexp.Compile(pattern)
		if err != nil {
			t.Errorf("panel %q: field pattern %q: %v", pn.Title, pattern, err)
			continue
		}
		matched := 0
		for _, f := range frames {
			for _, fd := range f.Fields {
				if fd.Type().Time() || !re.MatchString(displayName(fd)) {
					continue
				}
				matched++
				if fd.Config != nil && fd.Config.Thresholds != nil && pn.FieldConfig.Defaults.Thresholds != nil {
					if got, want := stepValues(fd.Config.Thresholds.Steps), panelSteps(pn); got != want {
						t.Errorf("panel %q: thresholds %s, the plugin colours %q by %s", pn.Title, want, displayName(fd), got)
					}
				}
			}
		}
		if matched == 0 {
			t.Errorf("panel %q: no value field of the answer matches %q", pn.Title, pattern)
		}
	}
}

// displayName is the name Grafana shows for a field: the datasource's display name, else its name.
func displayName(fd *data.Field) string {
	if fd.Config != nil && fd.Config.DisplayNameFromDS != "" {
		return fd.Config.DisplayNameFromDS
	}
	return fd.Name
}

func stepValues(steps []data.Threshold) string {
	var out []string
	for _, s := range steps {
		v := float64(s.Value)
		if math.IsNaN(v) { // the base step: null on the wire
			v = math.Inf(-1)
		}
		out = append(out, fmt.Sprint(v))
	}
	return strings.Join(out, " ")
}

func panelSteps(pn panel) string {
	var out []string
	for _, s := range pn.FieldConfig.Defaults.Thresholds.Steps {
		if s.Value == nil {
			out = append(out, fmt.Sprint(math.Inf(-1)))
		} else {
			out = append(out, fmt.Sprint(*s.Value))
		}
	}
	return strings.Join(out, " ")
}

func flatten(ps []panel) []panel {
	var out []panel
	for _, p := range ps {
		out = append(out, p)
		out = append(out, flatten(p.Panels)...)
	}
	return out
}
