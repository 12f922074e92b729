package demo

import (
	"fmt"
	"math/rand/v2"
)

// surnames are common in Yongkang and Jinhua, each with a rough weight: 胡,
// 应, 程, 楼, 吕 and 章 are far more frequent here than nationally.
var surnames = []struct {
	s string
	w int
}{
	{"陈", 60}, {"胡", 55}, {"李", 50}, {"王", 45}, {"徐", 40}, {"应", 38}, {"程", 32},
	{"吕", 30}, {"张", 30}, {"楼", 26}, {"朱", 24}, {"吴", 24}, {"周", 22}, {"章", 20},
	{"金", 18}, {"施", 16}, {"俞", 14}, {"杨", 14}, {"黄", 14}, {"刘", 12}, {"蒋", 12},
	{"卢", 12}, {"潘", 10}, {"叶", 10}, {"方", 10}, {"何", 9}, {"林", 9}, {"颜", 8},
	{"倪", 8}, {"杜", 7}, {"赵", 7}, {"郑", 7}, {"孙", 6}, {"董", 6}, {"丁", 5},
	{"姚", 5}, {"傅", 5}, {"钱", 4}, {"厉", 4}, {"夏", 4}, {"孔", 3}, {"尚", 3},
}

var surnameTotal = func() int {
	n := 0
	for _, s := range surnames {
		n += s.w
	}
	return n
}()

// givenChars are characters common in given names of the generations now
// serving, men's and women's mixed.
var givenChars = []rune("伟建国华明军强平杰涛斌勇超鹏磊飞林海峰洪亮文辉春新忠志永红芳丽英燕霞敏静玲萍娟琴慧美婷雪晓佳欣俊宇浩晨丹云兰秀桂金荣福德根水土法良庆生富贵松柏立成益民宏波刚健坤炜锋珍凤菊仙月爱")

// nameGen draws plausible Chinese names and unique mobile numbers.
type nameGen struct {
	r      *rand.Rand
	phones map[string]bool
}

func newNameGen(r *rand.Rand) *nameGen { return &nameGen{r: r, phones: map[string]bool{}} }

func (g *nameGen) name() string {
	n := g.r.IntN(surnameTotal)
	sur := surnames[len(surnames)-1].s
	for _, s := range surnames {
		if n < s.w {
			sur = s.s
			break
		}
		n -= s.w
	}
	given := string(givenChars[g.r.IntN(len(givenChars))])
	if g.r.IntN(10) < 7 { // most given names have two characters
		given += string(givenChars[g.r.IntN(len(givenChars))])
	}
	return sur + given
}

// mobilePrefixes are real mobile number segments (China Mobile, Unicom,
// Telecom), weighted by repetition toward the older 13x/15x ones.
var mobilePrefixes = []string{
	"130", "131", "132", "133", "134", "135", "135", "136", "137", "138", "138", "139", "139",
	"150", "151", "152", "153", "155", "156", "157", "158", "158", "159", "159",
	"180", "181", "182", "183", "185", "186", "187", "188", "189", "177", "173", "199", "166",
}

// phone returns an 11-digit mobile number not handed out before.
func (g *nameGen) phone() string {
	for {
		p := mobilePrefixes[g.r.IntN(len(mobilePrefixes))] + fmt.Sprintf("%08d", g.r.IntN(100000000))
		if !g.phones[p] {
			g.phones[p] = true
			return p
		}
	}
}
