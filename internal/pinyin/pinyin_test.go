package pinyin

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The towns of Yongkang (data/yongkang-villages.csv) and a few more.
func TestInitials(t *testing.T) {
	for name, want := range map[string]string{
		"花街": "HJ", "东城": "DC", "西城": "XC", "江南": "JN", "石柱": "SZ", "前仓": "QC", "舟山": "ZS",
		"古山": "GS", "方岩": "FY", "龙山": "LS", "西溪": "XX", "象珠": "XZ", "唐先": "TX", "芝英": "ZY",
		"永康":  "YK",
		"渎溪村": "XC", // 渎 is a level-2 character: none
		"阿":   "A", "座": "Z", "花街3": "HJ", "Huajie": "",
		"監盤盧": "", "臨江": "J", // GBK's extension (traditional forms): none
	} {
		assert.Equal(t, want, Initials(name), name)
	}
	assert.Equal(t, byte(0), Initial('a'))
	assert.Equal(t, byte(0), Initial('丌'), "a level-2 character")
	for _, r := range "監盤盧" { // B14F, B150, B152: inside level 1's codes, not its cells
		assert.Equal(t, byte(0), Initial(r), string(r))
	}
}
