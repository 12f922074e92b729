package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

func TestPointsKeys(t *testing.T) {
	c, err := Load("../config.yaml", nil)
	require.NoError(t, err)
	p, err := c.Policy()
	require.NoError(t, err)
	assert.Equal(t, model.DefaultPoints(), p.Points)

	body := `timezone: Asia/Shanghai
points:
  from: 2026-12-15
  indicators:
    - {key: report, zh: 信息采集, en: reports, actions: [report], points: 2}
  benefits:
    bath: {zh: 洗浴, en: bath, threshold: 15}
  grades: {excellent: 95, good: 85, pass: 70}
`
	c, err = Load(writeConfig(t, body), nil)
	require.NoError(t, err)
	p, err = c.Policy()
	require.NoError(t, err)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	assert.Equal(t, time.Date(2026, 12, 15, 0, 0, 0, 0, sh), p.Points.From)
	assert.Equal(t, []model.Indicator{{Key: "report", Zh: "信息采集", En: "reports", Actions: []model.Action{"report"}, Points: 2}}, p.Points.Indicators)
	assert.Equal(t, []model.Benefit{{Key: "bath", Zh: "洗浴", En: "bath", Threshold: 15}}, p.Points.Benefits, "the file's benefits replace the shipped ones")
	assert.Equal(t, model.Grades{Excellent: 95, Good: 85, Pass: 70}, p.Points.Grades)

	for _, tt := range []struct{ body, want string }{
		{"points:\n  from: 12/15\n", `points.from "12/15"`},
		{"points:\n  indicators:\n    - {key: Report, zh: a, en: b, actions: [report], points: 1}\n", "points.indicators[0].key"},
		{"points:\n  indicators:\n    - {key: r, zh: a, en: b, actions: [report], points: 1, bonus: 2}\n", "bonus"},
		{"points:\n  indicators:\n    - {key: r, zh: a, en: b, actions: [report], points: 0}\n", "points.indicators[0].points"},
		{"points:\n  indicators:\n    - {key: r, zh: a, en: b, actions: [report], points: 1, to: boss}\n", "points.indicators[0].to"},
		{"points:\n  benefits:\n    bath: {zh: 洗浴, en: bath, treshold: 15}\n", "treshold"},
		{"points:\n  benefits:\n    bath: {zh: 洗浴, en: bath, threshold: 0}\n", "points.benefits.bath.threshold"},
		{"points:\n  grades: {excellent: 50, good: 80, pass: 60}\n", "points.grades"},
		{"points:\n  grade: {excellent: 50}\n", `unknown key "points.grade.excellent"`},
	} {
		t.Run(tt.want, func(t *testing.T) {
			_, err := Load(writeConfig(t, tt.body), nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
