package faults

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mahavishnu/mcp-grafana/tests/internal/testkit"
)

func TestClosedPortRefusesConnections(t *testing.T) {
	_, err := http.Get(ClosedPort(t) + "/api/v1/query")
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("got %v, want connection refused", err)
	}
}

func TestHangHoldsTheRequestUntilTheClientGivesUp(t *testing.T) {
	s := Hang(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, strings.NewReader("query=up"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if _, err := http.DefaultClient.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the client's deadline", err)
	}
	testkit.WaitFor(t, 5*time.Second, "the hang-up counted", func() (bool, string) {
		return s.Cancelled() == 1, fmt.Sprintf("cancelled = %d, want 1", s.Cancelled())
	})
}

func TestHTML5xxAndMalformedJSON(t *testing.T) {
	resp, err := http.Get(HTML5xx(t, 503).URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || !strings.Contains(string(body), "<html>") {
		t.Errorf("HTML5xx: %d %q", resp.StatusCode, body)
	}
	resp, err = http.Get(MalformedJSON(t).URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	var v any
	if resp.StatusCode != 200 || json.Unmarshal(body, &v) == nil {
		t.Errorf("MalformedJSON: %d, body parses as JSON", resp.StatusCode)
	}
}

// Every request gets the whole size: one answer's bytes do not count against the next.
func TestOversizeIsValidJSONOfAtLeastTheSizeForEveryRequest(t *testing.T) {
	s := Oversize(t, 300_000)
	for i := 0; i < 3; i++ {
		resp, err := http.Get(s.URL)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var v struct {
			Status string `json:"status"`
		}
		if err := json.Unmarshal(body, &v); err != nil || v.Status != "success" {
			t.Fatalf("request %d: not a valid Prometheus answer: %v", i, err)
		}
		if len(body) < 300_000 {
			t.Errorf("request %d: %d bytes, want at least 300000", i, len(body))
		}
	}
}

func TestRecordRemembersHeadersAndProxies(t *testing.T) {
	upstream := HTML5xx(t, 502)
	rec := Record(t, upstream.URL)
	req, _ := http.NewRequest(http.MethodPost, rec.URL+"/api/v1/query", strings.NewReader("query=up"))
	req.Header.Set("Authorization", "Bearer x")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 502 || upstream.Requests() != 1 {
		t.Errorf("proxied status %d, upstream saw %d requests", resp.StatusCode, upstream.Requests())
	}
	got := rec.Requests()
	if len(got) != 1 || got[0].Header.Get("Authorization") != "Bearer x" || got[0].Query.Get("query") != "up" {
		t.Errorf("recorded %+v", got)
	}
}
