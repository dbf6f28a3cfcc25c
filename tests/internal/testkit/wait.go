package testkit

import (
	"context"
	"testing"
	"time"
)

// Ctx is a context that ends after d or with the test.
func Ctx(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// WaitFor polls cond until it holds, first every 5 ms and backing off to every 250 ms,
// and fails the test with what was awaited and the last thing cond saw when it does not
// hold within the deadline.
func WaitFor(t testing.TB, within time.Duration, what string, cond func() (ok bool, last string)) {
	t.Helper()
	if last, ok := Poll(within, cond); !ok {
		t.Fatalf("%s: not within %s; last seen: %s", what, within, last)
	}
}

// Poll is WaitFor for code that reports its own failure: it says whether cond held in time
// and what cond saw last.
func Poll(within time.Duration, cond func() (ok bool, last string)) (string, bool) {
	deadline := time.Now().Add(within)
	pause := 5 * time.Millisecond
	for {
		ok, last := cond()
		if ok {
			return last, true
		}
		if time.Now().After(deadline) {
			return last, false
		}
		time.Sleep(pause)
		pause = min(2*pause, 250*time.Millisecond)
	}
}
