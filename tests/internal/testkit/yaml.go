package testkit

import (
	"os"
	"testing"

	"go.yaml.in/yaml/v3"
)

// ReadYAML decodes the YAML file at path into v, failing the test naming the file.
func ReadYAML(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
