package engines_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/host"
)

const tenantHeader = "X-Scope-OrgID"

// front stands in for a multi-tenant engine (Mimir, Cortex, a VictoriaMetrics cluster
// behind a tenant router): a loopback HTTP server that records every call with its tenant
// header, refuses a call without a known tenant as Mimir does (401 "no org id"), and
// proxies the others to the tenant's own Prometheus. Real engines answer behind it; the
// front is the fake, for the one thing none of them can show here: which tenant asked.
type front struct {
	URL string

	tenants map[string]*httputil.ReverseProxy
	// reject answers these paths 404, as an engine without that API does.
	reject map[string]bool

	mu    sync.Mutex
	calls []frontCall
}

type frontCall struct {
	tenant, path string
}

func startFront(t *testing.T, tenants map[string]string) *front {
	t.Helper()
	f := &front{tenants: map[string]*httputil.ReverseProxy{}, reject: map[string]bool{}}
	for tenant, upstream := range tenants {
		u, err := url.Parse(upstream)
		if err != nil {
			t.Fatal(err)
		}
		f.tenants[tenant] = httputil.NewSingleHostReverseProxy(u)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: f, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	f.URL = "http://" + l.Addr().String()
	return f
}

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tenant := r.Header.Get(tenantHeader)
	f.mu.Lock()
	f.calls = append(f.calls, frontCall{tenant: tenant, path: r.URL.Path})
	f.mu.Unlock()
	proxy, ok := f.tenants[tenant]
	switch {
	case !ok:
		http.Error(w, "no org id", http.StatusUnauthorized)
	case f.reject[r.URL.Path]:
		http.NotFound(w, r)
	default:
		proxy.ServeHTTP(w, r)
	}
}

// seen is every path each tenant called, and the calls without a known tenant.
func (f *front) seen() (paths map[string]map[string]bool, strays []frontCall) {
	f.mu.Lock()
	defer f.mu.Unlock()
	paths = map[string]map[string]bool{}
	for _, c := range f.calls {
		if _, ok := f.tenants[c.tenant]; !ok {
			strays = append(strays, c)
			continue
		}
		if paths[c.tenant] == nil {
			paths[c.tenant] = map[string]bool{}
		}
		paths[c.tenant][c.path] = true
	}
	return paths, strays
}

// tenant is one datasource of a shared multi-tenant URL: its tenant id (a secret, as
// Grafana stores custom header values) and what its own Prometheus holds.
type tenant struct {
	id       string
	settings host.Settings
	ds       *fixture.Dataset
}

func (tn tenant) jobs() []string { return tn.ds.JobNames(func(j fixture.Job) bool { return !j.Down }) }

func startTenants(t *testing.T) (*front, *host.Plugin, []tenant) {
	t.Helper()
	bin, err := host.BinaryPath()
	if err != nil {
		t.Fatal(err)
	}
	host.RequireBinary(t, bin)
	specs := []struct {
		id   string
		jobs []fixture.Job
	}{
		{"org-7f3a", []fixture.Job{
			{Name: "alpha-orchestrator", Tools: []string{"alpha_deploy"}, Pools: []string{"alpha-pool"}},
			{Name: "alpha-memory", Tools: []string{"alpha_recall"}, Pools: []string{"local"}},
		}},
		{"org-91c2", []fixture.Job{
			{Name: "beta-gateway", Tools: []string{"beta_route"}, Pools: []string{"beta-pool"}},
		}},
	}
	upstreams := map[string]string{}
	var tenants []tenant
	for _, s := range specs {
		ds := fixture.NewDataset(fixture.DatasetOptions{Jobs: s.jobs, History: time.Hour})
		prom := fixture.StartPrometheus(t, fixture.PrometheusOptions{Backfill: ds.OpenMetrics()})
		upstreams[s.id] = prom.URL
		tenants = append(tenants, tenant{id: s.id, ds: ds})
	}
	f := startFront(t, upstreams)
	for i := range tenants {
		tenants[i].settings = host.Settings{
			URL:      f.URL,
			UID:      "mimir-" + tenants[i].id,
			JSONData: map[string]any{"httpHeaderName1": tenantHeader},
			Secure:   map[string]string{"httpHeaderValue1": tenants[i].id},
		}
	}
	return f, host.Start(t, host.Options{Binary: bin}), tenants
}

// TestTheTenantHeaderReachesTheEngineOnEveryCallAndTenantsStaySeparate points two
// datasources at one multi-tenant URL, each with its own X-Scope-OrgID in its custom
// headers, and calls them in turn, repeatedly and concurrently: every call the engine sees
// carries a known tenant (health, queries and resources alike), each datasource answers
// only with its own tenant's jobs and tools, and neither tenant id reaches the logs.
func TestTheTenantHeaderReachesTheEngineOnEveryCallAndTenantsStaySeparate(t *testing.T) {
	f, plugin, tenants := startTenants(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	check := func(t *testing.T, tn tenant) {
		h, err := plugin.CheckHealth(ctx, tn.settings)
		if err != nil {
			t.Fatal(err)
		}
		if h.Status != pluginv2.CheckHealthResponse_OK {
			t.Fatalf("%s: health %v: %s", tn.id, h.Status, h.Message)
		}
		for _, other := range tenants {
			for _, j := range other.jobs() {
				if (other.id == tn.id) != strings.Contains(h.Message, j) {
					t.Errorf("%s: health message and job %s of %s: %s", tn.id, j, other.id, h.Message)
				}
			}
		}

		to := tn.ds.Now.Add(-3 * time.Second)
		q := host.Query{RefID: "A", QueryType: "ecosystemSummary", From: to.Add(-30 * time.Minute), To: to, IntervalMS: 15000, MaxDataPoints: 600}
		lines := q
		lines.RefID, lines.QueryType = "B", "requestRate"
		res, err := plugin.QueryData(ctx, tn.settings, nil, q, lines)
		if err != nil {
			t.Fatal(err)
		}
		var rows []string
		for _, fr := range res["A"].Frames {
			if fr.Name == "worst" {
				continue
			}
			for _, fld := range fr.Fields {
				if fld.Name == "service" || fld.Name == "job" {
					for i := 0; i < fld.Len(); i++ {
						v, _ := fld.ConcreteAt(i)
						rows = append(rows, fmt.Sprint(v))
					}
				}
			}
		}
		sort.Strings(rows)
		if !reflect.DeepEqual(rows, tn.jobs()) {
			t.Errorf("%s: summary rows %v, want its own jobs %v (error %q)", tn.id, rows, tn.jobs(), res["A"].Error)
		}
		var lineJobs []string
		for _, fr := range res["B"].Frames {
			for _, fld := range fr.Fields {
				if j, ok := fld.Labels["job"]; ok {
					lineJobs = append(lineJobs, j)
				}
			}
		}
		sort.Strings(lineJobs)
		if !reflect.DeepEqual(lineJobs, tn.jobs()) {
			t.Errorf("%s: requestRate lines of %v, want its own jobs %v (error %q)", tn.id, lineJobs, tn.jobs(), res["B"].Error)
		}

		rng := fmt.Sprintf("from=%d&to=%d", to.Add(-30*time.Minute).UnixMilli(), to.UnixMilli())
		for path, want := range map[string][]string{
			"services?" + rng:         tn.jobs(),
			"values/tool_name?" + rng: tools(tn.ds),
		} {
			code, body, err := plugin.CallResource(ctx, tn.settings, "GET", path, nil)
			if err != nil || code != 200 {
				t.Fatalf("%s: %s: %d %v %s", tn.id, path, code, err, body)
			}
			var got []string
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("%s: %s: %v: %s", tn.id, path, err, body)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %s answered %v, want %v", tn.id, path, got, want)
			}
		}
	}

	// In turn, then both at once, a few times: an answer kept for one tenant would show
	// up in the other's.
	for round := 0; round < 3; round++ {
		for _, tn := range tenants {
			check(t, tn)
		}
		var wg sync.WaitGroup
		for _, tn := range tenants {
			wg.Add(1)
			go func(tn tenant) {
				defer wg.Done()
				check(t, tn)
			}(tn)
		}
		wg.Wait()
	}

	paths, strays := f.seen()
	if len(strays) > 0 {
		t.Errorf("%d calls reached the engine without a known tenant, e.g. %+v", len(strays), strays[0])
	}
	for _, tn := range tenants {
		for _, p := range []string{
			"/api/v1/status/buildinfo", "/api/v1/query", "/api/v1/query_exemplars", "/api/v1/metadata", // health
			"/api/v1/query_range",            // queries
			"/api/v1/label/job/values",       // services
			"/api/v1/label/tool_name/values", // values/tool_name
		} {
			if !paths[tn.id][p] {
				t.Errorf("tenant %s never called %s (its calls: %v)", tn.id, p, keys(paths[tn.id]))
			}
		}
	}

	// Without the header the engine refuses every call, and "Save & test" says which
	// setting to look at.
	bare := host.Settings{URL: f.URL, UID: "mimir-no-tenant"}
	h, err := plugin.CheckHealth(ctx, bare)
	if err != nil {
		t.Fatal(err)
	}
	if h.Status != pluginv2.CheckHealthResponse_ERROR || !strings.Contains(h.Message, "401") || !strings.Contains(h.Message, tenantHeader) {
		t.Errorf("health without a tenant: %v %q, want an error naming HTTP 401 and %s", h.Status, h.Message, tenantHeader)
	}

	logs := plugin.Logs()
	for _, tn := range tenants {
		if strings.Contains(logs, tn.id) {
			t.Errorf("the tenant id %s (a secure header value) is in the plugin's logs", tn.id)
		}
	}
}

// TestAnEngineWithoutTheExemplarAPIGivesANoticeNamingItNotAnError puts an engine whose
// exemplar API answers 404 (as an engine without one does) behind the datasource: the
// exemplars query answers an empty exemplar frame with a warning naming the engine and
// the feature, and requestLatency with exemplars keeps its lines and carries the warning.
func TestAnEngineWithoutTheExemplarAPIGivesANoticeNamingItNotAnError(t *testing.T) {
	f, plugin, tenants := startTenants(t)
	f.reject["/api/v1/query_exemplars"] = true
	tn := tenants[0]
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	to := tn.ds.Now.Add(-3 * time.Second)
	ex := host.Query{RefID: "A", QueryType: "exemplars", From: to.Add(-30 * time.Minute), To: to, IntervalMS: 15000, MaxDataPoints: 600}
	lat := ex
	lat.RefID, lat.QueryType, lat.JSON = "B", "requestLatency", map[string]any{"exemplars": true}
	res, err := plugin.QueryData(ctx, tn.settings, nil, ex, lat)
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"A", "B"} {
		r := res[ref]
		if r.Error != "" {
			t.Fatalf("%s failed instead of degrading: %s", ref, r.Error)
		}
		if len(r.Frames) == 0 {
			t.Fatalf("%s: no frames", ref)
		}
		text := warnings(r.Frames[0])
		for _, want := range []string{"Prometheus 2.42", "does not serve exemplars", "404"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: warning %q lacks %q", ref, text, want)
			}
		}
	}
	if n := res["A"].Frames[0].Rows(); n != 0 {
		t.Errorf("exemplar frame has %d rows from an engine without exemplars", n)
	}
	if len(res["B"].Frames) < 2 {
		t.Errorf("requestLatency lost its lines: %d frames", len(res["B"].Frames))
	}
}

// warnings joins the texts of a frame's warning notices.
func warnings(fr *data.Frame) string {
	var out []string
	if fr.Meta != nil {
		for _, n := range fr.Meta.Notices {
			if n.Severity == data.NoticeSeverityWarning {
				out = append(out, n.Text)
			}
		}
	}
	return strings.Join(out, " | ")
}

func tools(ds *fixture.Dataset) []string {
	var out []string
	for _, j := range ds.Jobs {
		out = append(out, j.Tools...)
	}
	sort.Strings(out)
	return out
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
