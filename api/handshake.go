package api

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"gridcmd/model"
)

// The local handshake. The credential file may outlive its server (a
// SIGKILL leaves it), and whoever binds the port it names next, another
// gridcmd or another user's program, would get every call sent there. So
// the client never sends the credential. It first asks the server to
// prove that it holds it:
//
//	client → POST /api/v1/local/hello {"nonce": C}           C: 32 random bytes
//	server → {"proof": HMAC(cred, proofLabel‖C), "nonce": S}  S: R‖HMAC(cred, nonceLabel‖R)[:16], R random
//
// and only when the proof is right does it send anything else, each
// request with "Authorization: Local v1.S.HMAC(cred, clientLabel‖S)". A
// server that does not hold the credential learns a random nonce and
// nothing else; the three labels keep each MAC from standing in for
// another. (The server still takes "Local <credential>" itself, for a
// script that reads the file; the Client never sends it.)

// helloPath is the handshake's route.
const helloPath = "/api/v1/local/hello"

const (
	proofLabel  = "gridcmd local: the server holds the credential\x00"
	nonceLabel  = "gridcmd local: a nonce this server gave\x00"
	clientLabel = "gridcmd local: the client holds the credential\x00"
	// tokenPrefix starts a handshake token; a credential starts "gcl_".
	tokenPrefix = "v1."
	nonceBytes  = 32
)

var b64 = base64.RawURLEncoding

type helloRequest struct {
	Nonce string `json:"nonce"`
}

type helloResponse struct {
	Proof string `json:"proof"`
	Nonce string `json:"nonce"`
}

func localMAC(cred, label string, msg []byte) []byte {
	m := hmac.New(sha256.New, []byte(cred))
	m.Write([]byte(label))
	m.Write(msg)
	return m.Sum(nil)
}

// serverNonce is a nonce the server holding cred gives: random, and
// marked so that it knows it again without keeping it.
func serverNonce(cred string) ([]byte, error) {
	r := make([]byte, nonceBytes/2, nonceBytes)
	if _, err := rand.Read(r); err != nil {
		return nil, err
	}
	return append(r, localMAC(cred, nonceLabel, r)[:nonceBytes/2]...), nil
}

// handleHello answers the handshake: the proof that this server holds the
// local credential, and a nonce for the client's token.
func (s *Server) handleHello(w http.ResponseWriter, r *http.Request) {
	if !isLoopback(r.RemoteAddr) {
		writeError(w, http.StatusForbidden, "", loopbackOnly())
		return
	}
	body, err := readBody(w, r, 4<<10)
	var req helloRequest
	if err == nil {
		err = decodeStrict(body, &req)
	}
	if err != nil {
		writeRequestError(w, err)
		return
	}
	c, err := b64.DecodeString(req.Nonce)
	if err != nil || len(c) != nonceBytes {
		writeError(w, http.StatusBadRequest, "nonce", model.Errorf(model.EINVALID, "nonce: want %d random bytes, base64url without padding", nonceBytes).
			Zh("nonce：应为 %d 个随机字节，base64url 编码，不带填充", nonceBytes))
		return
	}
	sn, err := serverNonce(s.opts.LocalCredential)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "", model.Errorf(model.EINTERNAL, "nonce: %v", err).Zh("nonce：%v", err))
		return
	}
	writeJSON(w, http.StatusOK, helloResponse{
		Proof: b64.EncodeToString(localMAC(s.opts.LocalCredential, proofLabel, c)),
		Nonce: b64.EncodeToString(sn),
	})
}

// localAuthorized reports whether v (what follows "Local " in the
// Authorization header) is a token from the handshake with this server,
// or the credential itself.
func localAuthorized(v, cred string) bool {
	tok, ok := strings.CutPrefix(v, tokenPrefix)
	if !ok {
		return subtle.ConstantTimeCompare([]byte(v), []byte(cred)) == 1
	}
	ns, ms, ok := strings.Cut(tok, ".")
	if !ok {
		return false
	}
	sn, err1 := b64.DecodeString(ns)
	m, err2 := b64.DecodeString(ms)
	if err1 != nil || err2 != nil || len(sn) != nonceBytes {
		return false
	}
	ours := hmac.Equal(sn[nonceBytes/2:], localMAC(cred, nonceLabel, sn[:nonceBytes/2])[:nonceBytes/2])
	return hmac.Equal(m, localMAC(cred, clientLabel, sn)) && ours
}

// hello runs the handshake with the server at base, which must prove it
// holds cred before anything else is sent, and returns the Authorization
// header for the calls that follow. EUNAVAIL when the server does not
// answer or does not prove it: nothing but a random nonce was sent to it.
func hello(ctx context.Context, hc *http.Client, base, cred string) (string, error) {
	c := make([]byte, nonceBytes)
	if _, err := rand.Read(c); err != nil {
		return "", fmt.Errorf("local handshake: %w", err)
	}
	body, _ := json.Marshal(helloRequest{Nonce: b64.EncodeToString(c)})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+helloPath, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return "", gone(base, err, false)
	}
	defer resp.Body.Close()
	var hr helloResponse
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	var proof, sn []byte
	if resp.StatusCode == http.StatusOK && json.Unmarshal(b, &hr) == nil {
		proof, _ = b64.DecodeString(hr.Proof)
		sn, _ = b64.DecodeString(hr.Nonce)
	}
	if !hmac.Equal(proof, localMAC(cred, proofLabel, c)) || len(sn) != nonceBytes {
		return "", model.Errorf(model.EUNAVAIL, "what answers at %s did not prove it holds the local credential (%s): it is not the gridcmd that wrote the credential file, and nothing was sent to it", base, resp.Status).
			Zh("%s 上的应答方未能证明其持有本地凭据（%s）：它不是写下凭据文件的 gridcmd，未向其发送任何内容", base, resp.Status)
	}
	return localScheme + " " + tokenPrefix + b64.EncodeToString(sn) + "." + b64.EncodeToString(localMAC(cred, clientLabel, sn)), nil
}
