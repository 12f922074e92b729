package cli

import "sync/atomic"

// atomicAdd is next's next value.
func atomicAdd(p *uint64) uint64 { return atomic.AddUint64(p, 1) }
