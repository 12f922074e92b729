package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"gridcmd/model"
)

// escapeAttacks are real terminal escape attacks and their relatives: what
// a field report must never carry to the duty officer's screen.
var escapeAttacks = []string{
	"\x1b[2J\x1b[H",      // clear the screen, cursor home
	"\x1b]0;owned\x07",   // OSC 0: retitle the window (BEL)
	"\x1b]0;owned\x1b\\", // OSC 0 ended by ST
	"\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", // OSC 8 hyperlink
	"\x1b]52;c;ZXZpbA==\x07",                                // OSC 52: write the clipboard
	"\x1bP+q544e\x1b\\",                                     // DCS: XTGETTCAP request
	"\x1b[6n",                                               // CSI: cursor position report (answerback)
	"\x1b[21t",                                              // CSI: report the window title
	"\u009b31m\u009b2J",                                     // C1 CSI (U+009B)
	"\u009d0;owned\u009c",                                   // C1 OSC ... ST
	"\u0090q\u009c",                                         // C1 DCS
	"\u202eevil\u202c",                                      // bidi override
	"\u2066\u2067\u2068\u2069\u200e\u200f\u061c",
	"line\rOVERWRITE", // carriage return
	"bell\x07\x07 back\x08\x08",
	"\x1b(0lqqk\x1b(B", // DEC line drawing charset
	"\x1b#8",           // DECALN: fill the screen with E
	"\x1bc",            // RIS: reset the terminal
	"\x1b[?1049h",      // alternate screen
	"\x1b[999;999H\x1b[1;1H",
	"\x00\x01\x7f",
	"\xff\xfe", // invalid UTF-8
	`\ud800`,   // lone surrogate (as a JSON escape)
}

func reportBody(title, text, photo string) []byte {
	b, _ := json.Marshal(map[string]any{
		"node": "330784114266-01", "category": "traffic", "severity": "II",
		"title": title, "text": text, "photo": photo,
	})
	return b
}

// checkClean fails if s holds anything the sanitiser removes.
func checkClean(t *testing.T, field, s string, multiline bool) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("%s: invalid UTF-8 accepted: %q", field, s)
	}
	if c, _ := model.CleanText(s, multiline); c != s {
		t.Fatalf("%s: not clean: %q (clean: %q)", field, s, c)
	}
	for _, r := range s {
		if r == '\n' && multiline {
			continue
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) ||
			(r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c {
			t.Fatalf("%s: control %U accepted: %q", field, r, s)
		}
	}
}

// FuzzDecodeReport feeds the report decoder arbitrary bodies: it must never
// panic, must refuse with 400 or 422 only, and whatever it accepts must be
// clean and within the limits.
func FuzzDecodeReport(f *testing.F) {
	f.Add(reportBody("330国道货物散落", "渎溪村路段", ""))
	for _, a := range escapeAttacks {
		f.Add(reportBody("标题"+a, "正文"+a+"\n第二行", "照片"+a))
		f.Add([]byte(`{"node":"330784114266-01","category":"traffic","severity":"II","title":"` + a + `"}`))
	}
	f.Add([]byte(`{"node":"330784114266-01","category":"traffic","severity":"II","title":"t","location":{"lat":1e400,"lon":0}}`))
	f.Add([]byte(`{"node":"330784114266-01","category":"traffic","severity":"II","title":"t","location":{"lat":null}}`))
	f.Add([]byte(`{"node":"330784114266-01","node":"330784114266-02","category":"traffic","severity":"II","title":"t"}`))
	f.Add([]byte(`{"title":"\ud83d\ude92","node":"330784114266-01","category":"交通","severity":"2"}`))
	f.Add([]byte(`{"Title":"case","node":"330784114266-01","category":"traffic","severity":"II"}`))
	f.Add([]byte(`[{"title":"x"}]`))
	f.Add([]byte(`{"title":"` + strings.Repeat("长", 201) + `","node":"330784114266-01","category":"traffic","severity":"II"}`))
	f.Add([]byte("{\"title\":\"a\xc0\x80b\"}"))
	f.Add([]byte(`{"title":"a\u0000b","node":"330784114266-01","category":"traffic","severity":"II"}`))
	f.Add([]byte(``))
	f.Add([]byte(`nul`))
	p := model.DefaultPolicy()
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := DecodeReport(body, p)
		if err != nil {
			var re *requestError
			if !errors.As(err, &re) {
				t.Fatalf("not a request error: %T %v", err, err)
			}
			if re.status != http.StatusBadRequest && re.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d for %q", re.status, body)
			}
			return
		}
		checkClean(t, "title", r.Title, false)
		checkClean(t, "text", r.Text, true)
		if r.Title == "" || utf8.RuneCountInString(r.Title) > model.MaxTitleRunes {
			t.Fatalf("title out of bounds: %q", r.Title)
		}
		if len(r.Text) > model.MaxTextBytes {
			t.Fatalf("text of %d bytes accepted", len(r.Text))
		}
		if err := r.Validate(p); err != nil {
			t.Fatalf("accepted a report the model refuses: %v", err)
		}
		if _, err := model.ParseNodeCode(string(r.Node)); err != nil {
			t.Fatalf("accepted node %q", r.Node)
		}
	})
}

// FuzzDecodeAlert is FuzzDecodeReport for sensor alerts.
func FuzzDecodeAlert(f *testing.F) {
	f.Add([]byte(`{"device":"S-1","kind":"smoke","node":"330784114266-01-01","text":"烟雾"}`))
	for _, a := range escapeAttacks {
		b, _ := json.Marshal(map[string]any{"device": "S" + a, "kind": "smoke", "node": "330784114266-01-01", "text": a})
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := DecodeAlert(body)
		if err != nil {
			var re *requestError
			if !errors.As(err, &re) || (re.status != http.StatusBadRequest && re.status != http.StatusUnprocessableEntity) {
				t.Fatalf("bad refusal %T %v", err, err)
			}
			return
		}
		checkClean(t, "device", a.Device, false)
		checkClean(t, "text", a.Text, false)
		if a.Device == "" || a.Kind == "" {
			t.Fatalf("empty device or kind accepted: %+v", a)
		}
	})
}

func TestDecodeReportSeedsAreClean(t *testing.T) {
	p := model.DefaultPolicy()
	for _, a := range escapeAttacks {
		// json.Marshal turns invalid UTF-8 into U+FFFD and escapes the
		// backslash of \ud800, so every seed body here is valid.
		r, err := DecodeReport(reportBody("标题"+a, "正文"+a, "照片"+a), p)
		if err != nil {
			t.Fatalf("%q: %v", a, err)
		}
		checkClean(t, "title", r.Title, false)
		checkClean(t, "text", r.Text, true)
	}
	// Raw, the invalid bytes are refused, naming the field.
	_, err := DecodeReport([]byte("{\"node\":\"330784114266-01\",\"category\":\"traffic\",\"severity\":\"II\",\"title\":\"t\",\"photo\":\"\xff\"}"), p)
	var re *requestError
	if !errors.As(err, &re) || re.status != http.StatusUnprocessableEntity || re.field != "photo" {
		t.Fatalf("raw invalid UTF-8: %v", err)
	}
}
