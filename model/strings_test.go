package model_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"gridcmd/model"
)

// Clip keeps a short text whole and cuts a long one to its first n
// characters (runes, not bytes) and "…".
func TestClip(t *testing.T) {
	assert.Equal(t, "王五", model.Clip("王五", 20))
	assert.Equal(t, strings.Repeat("长", 20), model.Clip(strings.Repeat("长", 20), 20))
	assert.Equal(t, strings.Repeat("长", 20)+"…", model.Clip(strings.Repeat("长", 21), 20))
	assert.Equal(t, "ab…", model.Clip("abcdef", 2))
	assert.Equal(t, "", model.Clip("", 3))
}

// A name too long to store is refused with its length, echoed cut (a QA
// saw a 300-character name printed whole).
func TestPersonLongNameEchoedCut(t *testing.T) {
	p := model.Person{Name: strings.Repeat("名", 300), Phone: "13800000001", Node: "330784114266-02", Roles: []model.Role{model.RoleGridLeader}}
	err := p.Validate()
	assert.Equal(t, "person "+strings.Repeat("名", 20)+"… (300 characters): name longer than 32 characters", model.ErrorMessage(err))
	assert.Equal(t, "人员 "+strings.Repeat("名", 20)+"…（300 字）：姓名超过 32 字", model.ErrorMessageZh(err))
	assert.Equal(t, "name", model.ErrorField(err))
}
