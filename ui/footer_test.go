package ui

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The key line at 80 columns keeps the keys an officer reaches for first,
// enter, /, :, a, e, n, W, ? and q, in either language, in fewer words
// where the full ones leave no room (a QA found English without / and :
// and n, Chinese without : and n); s, r and N give way first, and come
// back where there is room, the words in full where they all fit.
func TestFooterKeepsTheFirstKeys(t *testing.T) {
	f := newFixture(t)
	first := []string{"enter", "/", ":", "a", "e", "n", "W", "?", "q"}
	for _, c := range []struct {
		lang       string
		w, h       int
		more, full []string // more keys shown; words shown in full
		not        []string // keys that gave way
	}{
		{"zh", 80, 24, nil, []string{"打开", "筛选", "命令", "签收", "升级"}, []string{"s", "r", "N"}},
		{"en", 80, 24, nil, []string{"enter open", "e escalate", "W wartime"}, []string{"s", "r", "N"}},
		{"zh", 120, 40, []string{"s", "r", "N"}, []string{"n 新建上报", "W 战时启停", "N 添加备注"}, nil},
		{"en", 120, 40, []string{"s", "r", "N"}, []string{"s dispatch", "r resolve"}, nil},
	} {
		m := f.model(t, c.lang, c.w, c.h)
		foot := footerLine(m)
		assert.Equal(t, c.w, m.p.w.Of(foot))
		for _, k := range append(append([]string{}, first...), c.more...) {
			assert.Regexp(t, ` `+regexp.QuoteMeta(k)+` \S`, foot, "%s %dx%d: %s", c.lang, c.w, c.h, k)
		}
		for _, k := range c.not {
			assert.NotRegexp(t, ` `+regexp.QuoteMeta(k)+` \S`, foot, "%s %dx%d: %s gives way", c.lang, c.w, c.h, k)
		}
		for _, w := range c.full {
			assert.Contains(t, foot, w, "%s %dx%d", c.lang, c.w, c.h)
		}
		assert.True(t, strings.HasPrefix(foot, " enter "), "%s %dx%d: %q", c.lang, c.w, c.h, foot)
	}
}
