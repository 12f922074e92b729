package api

// LocalMethodNames lists the methods the local RPC route serves.
func LocalMethodNames(s *Server) []string {
	names := make([]string, 0, len(s.local))
	for n := range s.local {
		names = append(names, n)
	}
	return names
}
