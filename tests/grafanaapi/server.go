// Package grafanaapi serves the slice of Grafana's HTTP API that a datasource plugin's
// frontend calls, backed by the real plugin process (tests/host), so a browser page can run
// the plugin's editors as Grafana runs them:
//
//	POST /api/ds/query                                 Grafana's request and response JSON
//	GET  /api/datasources                              the datasource list (pickers)
//	GET|PUT /api/datasources/uid/<uid>                 settings, kept in memory
//	GET  /api/datasources/uid/<uid>/health             CheckHealth as Grafana answers it
//	*    /api/datasources/uid/<uid>/resources/<path>   CallResource (Server-Timing: plugin;dur=<ms>)
//	GET  /public/plugins/<id>/<file>                   the built plugin (dist/<id>/)
//	GET  /public/fonts/<file>                          Inter, as Grafana serves its fonts
//	GET  /public/img/<file>                            Grafana's icons (copied with the page)
//	GET  /harness/<file>                               the harness page and its bundle
//	GET  /harness/api/queries                          the query JSON the plugin received
//
// Frames go through the SDK's own conversion (backend.FromProto, then QueryDataResponse's
// JSON marshalling), the path Grafana's /api/ds/query takes.
package grafanaapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"

	"github.com/mahavishnu/mcp-grafana/tests/host"
)

// Plugin is what the server needs of a running plugin (tests/host.Plugin).
type Plugin interface {
	QueryDataProto(ctx context.Context, req *pluginv2.QueryDataRequest) (*pluginv2.QueryDataResponse, error)
	CheckHealthProto(ctx context.Context, s host.Settings) (*pluginv2.CheckHealthResponse, error)
	Resource(ctx context.Context, s host.Settings, method, pathAndQuery string, headers map[string][]string, body []byte) (host.ResourceReply, error)
}

// Options configure a Server.
type Options struct {
	Plugin Plugin
	// Datasources are the instances Grafana knows; those of type host.PluginID are served by
	// Plugin, the others (a Tempo for the trace picker) are listed only.
	Datasources []Datasource
	// DistDir holds dist/<plugin id>/ folders; HarnessDir the page; FontsDir Inter's files;
	// DashboardsDir the dashboard JSON files served by uid (provisioning/dashboards).
	DistDir, HarnessDir, FontsDir, DashboardsDir string
	// ContentSecurityPolicy, when set, is sent with the harness page, as Grafana sends its
	// content_security_policy_template.
	ContentSecurityPolicy string
	// AppSubURL is the path the server is served under (e.g. /grafana), as Grafana's
	// appSubUrl: the harness page's <base> names it, as Grafana's index page does. The
	// routes stay those of the package doc: the caller strips it (http.StripPrefix).
	AppSubURL string
	// Now is the clock for relative time ranges ("now-1h"); nil means time.Now.
	Now func() time.Time
}

// Datasource is one datasource as Grafana's /api/datasources/uid/<uid> shows it.
type Datasource struct {
	ID               int64             `json:"id"`
	UID              string            `json:"uid"`
	OrgID            int64             `json:"orgId"`
	Name             string            `json:"name"`
	Type             string            `json:"type"`
	TypeName         string            `json:"typeName,omitempty"`
	TypeLogoURL      string            `json:"typeLogoUrl"`
	Access           string            `json:"access"`
	URL              string            `json:"url"`
	User             string            `json:"user"`
	Database         string            `json:"database"`
	BasicAuth        bool              `json:"basicAuth"`
	BasicAuthUser    string            `json:"basicAuthUser"`
	WithCredentials  bool              `json:"withCredentials"`
	IsDefault        bool              `json:"isDefault"`
	JSONData         map[string]any    `json:"jsonData"`
	SecureJSONFields map[string]bool   `json:"secureJsonFields"`
	Version          int               `json:"version"`
	ReadOnly         bool              `json:"readOnly"`
	secure           map[string]string // decrypted secureJsonData, never served
	updated          time.Time
}

// Server is an http.Handler answering as Grafana does.
type Server struct {
	opts Options
	mux  *http.ServeMux

	mu      sync.Mutex
	ds      map[string]*Datasource
	order   []string
	queries []json.RawMessage
}

// New builds the server; it starts nothing.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, mux: http.NewServeMux(), ds: map[string]*Datasource{}}
	for i, d := range opts.Datasources {
		d := d
		if d.ID == 0 {
			d.ID = int64(i + 1)
		}
		d.OrgID, d.Access = 1, "proxy"
		if d.JSONData == nil {
			d.JSONData = map[string]any{}
		}
		d.SecureJSONFields = map[string]bool{}
		for k, v := range d.secure {
			if v != "" {
				d.SecureJSONFields[k] = true
			}
		}
		d.updated = opts.Now()
		s.ds[d.UID] = &d
		s.order = append(s.order, d.UID)
	}
	s.mux.HandleFunc("POST /api/ds/query", s.query)
	s.mux.HandleFunc("GET /api/datasources", s.list)
	s.mux.HandleFunc("GET /api/datasources/uid/{uid}", s.get)
	s.mux.HandleFunc("PUT /api/datasources/uid/{uid}", s.put)
	s.mux.HandleFunc("GET /api/datasources/uid/{uid}/health", s.health)
	s.mux.HandleFunc("/api/datasources/uid/{uid}/resources/{path...}", s.resource)
	s.mux.HandleFunc("GET /api/dashboards/uid/{uid}", s.dashboard)
	s.mux.HandleFunc("GET /public/plugins/{id}/{file...}", s.pluginFile)
	s.mux.HandleFunc("GET /public/fonts/{file}", s.font)
	s.mux.HandleFunc("GET /public/img/{file...}", s.image)
	s.mux.HandleFunc("GET /harness/api/queries", s.recorded)
	s.mux.HandleFunc("DELETE /harness/api/queries", s.forget)
	s.mux.HandleFunc("GET /harness/{file...}", s.harnessFile)
	return s
}

// NewDatasource is a datasource of this plugin with its secrets (decrypted secureJsonData).
func NewDatasource(uid, name, url string, jsonData map[string]any, secure map[string]string) Datasource {
	return Datasource{UID: uid, Name: name, Type: host.PluginID, TypeName: "MCP Ecosystem", URL: url,
		TypeLogoURL: "public/plugins/" + host.PluginID + "/img/logo.svg", JSONData: jsonData, secure: secure}
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// apiError is Grafana's error body: {"message": ...}.
func apiError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"message": msg})
}

func (s *Server) lookup(w http.ResponseWriter, uid string) (Datasource, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.ds[uid]
	if !ok {
		apiError(w, http.StatusNotFound, "Data source not found")
		return Datasource{}, false
	}
	return *d, true
}

func (d Datasource) settings() host.Settings {
	return host.Settings{URL: d.URL, BasicAuth: d.BasicAuth, BasicAuthUser: d.BasicAuthUser,
		JSONData: d.JSONData, Secure: d.secure, UID: d.UID, Updated: d.updated}
}

func (s *Server) list(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	out := make([]Datasource, 0, len(s.order))
	for _, uid := range s.order {
		out = append(out, *s.ds[uid])
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.lookup(w, r.PathValue("uid")); ok {
		writeJSON(w, http.StatusOK, d)
	}
}

// put saves settings as Grafana's datasource page does: secureJsonData values are kept
// (an empty value removes one) and only their presence is shown, in secureJsonFields.
func (s *Server) put(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Datasource
		SecureJSONData map[string]string `json:"secureJsonData"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		apiError(w, http.StatusBadRequest, "bad request data: "+err.Error())
		return
	}
	s.mu.Lock()
	d, ok := s.ds[r.PathValue("uid")]
	if !ok {
		s.mu.Unlock()
		apiError(w, http.StatusNotFound, "Data source not found")
		return
	}
	d.Name, d.URL, d.User, d.Database = body.Name, body.URL, body.User, body.Database
	d.BasicAuth, d.BasicAuthUser, d.WithCredentials, d.IsDefault = body.BasicAuth, body.BasicAuthUser, body.WithCredentials, body.IsDefault
	d.JSONData = body.JSONData
	if d.JSONData == nil {
		d.JSONData = map[string]any{}
	}
	if d.secure == nil {
		d.secure = map[string]string{}
	}
	for k, v := range body.SecureJSONData {
		if v == "" {
			delete(d.secure, k)
		} else {
			d.secure[k] = v
		}
	}
	d.SecureJSONFields = map[string]bool{}
	for k := range d.secure {
		d.SecureJSONFields[k] = true
	}
	d.Version++
	d.updated = s.opts.Now()
	saved := *d
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"datasource": saved, "id": saved.ID, "message": "Datasource updated", "name": saved.Name})
}

// health answers as Grafana's CheckDatasourceHealth: status, message and details, HTTP 400
// unless the status is OK.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	d, ok := s.lookup(w, r.PathValue("uid"))
	if !ok {
		return
	}
	if d.Type != host.PluginID {
		apiError(w, http.StatusBadRequest, "health check not available for "+d.Type)
		return
	}
	resp, err := s.opts.Plugin.CheckHealthProto(r.Context(), d.settings())
	if err != nil {
		apiError(w, http.StatusInternalServerError, "Plugin health check failed")
		return
	}
	payload := map[string]any{"status": resp.Status.String(), "message": resp.Message}
	if len(resp.JsonDetails) > 0 {
		var details map[string]any
		if err := json.Unmarshal(resp.JsonDetails, &details); err != nil {
			apiError(w, http.StatusInternalServerError, "Failed to unmarshal detailed response from backend plugin")
			return
		}
		payload["details"] = details
	}
	status := http.StatusOK
	if resp.Status != pluginv2.CheckHealthResponse_OK {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, payload)
}

// hopHeaders are not passed to the plugin, as Grafana's resource proxy drops them.
var hopHeaders = map[string]bool{"Connection": true, "Cookie": true, "Keep-Alive": true, "Upgrade": true}

func (s *Server) resource(w http.ResponseWriter, r *http.Request) {
	d, ok := s.lookup(w, r.PathValue("uid"))
	if !ok {
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		apiError(w, http.StatusBadRequest, "read body: "+err.Error())
		return
	}
	target := r.PathValue("path")
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	headers := map[string][]string{}
	for k, v := range r.Header {
		if !hopHeaders[k] {
			headers[k] = v
		}
	}
	started := time.Now()
	reply, err := s.opts.Plugin.Resource(r.Context(), d.settings(), r.Method, target, headers, body)
	// The plugin's own time, for the harness budgets (a page reads it as serverTiming).
	w.Header().Set("Server-Timing", fmt.Sprintf("plugin;dur=%.3f", float64(time.Since(started).Microseconds())/1000))
	if err != nil {
		apiError(w, http.StatusInternalServerError, "Failed to call resource")
		return
	}
	for k, vs := range reply.Headers {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	status := reply.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(reply.Body)
}

// metricRequest is Grafana's /api/ds/query body.
type metricRequest struct {
	From    string            `json:"from"`
	To      string            `json:"to"`
	Queries []json.RawMessage `json:"queries"`
}

type queryHead struct {
	RefID         string          `json:"refId"`
	QueryType     string          `json:"queryType"`
	Datasource    json.RawMessage `json:"datasource"`
	IntervalMS    *float64        `json:"intervalMs"`
	MaxDataPoints *float64        `json:"maxDataPoints"`
}

// query answers POST /api/ds/query: queries grouped by datasource, one QueryData call each,
// every refId's answer in {"results": {...}}, HTTP 400 when any refId carries an error
// (Grafana's status without the multi-status feature toggle).
func (s *Server) query(w http.ResponseWriter, r *http.Request) {
	var req metricRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		apiError(w, http.StatusBadRequest, "bad request data: "+err.Error())
		return
	}
	if len(req.Queries) == 0 {
		apiError(w, http.StatusBadRequest, "No queries found in query")
		return
	}
	now := s.opts.Now()
	from, err := ParseTime(req.From, now)
	if err != nil {
		apiError(w, http.StatusBadRequest, "from: "+err.Error())
		return
	}
	to, err := ParseTime(req.To, now)
	if err != nil {
		apiError(w, http.StatusBadRequest, "to: "+err.Error())
		return
	}
	byUID := map[string][]*pluginv2.DataQuery{}
	var uids []string
	for i, raw := range req.Queries {
		var h queryHead
		if err := json.Unmarshal(raw, &h); err != nil {
			apiError(w, http.StatusBadRequest, fmt.Sprintf("queries[%d]: %v", i, err))
			return
		}
		uid, err := datasourceUID(h.Datasource)
		if err != nil {
			apiError(w, http.StatusBadRequest, fmt.Sprintf("queries[%d].datasource: %v", i, err))
			return
		}
		if uid == "" {
			uid = s.defaultUID()
		}
		dq := &pluginv2.DataQuery{
			RefId: h.RefID, QueryType: h.QueryType, Json: raw, MaxDataPoints: 100, IntervalMS: 1000,
			TimeRange: &pluginv2.TimeRange{FromEpochMS: from.UnixMilli(), ToEpochMS: to.UnixMilli()},
		}
		if h.MaxDataPoints != nil {
			dq.MaxDataPoints = int64(*h.MaxDataPoints)
		}
		if h.IntervalMS != nil {
			dq.IntervalMS = int64(*h.IntervalMS)
		}
		if _, seen := byUID[uid]; !seen {
			uids = append(uids, uid)
		}
		byUID[uid] = append(byUID[uid], dq)
		s.mu.Lock()
		s.queries = append(s.queries, raw)
		s.mu.Unlock()
	}
	all := backend.QueryDataResponse{Responses: backend.Responses{}}
	for _, uid := range uids {
		d, ok := s.lookup(w, uid)
		if !ok {
			return
		}
		if d.Type != host.PluginID {
			apiError(w, http.StatusBadRequest, "datasource "+uid+" ("+d.Type+") cannot be queried here")
			return
		}
		pc, err := d.settings().PluginContext()
		if err != nil {
			apiError(w, http.StatusInternalServerError, err.Error())
			return
		}
		resp, err := s.opts.Plugin.QueryDataProto(r.Context(), &pluginv2.QueryDataRequest{PluginContext: pc, Headers: map[string]string{}, Queries: byUID[uid]})
		if err != nil {
			apiError(w, http.StatusInternalServerError, "Query data error: "+err.Error())
			return
		}
		qdr, err := backend.FromProto().QueryDataResponse(resp)
		if err != nil {
			apiError(w, http.StatusInternalServerError, "decode the plugin's frames: "+err.Error())
			return
		}
		for refID, dr := range qdr.Responses {
			all.Responses[refID] = dr
		}
	}
	status := http.StatusOK
	for _, dr := range all.Responses {
		if dr.Error != nil {
			status = http.StatusBadRequest
		}
	}
	body, err := json.Marshal(all)
	if err != nil {
		apiError(w, http.StatusInternalServerError, "encode response: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (s *Server) defaultUID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, uid := range s.order {
		if s.ds[uid].IsDefault {
			return uid
		}
	}
	if len(s.order) > 0 {
		return s.order[0]
	}
	return ""
}

// datasourceUID reads a query's datasource reference: {"uid": ...}, a bare uid string, or
// absent.
func datasourceUID(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var ref struct {
		UID string `json:"uid"`
	}
	if err := json.Unmarshal(raw, &ref); err == nil {
		return ref.UID, nil
	}
	var uid string
	if err := json.Unmarshal(raw, &uid); err != nil {
		return "", errors.New("neither a {uid, type} reference nor a uid")
	}
	return uid, nil
}

// ParseTime reads a time as Grafana's API takes it: epoch milliseconds, "now", or
// "now-<n><unit>" with unit s, m, h, d or w.
func ParseTime(v string, now time.Time) (time.Time, error) {
	if v == "" || v == "now" {
		return now, nil
	}
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.UnixMilli(ms), nil
	}
	rest, ok := strings.CutPrefix(v, "now-")
	if !ok || len(rest) < 2 {
		return time.Time{}, fmt.Errorf("%q is neither epoch milliseconds nor now-<n><unit>", v)
	}
	n, err := strconv.Atoi(rest[:len(rest)-1])
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: %v", v, err)
	}
	unit := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[rest[len(rest)-1]]
	if unit == 0 {
		return time.Time{}, fmt.Errorf("%q: unit must be s, m, h, d or w", v)
	}
	return now.Add(-time.Duration(n) * unit), nil
}

func (s *Server) recorded(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	out := append([]json.RawMessage{}, s.queries...)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) forget(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	s.queries = nil
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) pluginFile(w http.ResponseWriter, r *http.Request) {
	serveUnder(w, r, filepath.Join(s.opts.DistDir, r.PathValue("id")), r.PathValue("file"))
}

// dashboard answers as Grafana does, {"dashboard": ..., "meta": ...}, from the JSON file of
// DashboardsDir whose uid is asked for.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	uid := r.PathValue("uid")
	files, _ := filepath.Glob(filepath.Join(s.opts.DashboardsDir, "*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			apiError(w, http.StatusInternalServerError, err.Error())
			return
		}
		var d map[string]any
		if err := json.Unmarshal(b, &d); err != nil {
			apiError(w, http.StatusInternalServerError, fmt.Sprintf("%s: %v", filepath.Base(f), err))
			return
		}
		if d["uid"] == uid {
			writeJSON(w, http.StatusOK, map[string]any{
				"dashboard": d,
				"meta":      map[string]any{"slug": strings.TrimSuffix(filepath.Base(f), ".json"), "provisioned": true},
			})
			return
		}
	}
	apiError(w, http.StatusNotFound, "Dashboard not found")
}

func (s *Server) font(w http.ResponseWriter, r *http.Request) {
	serveUnder(w, r, s.opts.FontsDir, r.PathValue("file"))
}

// image serves Grafana's own images (@grafana/ui's icons), which the page build copies.
func (s *Server) image(w http.ResponseWriter, r *http.Request) {
	serveUnder(w, r, filepath.Join(s.opts.HarnessDir, "public", "img"), r.PathValue("file"))
}

func (s *Server) harnessFile(w http.ResponseWriter, r *http.Request) {
	f := r.PathValue("file")
	if f == "" {
		f = "index.html"
	}
	if s.opts.ContentSecurityPolicy != "" {
		w.Header().Set("Content-Security-Policy", s.opts.ContentSecurityPolicy)
	}
	if f == "index.html" && s.opts.AppSubURL != "" {
		s.indexUnder(w)
		return
	}
	serveUnder(w, r, s.opts.HarnessDir, f)
}

// indexUnder serves the harness page with its <base> under AppSubURL, where Grafana's
// index page has it ([[.AppSubUrl]]/): the page's relative URLs resolve below it.
func (s *Server) indexUnder(w http.ResponseWriter) {
	const root = `<base href="/" />`
	b, err := os.ReadFile(filepath.Join(s.opts.HarnessDir, "index.html"))
	if err != nil {
		apiError(w, http.StatusNotFound, err.Error())
		return
	}
	if !bytes.Contains(b, []byte(root)) {
		apiError(w, http.StatusInternalServerError, "the harness page has no "+root+" to put the sub-path in")
		return
	}
	b = bytes.Replace(b, []byte(root), []byte(`<base href="`+s.opts.AppSubURL+`/" />`), 1)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}

// serveUnder serves one file below dir, never outside it; .wasm as application/wasm, as
// Grafana serves it.
func serveUnder(w http.ResponseWriter, r *http.Request, dir, name string) {
	clean := path.Clean("/" + name)
	if dir == "" || strings.Contains(name, "..") {
		http.NotFound(w, r)
		return
	}
	p := filepath.Join(dir, filepath.FromSlash(clean))
	st, err := os.Stat(p)
	if err != nil || st.IsDir() {
		http.NotFound(w, r)
		return
	}
	if ct := mime.TypeByExtension(filepath.Ext(p)); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	switch filepath.Ext(p) {
	case ".wasm":
		w.Header().Set("Content-Type", "application/wasm")
	case ".js":
		w.Header().Set("Content-Type", "application/javascript")
	case ".otf":
		w.Header().Set("Content-Type", "font/otf")
	}
	w.Header().Set("Cache-Control", "no-store")
	http.ServeFile(w, r, p)
}

// Uids lists the datasources' uids in order, for a ready line.
func (s *Server) Uids() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]string{}, s.order...)
	sort.Strings(out)
	return out
}
