// Package pinyin gives the pinyin initials of Chinese text (花街 HJ, 东城
// DC), as a town's incident id prefix is made from its name. It reads
// them from GB2312, whose 3,755 common characters (level 1, rows 16-55)
// are in pinyin order: a character's initial is the letter whose first
// character comes at or before it. A character outside that set (a rare
// one, a letter, a digit) has no initial here.
package pinyin

import (
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// starts is the GB2312 code of the first level-1 character of each
// initial, in order (I, U and V begin no syllable of Mandarin's pinyin).
var starts = []struct {
	code   uint16
	letter byte
}{
	{0xB0A1, 'A'}, {0xB0C5, 'B'}, {0xB2C1, 'C'}, {0xB4EE, 'D'}, {0xB6EA, 'E'}, {0xB7A2, 'F'},
	{0xB8C1, 'G'}, {0xB9FE, 'H'}, {0xBBF7, 'J'}, {0xBFA6, 'K'}, {0xC0AC, 'L'}, {0xC2E8, 'M'},
	{0xC4C3, 'N'}, {0xC5B6, 'O'}, {0xC5BE, 'P'}, {0xC6DA, 'Q'}, {0xC8BB, 'R'}, {0xC8F6, 'S'},
	{0xCBFA, 'T'}, {0xCDDA, 'W'}, {0xCEF4, 'X'}, {0xD1B9, 'Y'}, {0xD4D1, 'Z'},
}

// lastLevel1 is the last level-1 character's code (座).
const lastLevel1 = 0xD7F9

// Initial is r's pinyin initial in capitals, 0 when r is not one of
// GB2312's level-1 characters.
func Initial(r rune) byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(string(r)))
	if err != nil || len(b) != 2 {
		return 0
	}
	// GB2312's rows are B0-D7 for level 1, each of 94 cells A1-FE; GBK
	// puts its extension (監 B14F, 盤 B150) between the cells of those
	// rows, with a second byte below A1, out of pinyin order.
	if b[0] < 0xB0 || b[0] > 0xD7 || b[1] < 0xA1 || b[1] > 0xFE {
		return 0
	}
	code := uint16(b[0])<<8 | uint16(b[1])
	if code < starts[0].code || code > lastLevel1 {
		return 0
	}
	letter := byte(0)
	for _, s := range starts {
		if code < s.code {
			break
		}
		letter = s.letter
	}
	return letter
}

// Initials is the initials of s's characters that have one (Initial), in
// order: 花街镇 HJZ, 东城街道 DCJD.
func Initials(s string) string {
	var b strings.Builder
	for _, r := range s {
		if l := Initial(r); l != 0 {
			b.WriteByte(l)
		}
	}
	return b.String()
}
