package api

import "net/http"

// LocalMethodNames lists the methods the local RPC route serves.
func LocalMethodNames(s *Server) []string {
	names := make([]string, 0, len(s.local))
	for n := range s.local {
		names = append(names, n)
	}
	return names
}

// AnswerHello is the server's side of the local handshake for cred, for
// a test's fake server that must pass it.
func AnswerHello(cred string) http.HandlerFunc {
	s := &Server{opts: Options{LocalCredential: cred}}
	return s.handleHello
}

// LocalAuthorization is the Authorization header c's calls carry.
func LocalAuthorization(c *Client) string { return c.endpoint().auth }
