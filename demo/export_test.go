package demo

import (
	"context"
	"time"
)

// Silent is silent, for the tests of the feed.
var Silent = silent

// Start and Advance drive a feed on the test's clock instead of Run's.
func (f *Feed) Start(ctx context.Context, now time.Time) error { return f.start(ctx, now) }

func (f *Feed) Advance(ctx context.Context, now time.Time) time.Time { return f.advance(ctx, now) }
