package cli

// jsonList is f of each of xs, in order: the value of a --json list. It is
// never nil, so that an empty list prints as [] and not null.
func jsonList[T, J any](xs []T, f func(T) J) []J {
	out := make([]J, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}
