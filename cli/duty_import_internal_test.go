package cli

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"gridcmd/model"
)

// onLines names the store's refusal of a file's shift by the file's line,
// in English and in Chinese, and the earlier shift of the batch it names
// by its line too; a refusal of no one shift, and any other error, pass
// as they are.
func TestOnLinesNamesTheFilesLines(t *testing.T) {
	lines := []int{2, 4, 7}
	ref, refZh := model.BatchShift(2)
	overlap := model.Errorf(model.ECONFLICT, "王 01-02 19:00–01-02 22:00 in 渎溪村 330784114266 overlaps %s (李, 01-02 08:00–01-02 20:00)", ref).
		Zh("王 01-02 19:00–01-02 22:00 在 渎溪村 330784114266 的班与%s（李，01-02 08:00–01-02 20:00）重叠", refZh).On("from").OnItem(3).Naming(2)
	err := onLines(overlap, "duty.csv", lines)
	assert.Equal(t, "duty.csv:7: 王 01-02 19:00–01-02 22:00 in 渎溪村 330784114266 overlaps line 4's (李, 01-02 08:00–01-02 20:00)", model.ErrorMessage(err))
	assert.Equal(t, "duty.csv 第 7 行：王 01-02 19:00–01-02 22:00 在 渎溪村 330784114266 的班与第 4 行（李，01-02 08:00–01-02 20:00）重叠", model.ErrorMessageZh(err))
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err))
	assert.Equal(t, "from", model.ErrorField(err))

	// A refusal that may have been done (the server stopped before it
	// answered) still says so with the file's line.
	unsure := model.Errorf(model.EUNAVAIL, "no answer").Zh("无应答").OnItem(2).MaybeDone()
	err = onLines(unsure, "duty.csv", lines)
	assert.Equal(t, "duty.csv:4: no answer", model.ErrorMessage(err))
	assert.True(t, model.MaybeDone(err), "Unsure kept")

	scope := model.Errorf(model.EFORBIDDEN, "may not hold a shift in 渎溪村 330784114266").Zh("不能在 渎溪村 330784114266 值班").OnItem(1)
	err = onLines(scope, "duty.csv", lines)
	assert.Equal(t, "duty.csv:2: may not hold a shift in 渎溪村 330784114266", model.ErrorMessage(err))
	assert.Equal(t, "duty.csv 第 2 行：不能在 渎溪村 330784114266 值班", model.ErrorMessageZh(err))
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err))

	for _, e := range []error{model.Errorf(model.EINVALID, "note: invalid UTF-8").Zh("备注：不是有效的 UTF-8"), errors.New("disk full"),
		model.Errorf(model.EINVALID, "x").Zh("甲").OnItem(4)} {
		assert.Same(t, e, onLines(e, "duty.csv", lines))
	}
}

// The phone that tells two people of one name apart may be typed as the
// roster does not store it: in full-width digits, or with spaces.
func TestPersonResolverReadsThePhoneAsTheRosterStoresIt(t *testing.T) {
	who := personResolver([]model.Person{{ID: 7, Name: "王丽", Phone: "13900000007"}, {ID: 8, Name: "王丽", Phone: "13900000008"}})
	for _, phone := range []string{"13900000007", "１３９０００００００７", "139 0000 0007", "＋８６１３９０００００００７"} {
		id, err := who("王丽", phone)
		assert.NoError(t, err, phone)
		assert.Equal(t, model.PersonID(7), id, phone)
	}
	_, err := who("王丽", "")
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err))
}

// A person cell that names nobody is echoed cut when it is long.
func TestPersonResolverEchoesALongCellCut(t *testing.T) {
	who := personResolver([]model.Person{{ID: 7, Name: "王丽", Phone: "13900000007"}})
	_, err := who(strings.Repeat("名", 300), "")
	assert.Equal(t, `person "`+strings.Repeat("名", 20)+`…" is not on the roster`, model.ErrorMessage(err))
	assert.Equal(t, `名册中没有 "`+strings.Repeat("名", 20)+`…"`, model.ErrorMessageZh(err))
}
