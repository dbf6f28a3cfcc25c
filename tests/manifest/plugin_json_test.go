// Package manifest checks the datasource manifest, plugin.json at the repository root.
//
// The structural check always runs: the keys Grafana needs, their types, the plugin id and
// type, the backend executable the Rust crate builds, the dependencies and the logos.
// Grafana's own plugin.json schema is checked too when it is at hand (see
// tests/internal/pluginschema); without it that test is skipped and says why.
package manifest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mahavishnu/mcp-grafana/tests/internal/pluginschema"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

const (
	pluginID   = "mahavishnu-mcp-datasource"
	executable = "gpx_mcp"
)

func TestDatasourceManifestMatchesGrafanaSchema(t *testing.T) {
	root := testkit.Root(t)
	schema := pluginschema.ForTest(t, root)
	raw, err := os.ReadFile(filepath.Join(root, "plugin.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := pluginschema.Validate(schema, "plugin.json", raw); err != nil {
		t.Fatal(err)
	}
}

// kind is the JSON type a manifest key must have.
type kind string

const (
	str  kind = "string"
	bln  kind = "boolean"
	obj  kind = "object"
	arr  kind = "array"
	strs kind = "array of strings"
)

// required are the keys Grafana reads from a backend datasource's manifest, by path.
var required = []struct {
	path string
	kind kind
}{
	{"id", str}, {"type", str}, {"name", str},
	{"backend", bln}, {"executable", str}, {"alerting", bln}, {"metrics", bln},
	{"info", obj}, {"info.description", str}, {"info.version", str}, {"info.updated", str},
	{"info.keywords", strs}, {"info.logos", obj}, {"info.logos.small", str}, {"info.logos.large", str},
	{"info.author", obj}, {"info.author.name", str}, {"info.links", arr},
	{"dependencies", obj}, {"dependencies.grafanaDependency", str}, {"dependencies.plugins", arr},
}

func lookup(m map[string]any, path string) (any, bool) {
	var v any = m
	for _, k := range strings.Split(path, ".") {
		o, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = o[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

func hasKind(v any, k kind) bool {
	switch k {
	case str:
		_, ok := v.(string)
		return ok
	case bln:
		_, ok := v.(bool)
		return ok
	case obj:
		_, ok := v.(map[string]any)
		return ok
	case arr:
		_, ok := v.([]any)
		return ok
	case strs:
		a, ok := v.([]any)
		for _, e := range a {
			if _, isStr := e.(string); !isStr {
				return false
			}
		}
		return ok
	}
	return false
}

func readManifest(path string) (map[string]any, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

func TestDatasourceManifestStructure(t *testing.T) {
	root := testkit.Root(t)
	m, err := readManifest(filepath.Join(root, "plugin.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range required {
		v, ok := lookup(m, r.path)
		if !ok {
			t.Errorf("plugin.json: %s is missing", r.path)
			continue
		}
		if !hasKind(v, r.kind) {
			t.Errorf("plugin.json: %s = %v, want a %s", r.path, v, r.kind)
		}
	}
	if t.Failed() {
		return
	}
	get := func(path string) any { v, _ := lookup(m, path); return v }

	if got := [3]any{get("id"), get("type"), get("executable")}; got != [3]any{pluginID, "datasource", executable} {
		t.Errorf("id/type/executable = %v/%v/%v, want %s/datasource/%s", got[0], got[1], got[2], pluginID, executable)
	}
	for _, k := range []string{"backend", "alerting", "metrics"} {
		if get(k) != true {
			t.Errorf("plugin.json: %s = %v, want true", k, get(k))
		}
	}
	if err := builtExecutable(root, executable); err != nil {
		t.Error(err)
	}
	if v := get("info.version").(string); !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(v) {
		t.Errorf("info.version = %q, want a semantic version such as 1.2.3", v)
	}
	if v := get("info.updated").(string); !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(v) {
		t.Errorf("info.updated = %q, want a date YYYY-MM-DD", v)
	}
	if dep := get("dependencies.grafanaDependency").(string); !regexp.MustCompile(`^>=10\.4\.0`).MatchString(dep) {
		t.Errorf("dependencies.grafanaDependency = %q, want >=10.4.0 (the oldest Grafana the plugin supports)", dep)
	}
	for i, p := range get("dependencies.plugins").([]any) {
		d, ok := p.(map[string]any)
		if !ok {
			t.Errorf("dependencies.plugins[%d] = %v, want an object", i, p)
			continue
		}
		for _, k := range []string{"id", "type", "name", "version"} {
			if !hasKind(d[k], str) {
				t.Errorf("dependencies.plugins[%d].%s = %v, want a string", i, k, d[k])
			}
		}
	}
	if len(get("info.keywords").([]any)) == 0 || len(get("info.links").([]any)) == 0 {
		t.Error("info.keywords and info.links must not be empty")
	}
	for i, l := range get("info.links").([]any) {
		link, ok := l.(map[string]any)
		if !ok || !hasKind(link["name"], str) || !hasKind(link["url"], str) {
			t.Errorf("info.links[%d] = %v, want {name, url}", i, l)
		}
	}
	for _, k := range []string{"info.logos.small", "info.logos.large"} {
		logo := get(k).(string)
		if !strings.HasSuffix(logo, ".svg") {
			t.Errorf("%s = %q, want an SVG file", k, logo)
		}
		if _, err := os.Stat(filepath.Join(root, logo)); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
}

// builtExecutable checks that a binary target of the workspace is named as the manifest's
// executable, the name Grafana prefixes to _<os>_<arch>.
func builtExecutable(root, name string) error {
	crates, err := filepath.Glob(filepath.Join(root, "crates", "*", "Cargo.toml"))
	if err != nil {
		return err
	}
	bin := regexp.MustCompile(`(?m)^\[\[bin\]\]\s*\nname\s*=\s*"` + regexp.QuoteMeta(name) + `"`)
	for _, c := range crates {
		b, err := os.ReadFile(c)
		if err != nil {
			return err
		}
		if bin.Match(b) {
			return nil
		}
	}
	return errors.New("no crate under crates/ builds a binary named " + name + " (the manifest's executable)")
}
