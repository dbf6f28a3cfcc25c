// Package pluginschema checks plugin manifests against Grafana's plugin.json schema. The
// schema is Grafana's and under AGPL, so it is not in this repository: MCP_PLUGIN_SCHEMA
// names it, or it is ../shared/reference/plugin.schema.json beside the clone (as in CI).
package pluginschema

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Find returns the schema's path, or why there is none to check against (missing), or an
// error when MCP_PLUGIN_SCHEMA names a file that is not there.
func Find(root string) (path, missing string, err error) {
	if p := os.Getenv("MCP_PLUGIN_SCHEMA"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", "", fmt.Errorf("MCP_PLUGIN_SCHEMA=%s: %w", p, err)
		}
		return p, "", nil
	}
	p := filepath.Join(root, "..", "shared", "reference", "plugin.schema.json")
	if _, err := os.Stat(p); err == nil {
		return p, "", nil
	}
	return "", fmt.Sprintf("Grafana's plugin.json schema is not part of this repository (it is under AGPL) "+
		"and is not at %s; set MCP_PLUGIN_SCHEMA to its path to check plugin.json against it", filepath.Clean(p)), nil
}

// ForTest finds and compiles the schema for a test, which it skips with the reason when the
// schema is not at hand.
func ForTest(t testing.TB, root string) *jsonschema.Schema {
	t.Helper()
	path, missing, err := Find(root)
	if err != nil {
		t.Fatal(err)
	}
	if missing != "" {
		t.Skip(missing)
	}
	schema, err := Compile(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return schema
}

// Compile reads the schema at path.
func Compile(path string) (*jsonschema.Schema, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	doc, err := decode(path, raw)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("plugin.schema.json", doc); err != nil {
		return nil, err
	}
	return c.Compile("plugin.schema.json")
}

// Validate checks a manifest's bytes (named by name in errors) against the schema.
func Validate(schema *jsonschema.Schema, name string, manifest []byte) error {
	doc, err := decode(name, manifest)
	if err != nil {
		return err
	}
	if err := schema.Validate(doc); err != nil {
		return fmt.Errorf("%s does not match Grafana's plugin.json schema: %w", name, err)
	}
	return nil
}

func decode(name string, raw []byte) (any, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return v, nil
}
