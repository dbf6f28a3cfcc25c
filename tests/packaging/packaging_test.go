// Package packaging checks the plugin archives `go run mage.go package` writes to dist/:
// for each plugin, dist/<id>-<version>.zip and its .sha256. Each archive holds one folder
// named as the plugin id; its plugin.json is the repository's manifest and matches
// Grafana's schema (when the schema is at hand, see tests/internal/pluginschema); every
// file the manifest names is there, with a backend executable for each platform, built for
// that platform; executables are 0755 and nothing else is executable. Grafana's plugin
// validator (plugincheck2, built by scripts/deps.sh) runs on each archive with the
// analyzers tools/plugin-validator/plugincheck2.yaml turns off, each with its reason, and
// must report no error or warning.
//
// Without the archives the tests skip and say how to build them; MCP_REQUIRE_PACKAGES=1
// (as in scripts/test.sh) makes that a failure. MCP_PLATFORMS (comma separated os/arch,
// as the Magefile reads it) narrows the executables expected to those built.
package packaging

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/mahavishnu/mcp-grafana/tests/internal/pluginschema"
	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

// manifests are the repository's plugin manifests, one per archive.
var manifests = []string{"plugin.json", "frontend/src/panel/plugin.json"}

// shipped are the files every archive holds beside those its manifest names.
var shipped = []string{"module.js", "README.md", "LICENSE", "CHANGELOG.md"}

// platforms are those Grafana runs backend executables on, and how to tell that an
// executable was built for one.
var platforms = map[string]func([]byte) error{
	"linux/amd64":   linux(elf.EM_X86_64),
	"linux/arm64":   linux(elf.EM_AARCH64),
	"darwin/amd64":  darwin(macho.CpuAmd64),
	"darwin/arm64":  darwin(macho.CpuArm64),
	"windows/amd64": windows(pe.IMAGE_FILE_MACHINE_AMD64),
}

// linux wants a static executable for machine: it runs on any distribution, Alpine too.
func linux(machine elf.Machine) func([]byte) error {
	return func(b []byte) error {
		f, err := elf.NewFile(bytes.NewReader(b))
		if err != nil {
			return err
		}
		if f.Machine != machine || f.Class != elf.ELFCLASS64 {
			return fmt.Errorf("ELF for %v %v, want %v 64-bit", f.Machine, f.Class, machine)
		}
		if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
			return fmt.Errorf("ELF type %v, want an executable", f.Type)
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				return fmt.Errorf("dynamically linked (it names an interpreter), want static")
			}
		}
		return nil
	}
}

func darwin(cpu macho.Cpu) func([]byte) error {
	return func(b []byte) error {
		f, err := macho.NewFile(bytes.NewReader(b))
		if err != nil {
			return err
		}
		if f.Cpu != cpu || f.Type != macho.TypeExec {
			return fmt.Errorf("Mach-O %v type %v, want a %v executable", f.Cpu, f.Type, cpu)
		}
		return nil
	}
}

func windows(machine uint16) func([]byte) error {
	return func(b []byte) error {
		f, err := pe.NewFile(bytes.NewReader(b))
		if err != nil {
			return err
		}
		if f.Machine != machine {
			return fmt.Errorf("PE machine %#x, want %#x", f.Machine, machine)
		}
		if f.Characteristics&pe.IMAGE_FILE_EXECUTABLE_IMAGE == 0 || f.Characteristics&pe.IMAGE_FILE_DLL != 0 {
			return fmt.Errorf("PE characteristics %#x, want an executable image", f.Characteristics)
		}
		return nil
	}
}

// wantPlatforms is every platform, or those MCP_PLATFORMS lists.
func wantPlatforms(t *testing.T) []string {
	t.Helper()
	var out []string
	if v := os.Getenv("MCP_PLATFORMS"); v != "" {
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			if platforms[p] == nil {
				t.Fatalf("MCP_PLATFORMS: %q is not a platform Grafana runs backends on", p)
			}
			out = append(out, p)
		}
		return out
	}
	for p := range platforms {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// manifest is what the tests read of a plugin.json.
type manifest struct {
	ID         string `json:"id"`
	Executable string `json:"executable"`
	Info       struct {
		Version string `json:"version"`
		Logos   struct {
			Small string `json:"small"`
			Large string `json:"large"`
		} `json:"logos"`
		Screenshots []struct {
			Path string `json:"path"`
		} `json:"screenshots"`
	} `json:"info"`
}

// archive is one plugin's zip, read into memory.
type archive struct {
	path     string
	source   []byte // the repository's manifest
	manifest manifest
	files    map[string]*zip.File // by name, folders end in /
	raw      []byte
}

func (a *archive) read(t *testing.T, name string) []byte {
	t.Helper()
	f := a.files[name]
	if f == nil {
		t.Fatalf("%s: no %s", a.path, name)
	}
	r, err := f.Open()
	if err != nil {
		t.Fatalf("%s: %s: %v", a.path, name, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %s: %v", a.path, name, err)
	}
	return b
}

// archives opens the archive of each manifest, skipping (or failing, when
// MCP_REQUIRE_PACKAGES=1) when one is not built.
func archives(t *testing.T) []*archive {
	t.Helper()
	repo := testkit.Root(t)
	var out []*archive
	for _, mf := range manifests {
		src, err := os.ReadFile(filepath.Join(repo, mf))
		if err != nil {
			t.Fatal(err)
		}
		var m manifest
		if err := json.Unmarshal(src, &m); err != nil {
			t.Fatalf("%s: %v", mf, err)
		}
		p := filepath.Join(repo, "dist", m.ID+"-"+m.Info.Version+".zip")
		raw, err := os.ReadFile(p)
		if err != nil {
			msg := fmt.Sprintf("%s is not built (%v): run `go run mage.go package` at the repository root", p, err)
			if os.Getenv("MCP_REQUIRE_PACKAGES") == "1" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
		zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		a := &archive{path: p, source: src, manifest: m, files: map[string]*zip.File{}, raw: raw}
		for _, f := range zr.File {
			if a.files[f.Name] != nil {
				t.Errorf("%s: %s is in the archive twice", p, f.Name)
			}
			a.files[f.Name] = f
		}
		out = append(out, a)
	}
	return out
}

func TestChecksumBesideEachArchive(t *testing.T) {
	for _, a := range archives(t) {
		b, err := os.ReadFile(a.path + ".sha256")
		if err != nil {
			t.Errorf("%s: %v", a.path, err)
			continue
		}
		sum := sha256.Sum256(a.raw)
		want := hex.EncodeToString(sum[:]) + "  " + filepath.Base(a.path) + "\n"
		if string(b) != want {
			t.Errorf("%s.sha256 = %q, want %q (sha256sum's format)", a.path, b, want)
		}
	}
}

func TestLayout(t *testing.T) {
	for _, a := range archives(t) {
		id := a.manifest.ID
		for name, f := range a.files {
			if !strings.HasPrefix(name, id+"/") {
				t.Errorf("%s: %s is outside the folder %s/", a.path, name, id)
			}
			if strings.Contains(name, "..") || strings.HasPrefix(name, "/") || strings.Contains(name, `\`) {
				t.Errorf("%s: %s is not a plain relative path", a.path, name)
			}
			if name != id+"/" && a.files[path.Dir(strings.TrimSuffix(name, "/"))+"/"] == nil {
				t.Errorf("%s: the folder of %s has no entry of its own (unzip would make it with default modes)", a.path, name)
			}
			if f.Mode()&fs.ModeType != 0 && !f.Mode().IsDir() {
				t.Errorf("%s: %s is a %v, want a file or folder", a.path, name, f.Mode().Type())
			}
		}
		if got := a.read(t, id+"/plugin.json"); !bytes.Equal(got, a.source) {
			t.Errorf("%s: plugin.json differs from the repository's manifest", a.path)
		}
		for _, f := range shipped {
			if a.files[id+"/"+f] == nil {
				t.Errorf("%s: no %s/%s", a.path, id, f)
			}
		}
	}
}

func TestEveryFileTheManifestNamesIsThere(t *testing.T) {
	for _, a := range archives(t) {
		m := a.manifest
		named := []string{m.Info.Logos.Small, m.Info.Logos.Large}
		for _, s := range m.Info.Screenshots {
			named = append(named, s.Path)
		}
		for i, n := range named {
			if n == "" {
				t.Errorf("%s: plugin.json names an empty file (logo or screenshot %d)", a.path, i)
				continue
			}
			if a.files[m.ID+"/"+n] == nil {
				t.Errorf("%s: plugin.json names %s, not in the archive", a.path, n)
			}
		}
		if m.Executable == "" {
			continue
		}
		for _, p := range wantPlatforms(t) {
			name := m.ID + "/" + executableName(m.Executable, p)
			if a.files[name] == nil {
				t.Errorf("%s: no %s, the executable Grafana runs on %s", a.path, name, p)
				continue
			}
			if err := platforms[p](a.read(t, name)); err != nil {
				t.Errorf("%s: %s is not built for %s: %v", a.path, name, p, err)
			}
		}
	}
}

func executableName(executable, platform string) string {
	name := executable + "_" + strings.ReplaceAll(platform, "/", "_")
	if strings.HasPrefix(platform, "windows/") {
		name += ".exe"
	}
	return name
}

func TestModes(t *testing.T) {
	for _, a := range archives(t) {
		exe := a.manifest.Executable
		for name, f := range a.files {
			mode := f.Mode()
			var want fs.FileMode
			switch base := path.Base(name); {
			case mode.IsDir():
				want = fs.ModeDir | 0o755
			case exe != "" && strings.HasPrefix(base, exe+"_"):
				want = 0o755
			default:
				want = 0o644
			}
			if mode != want {
				t.Errorf("%s: %s has mode %v, want %v", a.path, name, mode, want)
			}
		}
	}
}

func TestManifestsMatchGrafanaSchema(t *testing.T) {
	as := archives(t)
	schema := pluginschema.ForTest(t, testkit.Root(t))
	for _, a := range as {
		if err := pluginschema.Validate(schema, a.path+": plugin.json", a.read(t, a.manifest.ID+"/plugin.json")); err != nil {
			t.Error(err)
		}
	}
}

// validatorConfig is tools/plugin-validator/plugincheck2.yaml as the test reads it: the
// analyzers to run, and the reason for each analyzer or rule turned off.
type validatorConfig struct {
	Analyzers map[string]struct {
		Enabled *bool  `yaml:"enabled"`
		Reason  string `yaml:"reason"`
		Rules   map[string]struct {
			Enabled *bool  `yaml:"enabled"`
			Reason  string `yaml:"reason"`
		} `yaml:"rules"`
	} `yaml:"analyzers"`
}

// readValidatorConfig returns the analyzers to run, failing on any turned off without a
// reason or left undecided.
func readValidatorConfig(t *testing.T, path string) (run []string, listed map[string]bool) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cfg validatorConfig
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	listed = map[string]bool{}
	for name, a := range cfg.Analyzers {
		listed[name] = true
		switch {
		case a.Enabled == nil:
			t.Errorf("%s: analyzer %s: enabled is not set, want true, or false with a reason", path, name)
		case *a.Enabled:
			run = append(run, name)
		case strings.TrimSpace(a.Reason) == "":
			t.Errorf("%s: analyzer %s is turned off without a reason", path, name)
		}
		for rule, r := range a.Rules {
			if r.Enabled != nil && !*r.Enabled && strings.TrimSpace(r.Reason) == "" {
				t.Errorf("%s: rule %s of %s is turned off without a reason", path, rule, name)
			}
		}
	}
	sort.Strings(run)
	return run, listed
}

// diagnostic is one finding of plugincheck2's JSON output.
type diagnostic struct {
	Severity string `json:"Severity"`
	Title    string `json:"Title"`
	Detail   string `json:"Detail"`
	Name     string `json:"Name"`
}

// running matches plugincheck2's debug line before each analyzer it runs, dependencies after
// the analyzer asked for; failed, the line of an analyzer that stopped the run.
var (
	running = regexp.MustCompile(`(?m)^\[DEBUG\] Running analyzer (\S+)$`)
	failed  = regexp.MustCompile(`(?m)^\[DEBUG\] check failed: (.*)$`)
)

func TestGrafanaPluginValidator(t *testing.T) {
	repo := testkit.Root(t)
	as := archives(t)
	tools := os.Getenv("MCP_TOOLS_DIR")
	if tools == "" {
		tools = "/var/cache/mcp-grafana"
	}
	bin := filepath.Join(tools, "bin", "plugincheck2")
	if _, err := os.Stat(bin); err != nil {
		msg := fmt.Sprintf("Grafana's plugin validator is not at %s (%v): run scripts/deps.sh", bin, err)
		if os.Getenv("MCP_REQUIRE_PACKAGES") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	config := filepath.Join(repo, "tools", "plugin-validator", "plugincheck2.yaml")
	analyzers, listed := readValidatorConfig(t, config)
	if len(analyzers) == 0 {
		t.Fatalf("%s turns every analyzer off", config)
	}
	for _, a := range as {
		for _, name := range analyzers {
			t.Run(a.manifest.ID+"/"+name, func(t *testing.T) {
				t.Parallel()
				out := filepath.Join(t.TempDir(), "report.json")
				cmd := exec.Command(bin, "-config", config, "-analyzer", name, "-output-to-file", out, a.path)
				// The validator unpacks the archive into a folder of the system's temporary
				// directory and leaves it there (about 20 MB a run, 58 runs a test): given
				// the test's own, the test's cleanup takes it.
				cmd.Env = append(os.Environ(), "DEBUG=1", "TMPDIR="+t.TempDir())
				log, err := cmd.CombinedOutput()
				ran := running.FindAllStringSubmatch(string(log), -1)
				if len(ran) == 0 || ran[0][1] != name {
					t.Fatalf("plugincheck2 -analyzer %s ran %v first, want %s (not an analyzer of this version?); exit %v", name, ran, name, err)
				}
				for _, r := range ran {
					if !listed[r[1]] {
						t.Errorf("plugincheck2 ran analyzer %s, which %s does not list", r[1], filepath.Base(config))
					}
				}
				if m := failed.FindStringSubmatch(string(log)); m != nil {
					t.Errorf("plugincheck2 -analyzer %s %s stopped: %s", name, filepath.Base(a.path), m[1])
				}
				raw, rerr := os.ReadFile(out)
				if rerr != nil {
					t.Fatalf("plugincheck2 -analyzer %s wrote no report (%v), exit %v:\n%s", name, rerr, err, log)
				}
				var report struct {
					ID          string                  `json:"id"`
					Version     string                  `json:"version"`
					Diagnostics map[string][]diagnostic `json:"plugin-validator"`
				}
				if jerr := json.Unmarshal(raw, &report); jerr != nil {
					t.Fatalf("plugincheck2 report %s: %v", raw, jerr)
				}
				if report.ID != a.manifest.ID || report.Version != a.manifest.Info.Version {
					t.Errorf("plugincheck2 read %s %s, want %s %s", report.ID, report.Version, a.manifest.ID, a.manifest.Info.Version)
				}
				// A dependency runs with its defaults (plugincheck2 configures only the
				// analyzer asked for); its findings count in its own run.
				for analyzer, ds := range report.Diagnostics {
					for _, d := range ds {
						switch {
						case analyzer != name:
							t.Logf("%s: %s %s (%s), as a dependency: %s", filepath.Base(a.path), analyzer, d.Severity, d.Name, d.Title)
						case d.Severity == "error" || d.Severity == "warning" || d.Severity == "suspected":
							t.Errorf("%s: %s %s (%s): %s: %s", filepath.Base(a.path), analyzer, d.Severity, d.Name, d.Title, d.Detail)
						default:
							t.Logf("%s: %s %s (%s): %s", filepath.Base(a.path), analyzer, d.Severity, d.Name, d.Title)
						}
					}
				}
				if err != nil && !t.Failed() {
					t.Errorf("plugincheck2 -analyzer %s: %v with nothing reported:\n%s", name, err, log)
				}
			})
		}
	}
}
