package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"gridcmd/model"
)

// The local RPC: the command line's way to a database that a console or
// 'gridcmd serve' holds. Its parts, a file each:
//
//	localfile.go  the credential file beside the database, and DialLocal
//	handshake.go  the server proves it holds the credential; the client's token
//	methods.go    the methods: one descriptor each, the table both ends use
//	local.go      the call route (POST /api/v1/local/{method}) and its answer
//	client.go     the Client, whose methods call through the descriptors
//	stream.go     the event stream (GET /api/v1/local/subscribe), both ends
//	backup.go     the backup stream (GET /api/v1/local/backup), both ends

// localResponse is the body of a local RPC answer.
type localResponse struct {
	Result  json.RawMessage `json:"result,omitempty"`
	Error   string          `json:"error,omitempty"`
	ErrorZh string          `json:"error_zh,omitempty"` // the refusal in Chinese, for a console in zh
	Code    string          `json:"code,omitempty"`
	// Item and Other: the refusal's items of a batch (model.Error.Item,
	// Other), so that a caller can name them as its input does.
	Item  int `json:"item,omitempty"`
	Other int `json:"other,omitempty"`
	// Field: the input field the refusal is about (model.Error.Field), so
	// that a console attached to a server puts the cursor on it.
	Field string `json:"field,omitempty"`
}

// localAuth admits loopback callers with a token from the handshake
// (handshake.go) or the local credential itself; it answers 400, 403 or
// 401 itself.
func (s *Server) localAuth(w http.ResponseWriter, r *http.Request) bool {
	if !isLoopback(r.RemoteAddr) {
		writeError(w, http.StatusForbidden, "", loopbackOnly())
		return false
	}
	if !oneAuthorization(w, r) {
		return false
	}
	scheme, v, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, localScheme) || !localAuthorized(strings.TrimSpace(v), s.opts.LocalCredential) {
		writeError(w, http.StatusUnauthorized, "Authorization", model.Errorf(model.EUNAUTHORIZED, "the local API wants the credential of the database's .api file").
			Zh("本地 API 需要数据库 .api 文件中的凭据"))
		return false
	}
	return true
}

// handleLocal answers one call: the method's request as a JSON object in
// the body (none for a method without arguments), its result in
// localResponse.Result, or its refusal with the code and the Chinese.
func (s *Server) handleLocal(w http.ResponseWriter, r *http.Request) {
	if !s.localAuth(w, r) {
		return
	}
	name := r.PathValue("method")
	call, ok := s.local[name]
	if !ok {
		writeError(w, http.StatusNotFound, "method", model.Errorf(model.ENOTFOUND, "no local method %q", name).Zh("没有本地方法 %q", name))
		return
	}
	if !s.admitWrite(w) {
		return
	}
	defer s.endWrite()
	body, err := readBody(w, r, localBodyLimit)
	if err != nil {
		writeRequestError(w, err)
		return
	}
	res, err := call.fn(r.Context(), body)
	var re *requestError
	switch {
	case errors.As(err, &re):
		writeRequestError(w, err)
		return
	case isDiskFull(err):
		s.noteDiskFull(r.Pattern, err)
		w.Header().Set("Retry-After", strconv.Itoa(seconds(s.opts.RetryAfter)))
		writeJSON(w, http.StatusServiceUnavailable, localResponse{Error: diskFullMsg, ErrorZh: diskFullZh, Code: model.EUNAVAIL})
		return
	case err != nil:
		code := model.ErrorCode(err)
		if code == model.EINTERNAL {
			s.log.Error("local call failed", "method", name, "err", err)
		}
		item, other := model.ErrorItem(err)
		writeJSON(w, statusOf(err), localResponse{Error: model.ErrorMessage(err), ErrorZh: model.ErrorMessageZh(err), Code: code, Item: item, Other: other, Field: model.ErrorField(err)})
		return
	}
	if call.writes {
		s.wrote()
	}
	b, err := json.Marshal(res)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, localResponse{Error: "encoding the result: " + err.Error(), Code: model.EINTERNAL})
		return
	}
	writeJSON(w, http.StatusOK, localResponse{Result: b})
}

// decodeLocal decodes the body of a call to the method name into req: no
// body is the zero request. Malformed JSON, or a key given twice or in
// another case than the field's, is a 400, as on the field routes; a request that does not fit req (a field it does not have, a
// value of another type) is the method's refusal, EINVALID.
func decodeLocal(name string, body []byte, req any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := strictKeys(body, reflect.TypeOf(req)); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(req)
	if err == nil {
		if _, end := dec.Token(); end != io.EOF {
			return badRequest(malformedTrailing())
		}
		return nil
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) || errors.Is(err, io.ErrUnexpectedEOF) {
		return jsonError(err)
	}
	return model.Errorf(model.EINVALID, "local %s: the request does not fit: %v", name, err).
		Zh("本地调用 %s：请求与方法不符：%v", name, err)
}

// loopbackOnly refuses a caller of the local API from another host.
func loopbackOnly() *model.Error {
	return model.Errorf(model.EFORBIDDEN, "the local API answers loopback callers only").Zh("本地 API 只应答本机回环地址的调用")
}
