package api

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// The two requests that issue a directive share their fields
// (directiveDraft) and send them as they always did: flat, beside the
// deadline, read strictly either way.
func TestIssueDirectiveRequestsAreFlat(t *testing.T) {
	d := directiveDraft{Text: "转移", Targets: []model.NodeCode{"330784114266"}, By: 7, DryRun: true}
	due := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		req  any
		body string
		into func() any
	}{
		{issueDirectiveReq{d, time.Hour}, `{"text":"转移","targets":["330784114266"],"deadline":3600000000000,"by":7,"dry_run":true}`,
			func() any { return new(issueDirectiveReq) }},
		{issueDirectiveAtReq{d, due}, `{"text":"转移","targets":["330784114266"],"due":"2026-12-07T10:00:00Z","by":7,"dry_run":true}`,
			func() any { return new(issueDirectiveAtReq) }},
	} {
		b, err := json.Marshal(c.req)
		require.NoError(t, err)
		assert.JSONEq(t, c.body, string(b))
		got := c.into()
		require.NoError(t, decodeLocal("IssueDirective", []byte(c.body), got))
		b, err = json.Marshal(got)
		require.NoError(t, err)
		assert.JSONEq(t, c.body, string(b))
		assert.Error(t, decodeLocal("IssueDirective", []byte(`{"directiveDraft":{"text":"x"}}`), c.into()), "no nested object")
	}
}
