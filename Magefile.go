//go:build mage

// The build entry point: go run mage.go <target> from the repository root (go run mage.go -l
// lists the targets). Builds go to dist/ (git-ignored) and the cargo target directory; the
// tools they need (the Rust targets, zig, cargo-zigbuild) come from scripts/deps.sh, which
// every build target runs first.
package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"
)

// Build holds the build targets: build:backend, build:wasm, build:frontend.
type Build mg.Namespace

// platform is one os/arch Grafana runs a backend executable on, and how it is built here.
type platform struct {
	os, arch string
	// triple is the Rust target. Linux is musl, linked statically: the executable then runs
	// on Grafana's Alpine images and on any glibc as well.
	triple string
	// file is what `file` must say about the executable.
	file *regexp.Regexp
	// needs says what building this platform takes beyond zig, for a failure's report.
	needs string
}

var platforms = []platform{
	{"linux", "amd64", "x86_64-unknown-linux-musl",
		regexp.MustCompile(`ELF 64-bit LSB .*x86-64.*static`), ""},
	{"linux", "arm64", "aarch64-unknown-linux-musl",
		regexp.MustCompile(`ELF 64-bit LSB .*ARM aarch64.*static`), ""},
	{"darwin", "amd64", "x86_64-apple-darwin",
		regexp.MustCompile(`Mach-O 64-bit x86_64 executable`), darwinNeeds},
	{"darwin", "arm64", "aarch64-apple-darwin",
		regexp.MustCompile(`Mach-O 64-bit arm64 executable`), darwinNeeds},
	{"windows", "amd64", "x86_64-pc-windows-gnu",
		regexp.MustCompile(`PE32\+ executable.*(x86-64.*MS Windows|MS Windows.*x86-64)`), ""},
}

// darwinNeeds: zig links against macOS's libSystem without an SDK, but not against
// frameworks, and rustls-native-certs (the system's trust store) links Security and
// CoreFoundation. cargo-zigbuild finds them under SDKROOT.
const darwinNeeds = "the macOS SDK for the Security and CoreFoundation frameworks that " +
	"rustls-native-certs links: set SDKROOT to a MacOSX.sdk (Xcode's or the Command Line Tools')"

// missing says what a platform needs and this machine lacks, before a build that would
// fail only at its last step.
func (p platform) missing() string {
	if p.os == "darwin" && os.Getenv("SDKROOT") == "" && os.Getenv("DEVELOPER_DIR") == "" {
		if _, err := exec.LookPath("xcrun"); err != nil {
			return "SDKROOT is not set and there is no xcrun to find the SDK; it needs " + p.needs
		}
	}
	return ""
}

func (p platform) String() string { return p.os + "/" + p.arch }

// name is the executable's file name as Grafana looks it up: <executable>_<os>_<arch>[.exe].
func (p platform) name(executable string) string {
	n := executable + "_" + p.os + "_" + p.arch
	if p.os == "windows" {
		n += ".exe"
	}
	return n
}

// selected is every platform, or those MCP_PLATFORMS lists (comma separated os/arch).
func selected() ([]platform, error) {
	want := os.Getenv("MCP_PLATFORMS")
	if want == "" {
		return platforms, nil
	}
	var out []platform
	for _, w := range strings.Split(want, ",") {
		w = strings.TrimSpace(w)
		i := indexOf(w)
		if i < 0 {
			return nil, fmt.Errorf("MCP_PLATFORMS: %q is not one of %s", w, platformList())
		}
		out = append(out, platforms[i])
	}
	return out, nil
}

func indexOf(osArch string) int {
	for i, p := range platforms {
		if p.String() == osArch {
			return i
		}
	}
	return -1
}

func platformList() string {
	var s []string
	for _, p := range platforms {
		s = append(s, p.String())
	}
	return strings.Join(s, ", ")
}

// tools is where scripts/deps.sh installs the build tools, outside the clone.
func tools() string {
	if d := os.Getenv("MCP_TOOLS_DIR"); d != "" {
		return d
	}
	return "/var/cache/mcp-grafana"
}

// Deps installs what the builds need and is missing (scripts/deps.sh).
func Deps() error {
	return sh.RunV("scripts/deps.sh")
}

// manifest is the part of a plugin.json the build reads.
type manifest struct {
	ID         string `json:"id"`
	Backend    bool   `json:"backend"`
	Executable string `json:"executable"`
	Info       struct {
		Version string `json:"version"`
	} `json:"info"`
}

func readManifest(path string) (manifest, error) {
	var m manifest
	b, err := os.ReadFile(path)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: %w", path, err)
	}
	if m.ID == "" || m.Info.Version == "" {
		return m, fmt.Errorf("%s: id %q, info.version %q: both are needed", path, m.ID, m.Info.Version)
	}
	return m, nil
}

func cargoTarget() (string, error) {
	out, err := sh.Output("cargo", "metadata", "--format-version", "1", "--no-deps", "--locked")
	if err != nil {
		return "", err
	}
	var meta struct {
		TargetDirectory string `json:"target_directory"`
	}
	if err := json.Unmarshal([]byte(out), &meta); err != nil {
		return "", fmt.Errorf("cargo metadata: %w", err)
	}
	return meta.TargetDirectory, nil
}

// Backend cross-compiles the datasource's executable (release profile) for every platform
// Grafana runs, or those MCP_PLATFORMS lists, into dist/<plugin id>/ as
// <executable>_<os>_<arch>[.exe], with cargo-zigbuild and zig. Each executable is checked
// with `file`. A platform that fails is reported with the reason and what it needs, and
// the target fails after building the others.
func (Build) Backend() error {
	mg.Deps(Deps)
	ds, err := readManifest("plugin.json")
	if err != nil {
		return err
	}
	if !ds.Backend || ds.Executable == "" {
		return fmt.Errorf("plugin.json: backend %v, executable %q: the datasource needs both", ds.Backend, ds.Executable)
	}
	want, err := selected()
	if err != nil {
		return err
	}
	target, err := cargoTarget()
	if err != nil {
		return err
	}
	installed, err := sh.Output("rustup", "target", "list", "--installed")
	if err != nil {
		return err
	}
	out := filepath.Join("dist", ds.ID)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	env := map[string]string{
		"CARGO_ZIGBUILD_ZIG_PATH": filepath.Join(tools(), "bin", "zig"),
		"PATH":                    filepath.Join(tools(), "bin") + string(os.PathListSeparator) + os.Getenv("PATH"),
	}
	var failed []string
	for _, p := range want {
		if why := p.missing(); why != "" {
			fmt.Printf("build:backend: %s NOT BUILT: %s\n", p, why)
			failed = append(failed, fmt.Sprintf("%s: %s", p, why))
			continue
		}
		start := time.Now()
		fmt.Printf("build:backend: %s (%s)\n", p, p.triple)
		if err := buildPlatform(p, ds.Executable, target, out, installed, env); err != nil {
			fmt.Printf("build:backend: %s FAILED: %v\n", p, err)
			failed = append(failed, fmt.Sprintf("%s: %v", p, err))
			continue
		}
		fmt.Printf("build:backend: %s done in %s\n", p, time.Since(start).Round(time.Second))
	}
	if len(failed) > 0 {
		return fmt.Errorf("build:backend: %d of %d platforms not built (MCP_PLATFORMS=os/arch,... "+
			"builds the others alone):\n  %s", len(failed), len(want), strings.Join(failed, "\n  "))
	}
	return nil
}

func buildPlatform(p platform, executable, target, out, installed string, env map[string]string) error {
	if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(p.triple) + `$`).MatchString(installed) {
		if err := sh.RunV("rustup", "target", "add", p.triple); err != nil {
			return fmt.Errorf("rustup target add %s: %w", p.triple, err)
		}
	}
	var log bytes.Buffer
	cmd := exec.Command("cargo", "zigbuild", "--locked", "--release", "-p", "mcp-plugin",
		"--bin", executable, "--target", p.triple)
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = &log, io.MultiWriter(&log, os.Stderr)
	if err := cmd.Run(); err != nil {
		reason := lastLines(log.String(), 12)
		if p.needs != "" {
			return fmt.Errorf("cargo zigbuild: %w; it needs %s; the last lines:\n%s", err, p.needs, reason)
		}
		return fmt.Errorf("cargo zigbuild: %w; the last lines:\n%s", err, reason)
	}
	exe := executable
	if p.os == "windows" {
		exe += ".exe"
	}
	dst := filepath.Join(out, p.name(executable))
	if err := copyFile(filepath.Join(target, p.triple, "release", exe), dst, 0o755); err != nil {
		return err
	}
	desc, err := sh.Output("file", "-b", dst)
	if err != nil {
		return fmt.Errorf("file %s: %w", dst, err)
	}
	if !p.file.MatchString(desc) {
		return fmt.Errorf("%s is %q, want %s", dst, desc, p.file)
	}
	fmt.Printf("build:backend: %s: %s\n", dst, desc)
	return nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "    " + strings.Join(lines, "\n    ")
}

func copyFile(src, dst string, mode fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := dst + ".tmp"
	outf, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(outf, in); err != nil {
		outf.Close()
		return err
	}
	if err := outf.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp, mode); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

// Wasm builds the overview panel's renderer into dist/wasm (scripts/build-wasm.sh).
func (Build) Wasm() error {
	mg.Deps(Deps)
	return sh.RunV("scripts/build-wasm.sh")
}

// Frontend builds both plugins' frontends into dist/<plugin id>/ (npm ci when
// node_modules is missing or older than the lock).
func (Build) Frontend() error {
	mg.Deps(Build.Wasm)
	env := map[string]string{}
	if os.Getenv("npm_config_cache") == "" {
		env["npm_config_cache"] = filepath.Join(tools(), "npm")
	}
	if stale("frontend/node_modules/.package-lock.json", "frontend/package-lock.json") {
		if err := sh.RunWithV(env, "npm", "--prefix", "frontend", "ci", "--prefer-offline", "--no-audit", "--no-fund"); err != nil {
			return err
		}
	}
	return sh.RunWithV(env, "npm", "--prefix", "frontend", "run", "build")
}

// stale is true when out is missing or older than in.
func stale(out, in string) bool {
	o, err := os.Stat(out)
	if err != nil {
		return true
	}
	i, err := os.Stat(in)
	return err != nil || i.ModTime().After(o.ModTime())
}

// Package builds both plugins (build:frontend, build:backend) and archives them (archive).
func Package() {
	mg.SerialDeps(Build.Frontend, Build.Backend, Archive)
}

// Archive writes one archive per plugin built in dist/, as Grafana installs them:
// dist/<plugin id>-<version>.zip holding the folder <plugin id>/ (executables 0755, other
// files 0644), and beside it <archive>.sha256 in sha256sum's format.
func Archive() error {
	dirs, err := filepath.Glob(filepath.Join("dist", "*", "plugin.json"))
	if err != nil {
		return err
	}
	if len(dirs) == 0 {
		return errors.New("archive: no dist/*/plugin.json: build the plugins first (build:frontend, build:backend)")
	}
	for _, path := range dirs {
		m, err := readManifest(path)
		if err != nil {
			return err
		}
		dir := filepath.Dir(path)
		if filepath.Base(dir) != m.ID {
			return fmt.Errorf("%s: id %q, want the folder's name %q", path, m.ID, filepath.Base(dir))
		}
		archive := filepath.Join("dist", m.ID+"-"+m.Info.Version+".zip")
		if err := zipPlugin(dir, m, archive); err != nil {
			return fmt.Errorf("archive %s: %w", archive, err)
		}
		sum, err := writeSHA256(archive)
		if err != nil {
			return err
		}
		fmt.Printf("archive: %s sha256 %s\n", archive, sum)
	}
	return nil
}

func zipPlugin(dir string, m manifest, archive string) error {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, path)
		} else if !d.IsDir() {
			return fmt.Errorf("%s: neither a file nor a folder", path)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(files)
	if m.Executable != "" && !slices.ContainsFunc(files, func(f string) bool {
		return strings.HasPrefix(filepath.Base(f), m.Executable+"_")
	}) {
		return fmt.Errorf("%s holds no %s_<os>_<arch>: build it first (build:backend)", dir, m.Executable)
	}
	tmp := archive + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	zw := zip.NewWriter(f)
	folders := map[string]bool{}
	for _, path := range files {
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		name := m.ID + "/" + filepath.ToSlash(rel)
		if err := addFolders(zw, folders, name); err != nil {
			return err
		}
		mode := fs.FileMode(0o644)
		if m.Executable != "" && strings.HasPrefix(filepath.Base(path), m.Executable+"_") {
			mode = 0o755
		}
		if err := addFile(zw, path, name, mode); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, archive)
}

// addFolders writes the folder entries of name's path once each, so unzip makes them 0755.
func addFolders(zw *zip.Writer, seen map[string]bool, name string) error {
	parts := strings.Split(name, "/")
	for i := 1; i < len(parts); i++ {
		folder := strings.Join(parts[:i], "/") + "/"
		if seen[folder] {
			continue
		}
		seen[folder] = true
		h := &zip.FileHeader{Name: folder, Method: zip.Store}
		h.SetMode(fs.ModeDir | 0o755)
		if _, err := zw.CreateHeader(h); err != nil {
			return err
		}
	}
	return nil
}

func addFile(zw *zip.Writer, path, name string, mode fs.FileMode) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	h, err := zip.FileInfoHeader(info)
	if err != nil {
		return err
	}
	h.Name, h.Method = name, zip.Deflate
	h.SetMode(mode)
	w, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

func writeSHA256(archive string) (string, error) {
	f, err := os.Open(archive)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	line := sum + "  " + filepath.Base(archive) + "\n"
	return sum, os.WriteFile(archive+".sha256", []byte(line), 0o644)
}

// Test runs every test (scripts/test.sh).
func Test() error {
	return sh.RunV("scripts/test.sh")
}

// Demo runs the demo (scripts/demo.sh); MCP_SCENARIO names the simulator's scenario.
func Demo() error {
	args := []string{}
	if s := os.Getenv("MCP_SCENARIO"); s != "" {
		args = append(args, "--scenario", s)
	}
	_, err := sh.Exec(nil, os.Stdout, os.Stderr, "scripts/demo.sh", args...)
	return err
}

// Clean removes the build outputs in the clone (dist/, the browser harness page's build).
// The cargo target directory and the tool caches are left in place.
func Clean() error {
	for _, d := range []string{"dist", filepath.Join("tests", "browser", "page", "dist")} {
		if err := sh.Rm(d); err != nil {
			return err
		}
	}
	return nil
}
