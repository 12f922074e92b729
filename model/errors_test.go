package model_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"gridcmd/model"
)

// The Chinese message of an error: its own where it has one, its English
// where it has none, and any other error as an internal one, wrapped or not.
func TestErrorMessageZh(t *testing.T) {
	both := model.Errorf(model.ECONFLICT, "no wartime is active").Zh("当前没有战时状态")
	enOnly := model.Errorf(model.EINVALID, "bad input")
	for _, tc := range []struct {
		err    error
		en, zh string
	}{
		{nil, "", ""},
		{both, "no wartime is active", "当前没有战时状态"},
		{fmt.Errorf("activate: %w", both), "no wartime is active", "当前没有战时状态"},
		{enOnly, "bad input", "bad input"},
		{errors.New("disk full"), "internal error: disk full", "内部错误：disk full"},
	} {
		assert.Equal(t, tc.en, model.ErrorMessage(tc.err))
		assert.Equal(t, tc.zh, model.ErrorMessageZh(tc.err))
	}
}

// ErrorField names the input a domain error is about, through wrapping;
// any other error, and a refusal of the state, name none.
func TestErrorField(t *testing.T) {
	title := model.Errorf(model.EINVALID, "title: empty").Zh("标题：为空").On("title")
	for _, tc := range []struct {
		err   error
		field string
	}{
		{nil, ""},
		{title, "title"},
		{fmt.Errorf("report: %w", title), "title"},
		{model.Errorf(model.ECONFLICT, "no wartime is active"), ""},
		{errors.New("disk full"), ""},
	} {
		assert.Equal(t, tc.field, model.ErrorField(tc.err), "%v", tc.err)
	}
	assert.Equal(t, "标题：为空", title.MessageZh, "On keeps the rest")
	assert.Equal(t, model.EINVALID, title.Code)
}

// MaybeDone marks a failure after which what was asked may have been done,
// through wrapping; every other error is one after which nothing was.
func TestMaybeDone(t *testing.T) {
	cut := model.Errorf(model.EUNAVAIL, "stopped before it answered").Zh("在应答前中断").MaybeDone()
	assert.True(t, model.MaybeDone(cut))
	assert.True(t, model.MaybeDone(fmt.Errorf("act: %w", cut)))
	assert.Equal(t, "在应答前中断", cut.MessageZh, "MaybeDone keeps the rest")
	for _, err := range []error{nil, model.Errorf(model.EUNAVAIL, "not running"), errors.New("disk full")} {
		assert.False(t, model.MaybeDone(err), "%v", err)
	}
}

// The towns a queued command went to are read back whole from its message.
func TestFedQueuedTownsAreItsWholeNames(t *testing.T) {
	assert.Equal(t, []string{"花街镇"}, model.FedQueuedTowns(model.FedQueued(1, "花街镇")))
	assert.Equal(t, []string{"花街镇", "东城街道"}, model.FedQueuedTowns(model.FedQueued(2, "花街镇", "东城街道")))
	assert.Equal(t, []string{"花街", "花街镇", "东城街道"}, model.FedQueuedTowns(model.FedQueued(3, "花街", "花街镇", "东城街道")))
	assert.Nil(t, model.FedQueuedTowns(model.Errorf(model.ECONFLICT, "sent to 花街镇, waiting for it to act")))
}

// ItemError marks a refusal as of one item of a batch, on a copy (the
// error given may be shared), through wrapping; any other error is left as
// it is and names no item.
func TestErrorItem(t *testing.T) {
	shared := model.Errorf(model.ECONFLICT, "overlaps").Zh("重叠").On("from")
	err := model.ItemError(fmt.Errorf("add: %w", shared), 3)
	item, other := model.ErrorItem(err)
	assert.Equal(t, 3, item)
	assert.Equal(t, 0, other)
	assert.Equal(t, "重叠", model.ErrorMessageZh(err), "the rest kept")
	assert.Equal(t, "from", model.ErrorField(err))
	item, _ = model.ErrorItem(shared)
	assert.Equal(t, 0, item, "the error given is not changed")
	item, other = model.ErrorItem(model.ItemError(shared.Naming(1), 2))
	assert.Equal(t, []int{2, 1}, []int{item, other})
	disk := errors.New("disk full")
	assert.Same(t, disk, model.ItemError(disk, 2))
	item, other = model.ErrorItem(disk)
	assert.Equal(t, []int{0, 0}, []int{item, other})
}

// FieldError names the field a refusal is about on a copy, keeping its
// code, its Chinese and the rest, through wrapping; any other error is left
// as it is and names no field.
func TestFieldError(t *testing.T) {
	shared := model.Errorf(model.ECONFLICT, "outside the scope").Zh("不在范围内").On("scope").OnItem(2)
	err := model.FieldError(fmt.Errorf("issue: %w", shared), "to")
	assert.Equal(t, "to", model.ErrorField(err))
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err), "the code kept")
	assert.Equal(t, "不在范围内", model.ErrorMessageZh(err))
	assert.Equal(t, "outside the scope", model.ErrorMessage(err))
	item, _ := model.ErrorItem(err)
	assert.Equal(t, 2, item)
	assert.Equal(t, "scope", model.ErrorField(shared), "the error given is not changed")
	disk := errors.New("disk full")
	assert.Same(t, disk, model.FieldError(disk, "to"))
	assert.Equal(t, "", model.ErrorField(disk))
	assert.Nil(t, model.FieldError(nil, "to"))
}

// AtLine names a file's line before the refusal in each language it says
// it in, on a copy; an English-only refusal gets no Chinese line.
func TestAtLine(t *testing.T) {
	shared := model.Errorf(model.EINVALID, "name is empty").Zh("姓名为空").On("name")
	err := model.AtLine(shared, "roster.csv", 3)
	assert.Equal(t, "roster.csv:3: name is empty", model.ErrorMessage(err))
	assert.Equal(t, "roster.csv 第 3 行：姓名为空", model.ErrorMessageZh(err))
	assert.Equal(t, model.EINVALID, model.ErrorCode(err))
	assert.Equal(t, "name", model.ErrorField(err))
	assert.Equal(t, "name is empty", shared.Message, "the error given is not changed")
	en := model.AtLine(model.Errorf(model.EINVALID, "bad"), "f.csv", 2)
	assert.Equal(t, "f.csv:2: bad", model.ErrorMessageZh(en), "no Chinese: the English line whole")
	disk := errors.New("disk full")
	assert.Same(t, disk, model.AtLine(disk, "f.csv", 2))
}
