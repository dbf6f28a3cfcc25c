package testkit

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// RepoRoot is the repository root: the folder holding Cargo.toml beside tests/go.mod,
// found above this source file or, in a binary built elsewhere, above the working directory.
func RepoRoot() (string, error) {
	var starts []string
	if _, file, _, ok := runtime.Caller(0); ok {
		starts = append(starts, filepath.Dir(file))
	}
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	for _, dir := range starts {
		for {
			if exists(filepath.Join(dir, "Cargo.toml")) && exists(filepath.Join(dir, "tests", "go.mod")) {
				return dir, nil
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return "", errors.New("repository root not found above the tests' sources or the working directory (looked for Cargo.toml beside tests/go.mod)")
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Root is RepoRoot for a test: it fails the test when there is none.
func Root(t testing.TB) string {
	t.Helper()
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}
