package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"gridcmd/model"
)

// requestError is a refusal of a request's body: its status (400, 413, 415
// or 422), the field it concerns and the message, in English and in
// Chinese (error_zh).
type requestError struct {
	status      int
	field       string
	message, zh string
}

func (e *requestError) Error() string { return e.message }

// refusal is err as a refusal with status: the field its domain error
// names (On, model.FieldError), its message and its Chinese (Zh). The
// status is the answer's, whatever the error's code: the body has no code.
func refusal(status int, err error) *requestError {
	return &requestError{status: status, field: model.ErrorField(err), message: model.ErrorMessage(err), zh: model.ErrorMessageZh(err)}
}

// badRequest is err as a 400.
func badRequest(err error) *requestError { return refusal(http.StatusBadRequest, err) }

// invalid is err as a 422, a bad value, whatever its domain error's code.
func invalid(err error) *requestError { return refusal(http.StatusUnprocessableEntity, err) }

// named is a request's field: its JSON name and its value.
type named struct{ name, v string }

// required refuses (422, naming the field) the first of fields that is
// missing (empty) or blank (nothing but white space or invisible
// characters, model.Blank: "title: empty", "标题：为空", as the rules say
// of a blank title); nil when every one is given.
func required(fields ...named) error {
	for _, f := range fields {
		switch {
		case f.v == "":
			return invalid(model.Errorf(model.EINVALID, "%s: missing", f.name).Zh("%s：缺少此字段", f.name).On(f.name))
		case model.Blank(f.v):
			return invalid(model.Errorf(model.EINVALID, "%s: empty", f.name).Zh("%s：为空", fieldZh(f.name)).On(f.name))
		}
	}
	return nil
}

// fieldZh is a request field's Chinese name, as the rules' refusals name
// it ("标题"); the JSON name where it has none.
func fieldZh(name string) string {
	zh := map[string]string{"title": "标题", "text": "内容", "node": "地点", "category": "类别", "severity": "等级",
		"device": "设备", "kind": "告警类型", "area": "巡护区", "checkpoint": "检查点"}
	if s, ok := zh[name]; ok {
		return s
	}
	return name
}

// writeRequestError answers a refusal of the request body.
func writeRequestError(w http.ResponseWriter, err error) {
	var re *requestError
	if !errors.As(err, &re) {
		re = badRequest(model.Errorf(model.EINVALID, "%s", model.ErrorMessage(err)).Zh("%s", model.ErrorMessageZh(err)))
	}
	if re.status == http.StatusRequestEntityTooLarge {
		closeAfter(w)
	}
	writeJSON(w, re.status, errorJSON{Error: re.message, ErrorZh: re.zh, Field: re.field})
}

// readBody reads a JSON request body of at most limit bytes: 415 for
// another content type, 413 beyond the limit.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return nil, refusal(http.StatusUnsupportedMediaType, model.Errorf(model.EINVALID, "Content-Type %q: want application/json", ct).
				Zh("Content-Type %q：应为 application/json", ct).On("Content-Type"))
		}
	}
	tooLarge := refusal(http.StatusRequestEntityTooLarge, model.Errorf(model.EINVALID, "request body over the limit of %d bytes", limit).
		Zh("请求体超过 %d 字节的上限", limit))
	if r.ContentLength > limit {
		return nil, tooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, tooLarge
		}
		return nil, badRequest(model.Errorf(model.EINVALID, "reading the request body: %v", err).Zh("读取请求体失败：%v", err))
	}
	return body, nil
}

// decodeStrict decodes one JSON object from body into v: unknown fields,
// a field given twice or named in another case ("NODE" for "node"), wrong
// types, malformed JSON and anything after the object are 400; text
// that is not valid UTF-8 (raw bytes, or escaped lone surrogates, which
// encoding/json would quietly turn into U+FFFD) is 422 naming its field.
func decodeStrict(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest(model.Errorf(model.EINVALID, "empty body: want a JSON object").Zh("请求体为空：应为一个 JSON 对象"))
	}
	if field, ok := invalidUTF8Field(body); ok {
		return invalid(model.Errorf(model.EINVALID, "%s: invalid UTF-8", fieldName(field)).Zh("%s：不是有效的 UTF-8", fieldName(field)).On(field))
	}
	if err := strictKeys(body, reflect.TypeOf(v)); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest(malformedTrailing())
	}
	return nil
}

func fieldName(f string) string {
	if f == "" {
		return "body"
	}
	return f
}

// jsonError turns a decoding error into a 400 naming the field.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return badRequest(model.Errorf(model.EINVALID, "malformed JSON at byte %d: %s", syn.Offset, syn.Error()).
			Zh("JSON 格式错误，在第 %d 字节（%s）", syn.Offset, syn.Error()))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return badRequest(model.Errorf(model.EINVALID, "want a JSON object, not %s", typ.Value).Zh("应为一个 JSON 对象，而不是 %s", jsonValueZh(typ.Value)))
		}
		want, wantZh := jsonType(typ.Type.Kind().String())
		return badRequest(model.Errorf(model.EINVALID, "%s: want %s, not %s", field, want, typ.Value).
			Zh("%s：应为%s，而不是%s", field, wantZh, jsonValueZh(typ.Value)).On(field))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return badRequest(model.Errorf(model.EINVALID, "malformed JSON: unexpected end of body").Zh("JSON 格式错误：请求体意外结束"))
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		name, _ = strconv.Unquote(name)
		return badRequest(model.Errorf(model.EINVALID, "unknown field %q", name).Zh("未知字段 %q", name).On(name))
	}
	return badRequest(model.Errorf(model.EINVALID, "malformed JSON: %s", strings.TrimPrefix(msg, "json: ")).
		Zh("JSON 格式错误（%s）", strings.TrimPrefix(msg, "json: ")))
}

// jsonType names the JSON type of a Go kind that encoding/json wanted, in
// English and in Chinese.
func jsonType(kind string) (en, zh string) {
	switch kind {
	case "string":
		return "a string", "字符串"
	case "int", "int64", "uint64", "float64":
		return "a number", "数字"
	case "bool":
		return "true or false", "布尔值（true 或 false）"
	case "struct", "map", "ptr":
		return "an object", "对象"
	}
	return kind, kind
}

// jsonValueZh names in Chinese the JSON value that encoding/json reports
// where another was wanted ("array", "number -1", "string").
func jsonValueZh(v string) string {
	kind, rest, _ := strings.Cut(v, " ")
	zh, ok := map[string]string{"array": "数组", "object": "对象", "string": "字符串", "number": "数字", "bool": "布尔值", "null": "null"}[kind]
	if !ok {
		return v
	}
	if rest != "" {
		return zh + " " + rest
	}
	return zh
}

// malformedTrailing refuses a body with something after its one object.
func malformedTrailing() *model.Error {
	return model.Errorf(model.EINVALID, "malformed JSON: want one object and nothing after it").
		Zh("JSON 格式错误：应只有一个对象，其后不能再有内容")
}

// invalidUTF8Field finds the first string in a JSON document that is not
// valid UTF-8, and the name of the object key it belongs to (the key
// itself when the bad string is a key). The document may be malformed:
// then it reports what it found up to there.
func invalidUTF8Field(b []byte) (string, bool) {
	if utf8.Valid(b) && !bytes.Contains(b, []byte(`\u`)) && !bytes.Contains(b, []byte(`\U`)) {
		return "", false
	}
	var lastKey string
	expectKey := false
	var stack []byte // '{' or '['
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '{':
			stack = append(stack, c)
			expectKey = true
		case '[':
			stack = append(stack, c)
			expectKey = false
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			expectKey = false
		case ',':
			expectKey = len(stack) > 0 && stack[len(stack)-1] == '{'
		case ':':
			expectKey = false
		case '"':
			end, ok := stringEnd(b, i)
			raw := b[i : end+1]
			isKey := expectKey
			if isKey {
				var k string
				if json.Unmarshal(raw, &k) == nil {
					lastKey = k
				}
			}
			if !ok || !validJSONString(raw) {
				if isKey {
					return strings.ToValidUTF8(lastKey, "?"), true
				}
				return lastKey, true
			}
			i = end
		}
	}
	return "", false
}

// stringEnd returns the index of the quote closing the string that starts
// at b[start], or the last index and false when it is not closed.
func stringEnd(b []byte, start int) (int, bool) {
	for j := start + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j, true
		}
	}
	return len(b) - 1, false
}

// validJSONString reports whether a quoted JSON string is valid UTF-8 and
// its \u escapes pair their surrogates.
func validJSONString(raw []byte) bool {
	if !utf8.Valid(raw) {
		return false
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if i+1 >= len(raw) {
			return true // malformed: the decoder will say so
		}
		if raw[i+1] != 'u' {
			i++
			continue
		}
		r, ok := hex4(raw, i+2)
		if !ok {
			return true // malformed: the decoder will say so
		}
		switch {
		case r >= 0xd800 && r < 0xdc00: // a high surrogate wants a low one
			if i+11 < len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u' {
				if lo, ok := hex4(raw, i+8); ok && lo >= 0xdc00 && lo < 0xe000 {
					i += 11
					continue
				}
			}
			return false
		case r >= 0xdc00 && r < 0xe000:
			return false
		}
		i += 5
	}
	return true
}

func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[at:at+4]), 16, 16)
	return rune(n), err == nil
}

// Field limits of the API beyond the model's.
const (
	MaxPhotoBytes = 512
)

// ReportRequest is the body of POST /api/v1/reports.
type ReportRequest struct {
	Node     string    `json:"node"`
	Category string    `json:"category"`
	Severity string    `json:"severity"`
	Title    string    `json:"title"`
	Text     string    `json:"text,omitempty"`
	Location *Location `json:"location,omitempty"`
	Photo    string    `json:"photo,omitempty"`
}

// Location is where a report was made (WGS 84 degrees).
type Location struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// ReportResponse is the answer to a report: 201 for a new one, 200 with
// Duplicate for a retry.
type ReportResponse struct {
	ID        string `json:"id"`
	Duplicate bool   `json:"duplicate"`
}

// DecodeReport reads a report body into a model.Report: strictly decoded,
// every text field through model.CleanText, every value checked against
// the policy (the node's existence and the caller's scope are checked
// after). The location and the photo reference are kept as lines at the
// end of the text.
func DecodeReport(body []byte, p model.Policy) (model.Report, error) {
	var req ReportRequest
	if err := decodeStrict(body, &req); err != nil {
		return model.Report{}, err
	}
	return req.toReport(p)
}

func (req ReportRequest) toReport(p model.Policy) (model.Report, error) {
	var r model.Report
	if err := required(named{"node", req.Node}, named{"category", req.Category}, named{"severity", req.Severity}, named{"title", req.Title}); err != nil {
		return r, err
	}
	node, err := model.ParseNodeCode(req.Node)
	if err != nil {
		return r, invalid(model.FieldError(err, "node"))
	}
	r.Node = node
	r.Category = strings.TrimSpace(req.Category)
	if r.Severity, err = model.ParseSeverity(req.Severity); err != nil {
		return r, invalid(model.FieldError(err, "severity"))
	}
	r.Title = req.Title
	// The text is cleaned here only to measure it with the location and
	// the photo reference below; its limits, and the title's, are the
	// model's (Report.Check).
	text, err := model.CleanText(req.Text, true)
	if err != nil {
		return r, invalid(model.Errorf(model.EINVALID, "text: %s", model.ErrorMessage(err)).Zh("text：%s", model.ErrorMessageZh(err)).On("text"))
	}
	var extra []string
	if l := req.Location; l != nil {
		if math.IsNaN(l.Lat) || l.Lat < -90 || l.Lat > 90 {
			return r, invalid(model.Errorf(model.EINVALID, "location.lat: want -90 to 90").Zh("location.lat：应在 -90 到 90 之间").On("location.lat"))
		}
		if math.IsNaN(l.Lon) || l.Lon < -180 || l.Lon > 180 {
			return r, invalid(model.Errorf(model.EINVALID, "location.lon: want -180 to 180").Zh("location.lon：应在 -180 到 180 之间").On("location.lon"))
		}
		extra = append(extra, fmt.Sprintf("位置 location: %.6f, %.6f", l.Lat, l.Lon))
	}
	if req.Photo != "" {
		photo, err := model.CleanText(req.Photo, false)
		if err != nil {
			return r, invalid(model.Errorf(model.EINVALID, "photo: %s", model.ErrorMessage(err)).Zh("photo：%s", model.ErrorMessageZh(err)).On("photo"))
		}
		if photo == "" || len(photo) > MaxPhotoBytes {
			return r, invalid(model.Errorf(model.EINVALID, "photo: want a reference of 1 to %d bytes", MaxPhotoBytes).
				Zh("photo：应为 1 到 %d 字节的引用", MaxPhotoBytes).On("photo"))
		}
		extra = append(extra, "照片 photo: "+photo)
	}
	if len(extra) > 0 {
		if text != "" {
			text += "\n\n"
		}
		text += strings.Join(extra, "\n")
		if len(text) > model.MaxTextBytes {
			return r, invalid(model.Errorf(model.EINVALID, "text with the location and photo: %d bytes, at most %d", len(text), model.MaxTextBytes).
				Zh("text 连同位置和照片：%d 字节，最多 %d", len(text), model.MaxTextBytes).On("text"))
		}
	}
	r.Text = text
	checked, err := r.Check(p)
	if err != nil {
		return r, invalid(err)
	}
	return checked.Report(), nil
}

// AlertRequest is the body of POST /api/v1/alerts.
type AlertRequest struct {
	Device string `json:"device"`
	Kind   string `json:"kind"`
	Node   string `json:"node"`
	Text   string `json:"text,omitempty"`
}

// AlertResponse is the answer to an alert.
type AlertResponse struct {
	Alert     uint64 `json:"alert"`
	Incident  string `json:"incident,omitempty"`
	Opened    bool   `json:"opened"`
	Attached  bool   `json:"attached"`
	Count     int    `json:"count"`
	Duplicate bool   `json:"duplicate"`
}

// DecodeAlert reads an alert body into a model.Alert, cleaned and checked.
func DecodeAlert(body []byte) (model.Alert, error) {
	var req AlertRequest
	if err := decodeStrict(body, &req); err != nil {
		return model.Alert{}, err
	}
	if err := required(named{"device", req.Device}, named{"kind", req.Kind}, named{"node", req.Node}); err != nil {
		return model.Alert{}, err
	}
	node, err := model.ParseNodeCode(req.Node)
	if err != nil {
		return model.Alert{}, invalid(model.FieldError(err, "node"))
	}
	a, err := model.Alert{Device: req.Device, Kind: req.Kind, Node: node, Text: req.Text}.Clean()
	if err != nil {
		return model.Alert{}, invalid(err)
	}
	return a, nil
}
