package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/demo"
	"gridcmd/model"
)

var spaces = regexp.MustCompile(`\s+`)

// The QA finding: a directive with a long text lost its deadline and its
// gap count off the question's end ("向 4 个微网格下达「立即组织…" / "…信息报…
// y/n": no "12-09 01:15 前完成", no "（2 个无人在岗）"). The directive's
// text is cut instead (…), so that they show whole, with the keys, at 80
// and 120 columns, in both languages; a short text shows whole.
func TestDirectiveQuestionKeepsItsDeadlineAndGaps(t *testing.T) {
	longZh := strings.Repeat("立即组织网格员逐户核查人员去向并将信息报送村指挥室", 4)
	longEn := strings.Repeat("Organise every grid worker to check each household door to door, ", 4)
	for _, lang := range []string{"zh", "en"} {
		long := map[string]string{"zh": longZh, "en": longEn}[lang]
		for _, width := range []int{80, 120} {
			for _, text := range []string{long, "逐户核查"} {
				f := newFixture(t)
				_, err := f.db.Activate(context.Background(), model.ReasonTyphoon, []model.NodeCode{demo.Town}, false, "", f.operator(t))
				require.NoError(t, err)
				m := f.model(t, lang, width, 30)
				m = update(t, m, loadWartime(f.db, "")())
				m = keys(t, m, "d")
				m = typeText(t, m, text)
				m = keys(t, m, "enter")
				m = typeText(t, m, "23h") // tomorrow: its date too
				m = keys(t, m, "enter", "enter")
				require.True(t, m.q.active(), "%s %d: asked: %s", lang, width, m.form.err)

				lines := strings.Split(m.View(), "\n")
				// The status line's two lines, as one (it breaks between words).
				end := spaces.ReplaceAllString(strings.Join(lines[len(lines)-2:], " "), " ")
				due := base.Add(23 * time.Hour).In(shanghai).Format("01-02 15:04")
				gaps := m.wt.status.Gaps
				require.Positive(t, gaps, "the demo's micro-grids with nobody on duty")
				want := map[string][]string{
					"zh": {"个无人在岗）", "，" + due + " 前完成？  y/n"},
					"en": {" with nobody on duty), done by " + due + "?  y/n"},
				}[lang]
				for _, w := range want {
					assert.Contains(t, end, spaces.ReplaceAllString(w, " "), "%s %d %.9s", lang, width, text)
				}
				if text == long {
					assert.Contains(t, m.q.text, m.p.g.More, "%s %d: the text cut", lang, width)
					first := strings.TrimRight(lines[len(lines)-2], " ")
					assert.True(t, lang == "zh" || strings.HasPrefix(m.q.text, first[1:]+" "),
						"%d: the first line ends between words: %q", width, first)
				} else {
					assert.Contains(t, m.q.text, text, "%s %d: a short text whole", lang, width)
				}
				checkScreen(t, m, width, 30, false)
			}
		}
	}
}
