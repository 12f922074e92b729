package ui

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"gridcmd/model"
)

// A place whose name ends in its grid's number is set off from the Chinese
// after it by a space, as digits are everywhere in the console's Chinese
// ("向 22 个"); a name ending in a Han character joins it. A QA saw
// "向渎溪村 02-01的 1 个".
func TestResendQuestionSpacesANumberedPlace(t *testing.T) {
	m := demoConsole(t, "zh", 120, 40)
	cur := wtDirective{d: model.Directive{ID: "D-0001", Text: "全镇排查"}, beyond: 3}
	assert.Equal(t, "向渎溪村 02-01 的 1 个未签收微网格重发 D-0001 全镇排查？（渎溪村 02-01 以外另有 3 个，由上级指挥室重发）",
		m.resendQuestion(cur, 1, "330784114266-02-01"))
	assert.Equal(t, "向渎溪村的 1 个未签收微网格重发 D-0001 全镇排查？（渎溪村以外另有 3 个，由上级指挥室重发）",
		m.resendQuestion(cur, 1, "330784114266"))
}

func TestZhSpaced(t *testing.T) {
	for _, c := range []struct {
		parts []string
		want  string
	}{
		{[]string{"向", "渎溪村", "的 3 个"}, "向渎溪村的 3 个"},
		{[]string{"向", "渎溪村 02-01", "的 3 个"}, "向渎溪村 02-01 的 3 个"},
		{[]string{"结束", "W-0001", "的战时"}, "结束 W-0001 的战时"},
		{[]string{"（", "渎溪村 02", "以外"}, "（渎溪村 02 以外"},
		{[]string{"", "渎溪村 02", ""}, "渎溪村 02"},
	} {
		assert.Equal(t, c.want, zhSpaced(c.parts...))
	}
}
