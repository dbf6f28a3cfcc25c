// Package standalone lets a program (not a test) use the helpers written for tests:
// tests/fixture and tests/host take a testing.TB for their failures, temporary folders and
// cleanups. A TB here turns Fatal into an error returned by Do and runs the cleanups, last
// registered first, when the program calls Close.
//
//	tb := standalone.New("grafana")
//	defer tb.Close()
//	err := tb.Do(func() { eco = fixture.StartEcosystem(tb, fixture.EcosystemOptions{}) })
package standalone

import (
	"fmt"
	"os"
	"sync"
	"testing"
)

// TB implements the testing.TB methods the fixtures call. The embedded interface is nil:
// a method not listed here panics, which names the method a fixture started to use.
type TB struct {
	testing.TB
	name string

	mu       sync.Mutex
	cleanups []func()
	failed   bool
}

// New returns a TB whose log lines are prefixed with name.
func New(name string) *TB { return &TB{name: name} }

// failure is what Fatal panics with, for Do to recover.
type failure struct{ msg string }

// Do runs f and returns the message of a Fatal call inside it as an error.
func (t *TB) Do(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			fl, ok := r.(failure)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("%s", fl.msg)
		}
	}()
	f()
	return nil
}

// Close runs the cleanups, last registered first.
func (t *TB) Close() {
	t.mu.Lock()
	cs := t.cleanups
	t.cleanups = nil
	t.mu.Unlock()
	for i := len(cs) - 1; i >= 0; i-- {
		cs[i]()
	}
}

func (t *TB) Helper()      {}
func (t *TB) Name() string { return t.name }

func (t *TB) Cleanup(f func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cleanups = append(t.cleanups, f)
}

func (t *TB) Failed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}

func (t *TB) Log(args ...any)                 { t.logf("%s", fmt.Sprint(args...)) }
func (t *TB) Logf(format string, args ...any) { t.logf(format, args...) }

func (t *TB) Error(args ...any) { t.Errorf("%s", fmt.Sprint(args...)) }

func (t *TB) Errorf(format string, args ...any) {
	t.mu.Lock()
	t.failed = true
	t.mu.Unlock()
	t.logf(format, args...)
}

func (t *TB) Fatal(args ...any) { t.Fatalf("%s", fmt.Sprint(args...)) }

func (t *TB) Fatalf(format string, args ...any) {
	t.mu.Lock()
	t.failed = true
	t.mu.Unlock()
	panic(failure{msg: fmt.Sprintf(format, args...)})
}

// TempDir makes a folder that Close removes.
func (t *TB) TempDir() string {
	dir, err := os.MkdirTemp("", t.name+"-")
	if err != nil {
		t.Fatalf("temporary folder: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

func (t *TB) logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, t.name+": "+format+"\n", args...)
}

// Main is a test package's TestMain when its tests share what start starts: it runs the
// tests once start has returned, or exits 1 naming what failed to start, and stops what
// start started after the tests.
func Main(m *testing.M, name string, start func(tb *TB)) {
	tb := New(name)
	code := 1
	if err := tb.Do(func() { start(tb) }); err != nil {
		fmt.Fprintf(os.Stderr, "%s: cannot start: %v\n", name, err)
	} else {
		code = m.Run()
	}
	tb.Close()
	os.Exit(code)
}
