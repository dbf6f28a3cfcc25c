// Package manifest checks the plugin manifests against Grafana's plugin.json schema.
package manifest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mahavishnu/mcp-grafana/tests/host"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := host.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// schemaPath is Grafana's plugin.json schema; MCP_PLUGIN_SCHEMA points elsewhere.
func schemaPath(t *testing.T, root string) string {
	if p := os.Getenv("MCP_PLUGIN_SCHEMA"); p != "" {
		return p
	}
	p := filepath.Join(root, "..", "shared", "reference", "plugin.schema.json")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("Grafana's plugin.json schema not found at %s; set MCP_PLUGIN_SCHEMA to its path", p)
	}
	return p
}

func loadJSON(t *testing.T, path string) any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

func TestDatasourceManifestMatchesGrafanaSchema(t *testing.T) {
	root := repoRoot(t)
	c := jsonschema.NewCompiler()
	if err := c.AddResource("plugin.schema.json", loadJSON(t, schemaPath(t, root))); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("plugin.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	manifestPath := filepath.Join(root, "plugin.json")
	if err := schema.Validate(loadJSON(t, manifestPath)); err != nil {
		t.Fatalf("plugin.json does not match Grafana's schema: %v", err)
	}

	raw, err := os.ReadFile(manifestPath)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		ID, Type, Executable string
		Backend, Alerting    bool
		Metrics              bool
		Info                 struct {
			Keywords []string
			Logos    struct{ Small, Large string }
			Links    []struct{ Name, URL string }
		}
		Dependencies struct{ GrafanaDependency string }
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if m.ID != "mahavishnu-mcp-datasource" || m.Type != "datasource" || m.Executable != "gpx_mcp" {
		t.Errorf("id/type/executable = %q/%q/%q", m.ID, m.Type, m.Executable)
	}
	if !m.Backend || !m.Alerting || !m.Metrics {
		t.Errorf("backend, alerting and metrics must be true: %+v", m)
	}
	if !regexp.MustCompile(`^>=10\.4\.0`).MatchString(m.Dependencies.GrafanaDependency) {
		t.Errorf("grafanaDependency = %q, want >=10.4.0", m.Dependencies.GrafanaDependency)
	}
	if len(m.Info.Keywords) == 0 || len(m.Info.Links) == 0 {
		t.Error("keywords and links must not be empty")
	}
	for _, logo := range []string{m.Info.Logos.Small, m.Info.Logos.Large} {
		if _, err := os.Stat(filepath.Join(root, logo)); err != nil {
			t.Errorf("logo %q: %v", logo, err)
		}
	}
}
