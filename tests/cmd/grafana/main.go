// Command grafana serves the slice of Grafana's HTTP API that the plugin's frontend calls
// (tests/grafanaapi), over the real parts: Debian's Prometheus scraping the MCP ecosystem
// simulator, and the plugin binary launched as Grafana launches it. The browser tests start
// it, read one JSON line from its stdout, and stop it by its PID:
//
//	{"url":"http://127.0.0.1:<port>","prometheus":"http://127.0.0.1:<port>",
//	 "simulatorControl":"127.0.0.1:<port>","pid":<pid>,"datasources":["mcp","mcp-new","tempo"]}
//
// Datasources: "mcp" points at the Prometheus (for query editors), "mcp-new" is empty (for a
// config page to fill in), "tempo" is a trace datasource for the pickers. It stops every
// child by PID on SIGTERM or SIGINT, or when its stdin closes.
//
// Flags: -repo (repository root; default found from the working directory), -dist (the
// built plugins; default <repo>/dist), -harness (the built harness page; default
// <repo>/tests/browser/page/dist, the page built against the 10.4 packages), -scenario (the simulator's starting scenario),
// -profile (the simulator's metric profile, seed or otel, and the "mcp" datasource's),
// -extra-servers (simulated servers beyond the three named ones), -csp (a
// Content-Security-Policy header for the harness page), -sub-path (serve everything under
// this path, e.g. /grafana, as Grafana with serve_from_sub_path; the ready line's url then
// ends with it), -stdin (stop when stdin closes; default true).
// Binaries: MCP_PLUGIN_BINARY, MCP_SIMULATOR_BINARY, as for the Go end-to-end tests.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/fixture"
	"github.com/mahavishnu/mcp-grafana/tests/grafanaapi"
	"github.com/mahavishnu/mcp-grafana/tests/host"
	"github.com/mahavishnu/mcp-grafana/tests/internal/standalone"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "grafana:", err)
		os.Exit(1)
	}
}

func run() error {
	repo := flag.String("repo", "", "repository root (default: found above the working directory)")
	scenario := flag.String("scenario", "", "the simulator's starting scenario (default healthy)")
	profile := flag.String("profile", "", "the simulator's metric profile and the mcp datasource's: seed (default) or otel")
	extra := flag.Int("extra-servers", 0, "simulated MCP servers beyond the three named ones")
	stdin := flag.Bool("stdin", true, "stop when stdin closes")
	csp := flag.String("csp", "", "a Content-Security-Policy header for the harness page")
	fonts := flag.String("fonts", "/usr/share/fonts/opentype/inter", "Inter's font files (Debian's fonts-inter)")
	dist := flag.String("dist", "", "the built plugins, dist/<plugin id>/ (default: <repo>/dist)")
	harness := flag.String("harness", "", "the built harness page (default: <repo>/tests/browser/page/dist)")
	subPath := flag.String("sub-path", "", "serve everything under this path (e.g. /grafana), as Grafana with serve_from_sub_path")
	flag.Parse()
	*subPath = strings.TrimSuffix(*subPath, "/")
	if *subPath != "" && !strings.HasPrefix(*subPath, "/") {
		return fmt.Errorf("-sub-path %q: give a path from the root, e.g. /grafana", *subPath)
	}
	if *repo == "" {
		root, err := testkit.RepoRoot()
		if err != nil {
			return err
		}
		*repo = root
	}
	if *dist == "" {
		*dist = filepath.Join(*repo, "dist")
	}
	if *harness == "" {
		*harness = filepath.Join(*repo, "tests", "browser", "page", "dist")
	}

	tb := standalone.New("grafana")
	defer tb.Close()
	// A signal during start-up must still stop what has started.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)

	var eco *fixture.Ecosystem
	var plugin *host.Plugin
	if err := tb.Do(func() {
		eco = fixture.StartEcosystem(tb, fixture.EcosystemOptions{Simulator: fixture.SimulatorOptions{Seed: 7, Scenario: *scenario, ExtraServers: *extra, Profile: *profile}})
		plugin = host.Start(tb, host.Options{})
	}); err != nil {
		return err
	}

	srv := grafanaapi.New(grafanaapi.Options{
		Plugin: plugin,
		Datasources: []grafanaapi.Datasource{
			defaultDatasource(eco.Prom.URL, *profile),
			grafanaapi.NewDatasource("mcp-new", "MCP (new)", "", nil, nil),
			{UID: "tempo", Name: "Tempo", Type: "tempo", TypeName: "Tempo", TypeLogoURL: "public/img/icons/unicons/sitemap.svg"},
		},
		DistDir:    *dist,
		HarnessDir: *harness,
		FontsDir:   *fonts,

		DashboardsDir: filepath.Join(*repo, "provisioning", "dashboards"),

		ContentSecurityPolicy: *csp,
		AppSubURL:             *subPath,
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	handler := laterGrafanaPaths(srv)
	if *subPath != "" {
		handler = underSubPath(*subPath, handler)
	}
	hs := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(l) }()

	ready, err := json.Marshal(map[string]any{
		"url":              "http://" + l.Addr().String() + *subPath,
		"prometheus":       eco.Prom.URL,
		"simulatorControl": eco.Sim.Control,
		"pid":              os.Getpid(),
		"datasources":      srv.Uids(),
	})
	if err != nil {
		return err
	}
	fmt.Println(string(ready))

	stdinClosed := make(chan struct{})
	if *stdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			close(stdinClosed)
		}()
	}
	select {
	case <-stop:
	case <-stdinClosed:
	case err := <-served:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = hs.Shutdown(ctx)
	return nil
}

// defaultDatasource is the configured instance the query editors use, reading the metric
// profile given ("" for the default).
func defaultDatasource(promURL, profile string) grafanaapi.Datasource {
	jsonData := map[string]any{"timeInterval": "1s", "traceDatasourceUid": "tempo"}
	if profile != "" {
		jsonData["metricProfile"] = profile
	}
	d := grafanaapi.NewDatasource("mcp", "MCP", promURL, jsonData, nil)
	d.IsDefault = true
	return d
}

// laterGrafanaPaths answers the paths @grafana/ui 11 and later fetch Grafana's own files
// from, as the server answers @grafana/ui 10.4's: icons under public/build/img/ (the page's
// copy of public/img/), and Inter as public/fonts/inter/<face>.woff2, for which the Debian
// OpenType file of the same face serves (browsers read the font's format from its bytes).
func laterGrafanaPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case strings.HasPrefix(p, "/public/build/img/"):
			p = "/public/img/" + strings.TrimPrefix(p, "/public/build/img/")
		case strings.HasPrefix(p, "/public/fonts/inter/") && strings.HasSuffix(p, ".woff2"):
			p = "/public/fonts/" + strings.TrimSuffix(path.Base(p), ".woff2") + ".otf"
		default:
			next.ServeHTTP(w, r)
			return
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path = p
		r2.URL.RawPath = ""
		next.ServeHTTP(w, r2)
	})
}

// underSubPath serves next under sub, as Grafana does with serve_from_sub_path: next sees
// the paths without sub, and a request outside it is a 404, so that a page's root-relative
// URL shows up as a failure.
func underSubPath(sub string, next http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(sub+"/", http.StripPrefix(sub, next))
	return mux
}
