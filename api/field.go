package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// FieldClient speaks the public API as one token holder: what the
// handheld app and a sensor gateway do. The load test uses it.
type FieldClient struct {
	base  string
	token string
	hc    *http.Client
}

// NewFieldClient makes a client of the server at base (http://host:port)
// for token; hc nil means http.DefaultClient.
func NewFieldClient(base, token string, hc *http.Client) *FieldClient {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &FieldClient{base: strings.TrimRight(base, "/"), token: token, hc: hc}
}

// Error is an error answer of the API.
type Error struct {
	Status     int
	Message    string
	Field      string
	RetryAfter time.Duration // from Retry-After, on 429 and 503
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%d %s: %s", e.Status, http.StatusText(e.Status), e.Message)
	if e.Field != "" {
		s += " (field " + e.Field + ")"
	}
	return s
}

// Report posts a field report with an Idempotency-Key ("" for none). It
// returns the answer and its status (201 or 200), an *Error for an error
// answer, or the transport's error.
func (f *FieldClient) Report(ctx context.Context, key string, req ReportRequest) (ReportResponse, int, error) {
	var out ReportResponse
	status, err := f.post(ctx, "/api/v1/reports", key, req, &out)
	return out, status, err
}

// Alert posts a sensor alert, as Report does.
func (f *FieldClient) Alert(ctx context.Context, key string, req AlertRequest) (AlertResponse, int, error) {
	var out AlertResponse
	status, err := f.post(ctx, "/api/v1/alerts", key, req, &out)
	return out, status, err
}

// PostRaw posts body as it is, for callers that build their own JSON.
func (f *FieldClient) PostRaw(ctx context.Context, path, key string, body []byte, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+f.token)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := f.hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode >= 300 {
		var e errorJSON
		_ = json.Unmarshal(b, &e)
		ae := &Error{Status: resp.StatusCode, Message: e.Error, Field: e.Field}
		if ra, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
			ae.RetryAfter = time.Duration(ra) * time.Second
		}
		return resp.StatusCode, ae
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s: decoding the answer: %w", path, err)
		}
	}
	return resp.StatusCode, nil
}

func (f *FieldClient) post(ctx context.Context, path, key string, v, out any) (int, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return 0, err
	}
	return f.PostRaw(ctx, path, key, body, out)
}
