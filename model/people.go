package model

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// PersonID identifies a person on the roster. The zero ID is the system
// itself (timers, auto-escalation, sensors).
type PersonID uint64

// System is the actor of what no person did.
const System PersonID = 0

func (id PersonID) String() string {
	if id == System {
		return "system"
	}
	return "P" + strconv.FormatUint(uint64(id), 10)
}

// ParsePersonID accepts "P123", "p123" or "123".
func ParsePersonID(s string) (PersonID, error) {
	t := strings.TrimSpace(s)
	if t != "" && (t[0] == 'P' || t[0] == 'p') {
		t = t[1:] // one prefix only: "Pp12" is not an id
	}
	n, err := strconv.ParseUint(t, 10, 64)
	if err != nil || n == 0 {
		return 0, Errorf(EINVALID, "person id %q: want P followed by a number, e.g. P12", s).
			Zh("人员编号 %q：应为 P 加数字，如 P12", s)
	}
	return PersonID(n), nil
}

// Role is a duty a person holds in the tower.
type Role string

const (
	RoleGridLeader      Role = "grid_leader"       // 网格长
	RoleGridWorkerFull  Role = "grid_worker_ft"    // 专职网格员
	RoleGridWorkerPart  Role = "grid_worker_pt"    // 兼职网格员
	RoleMicroGridWorker Role = "micro_grid_worker" // 微网格员
	RoleContactPerson   Role = "contact_person"    // 包联人
	RoleVillageCadre    Role = "village_cadre"     // 村干部 (village command room)
	RoleDutyOfficer     Role = "duty_officer"      // 值班员 (town command room)
	RolePatroller       Role = "patroller"         // 巡护员
	RoleLiaison         Role = "liaison"           // 联络员
	RoleReserve         Role = "reserve"           // 储备池
)

// Roles lists every role in display order.
var Roles = []Role{
	RoleDutyOfficer, RoleVillageCadre, RoleGridLeader, RoleGridWorkerFull, RoleGridWorkerPart,
	RoleMicroGridWorker, RoleContactPerson, RolePatroller, RoleLiaison, RoleReserve,
}

var roleZh = map[Role]string{
	RoleGridLeader: "网格长", RoleGridWorkerFull: "专职网格员", RoleGridWorkerPart: "兼职网格员",
	RoleMicroGridWorker: "微网格员", RoleContactPerson: "包联人", RoleVillageCadre: "村干部",
	RoleDutyOfficer: "值班员", RolePatroller: "巡护员", RoleLiaison: "联络员", RoleReserve: "储备力量",
}

// Zh returns the role's Chinese name.
func (r Role) Zh() string { return roleZh[r] }

// ParseRole accepts a role's English key or its Chinese name.
func ParseRole(s string) (Role, error) {
	t := strings.TrimSpace(s)
	for _, r := range Roles {
		if t == string(r) || t == r.Zh() {
			return r, nil
		}
	}
	switch t {
	case "网格员", "grid_worker":
		// Grid workers are full-time (专职) or part-time (兼职), and
		// which one decides the rules and the counts: guessing either
		// would be wrong for half of them.
		return "", Errorf(EINVALID, "role %q: a grid worker is full-time or part-time: want 专职网格员 (grid_worker_ft) or 兼职网格员 (grid_worker_pt)", s).
			Zh("角色 %q：网格员分专职与兼职，请写 专职网格员（grid_worker_ft）或 兼职网格员（grid_worker_pt）", s).On("role")
	case "储备", "reserve_pool":
		return RoleReserve, nil
	}
	return "", Errorf(EINVALID, "role %q: want one of %s", s, joinRoles(", ")).
		Zh("角色 %q：应为 %s 之一", s, joinRoles("、")).On("role")
}

func joinRoles(sep string) string {
	s := make([]string, len(Roles))
	for i, r := range Roles {
		s[i] = string(r)
	}
	return strings.Join(s, sep)
}

// ReserveKind is what kind of reserve a person in the reserve pool is.
type ReserveKind string

const (
	ReserveNone      ReserveKind = ""
	ReserveActivist  ReserveKind = "party_activist"  // 入党积极分子
	ReserveVolunteer ReserveKind = "volunteer"       // 志愿者
	ReserveVillager  ReserveKind = "active_villager" // 热心村民
)

var reserveZh = map[ReserveKind]string{
	ReserveActivist: "入党积极分子", ReserveVolunteer: "志愿者", ReserveVillager: "热心村民",
}

// Zh returns the reserve kind's Chinese name.
func (k ReserveKind) Zh() string { return reserveZh[k] }

// ParseReserveKind accepts "", an English key or a Chinese name.
func ParseReserveKind(s string) (ReserveKind, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return ReserveNone, nil
	}
	for k, zh := range reserveZh {
		if t == string(k) || t == zh {
			return k, nil
		}
	}
	return "", Errorf(EINVALID, "reserve kind %q: want party_activist, volunteer or active_villager", s).
		Zh("储备类型 %q：应为 party_activist（入党积极分子）、volunteer（志愿者）或 active_villager（热心村民）", s).On("reserve")
}

// Person is one entry of the roster.
type Person struct {
	ID      PersonID
	Name    string
	Phone   string
	Node    NodeCode
	Roles   []Role
	Reserve ReserveKind
	OnDuty  bool
	// Lang is the language of the person's seat over SSH when the session
	// sends none (LANG, LC_ALL): "zh", "en", or "" for the config's.
	Lang string
}

// ParseLang reads a person's language: zh or en (also 中文, 英文, English,
// any case, and a locale name such as zh_CN.UTF-8); empty is none.
func ParseLang(s string) (string, error) {
	l := strings.ToLower(strings.TrimSpace(s))
	switch {
	case l == "":
		return "", nil
	case l == "zh" || l == "中文" || strings.HasPrefix(l, "zh_") || strings.HasPrefix(l, "zh-") || strings.HasPrefix(l, "zh."):
		return "zh", nil
	case l == "en" || l == "英文" || l == "english" || strings.HasPrefix(l, "en_") || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en."):
		return "en", nil
	}
	return "", Errorf(EINVALID, "language %q: want zh or en", s).Zh("语言 %q：应为 zh（中文）或 en（英文）", s).On("lang")
}

// Has reports whether p holds role r.
func (p Person) Has(r Role) bool {
	for _, x := range p.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// IsGridStaff reports whether p is one of the grid staff (网格力量): a grid
// leader or a full- or part-time grid worker.
func (p Person) IsGridStaff() bool {
	return p.Has(RoleGridLeader) || p.Has(RoleGridWorkerFull) || p.Has(RoleGridWorkerPart)
}

// IsStaff reports whether p counts as staff in the tower: grid staff or a
// micro-grid worker.
func (p Person) IsStaff() bool { return p.IsGridStaff() || p.Has(RoleMicroGridWorker) }

var (
	mobileRe   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	landlineRe = regexp.MustCompile(`^0[0-9]{2,3}-?[0-9]{7,8}$`)
)

// NormalizePhone checks a Chinese mobile (11 digits) or landline number and
// returns it without spaces, in ASCII: full-width digits, plus and hyphen
// (１３９…, typed with a Chinese input method or in a spreadsheet) read as
// theirs, and the ideographic space as a space.
func NormalizePhone(s string) (string, error) {
	t := strings.Map(halfWidth, strings.TrimSpace(s))
	t = strings.NewReplacer(" ", "", "\u00a0", "").Replace(t)
	t = strings.TrimPrefix(t, "+86")
	if mobileRe.MatchString(t) || landlineRe.MatchString(t) {
		return t, nil
	}
	return "", Errorf(EINVALID, "phone %q: want an 11-digit mobile (1xxxxxxxxxx) or a landline (0579-xxxxxxxx)", s).
		Zh("电话 %q：应为 11 位手机号（1xxxxxxxxxx）或固定电话（0579-xxxxxxxx）", s).On("phone")
}

// halfWidth is r, a full-width digit, plus, hyphen or minus or the
// ideographic space, as its ASCII twin; any other rune as it is.
func halfWidth(r rune) rune {
	switch {
	case r >= '０' && r <= '９':
		return r - '０' + '0'
	case r == '＋':
		return '+'
	case r == '－', r == '−':
		return '-'
	case r == '\u3000':
		return ' '
	}
	return r
}

// Validate checks a person's fields.
func (p Person) Validate() error {
	if Blank(p.Name) {
		return Errorf(EINVALID, "person: name is empty").Zh("人员：姓名为空").On("name")
	}
	if n := utf8.RuneCountInString(p.Name); n > 32 {
		// The name is echoed cut: the refusal is one line, whatever was read.
		return Errorf(EINVALID, "person %s (%d characters): name longer than 32 characters", Clip(p.Name, 20), n).
			Zh("人员 %s（%d 字）：姓名超过 32 字", Clip(p.Name, 20), n).On("name")
	}
	if _, err := NormalizePhone(p.Phone); err != nil {
		return p.invalid(err)
	}
	if _, err := p.Node.level(); err != nil {
		return p.invalid(err)
	}
	if len(p.Roles) == 0 {
		return Errorf(EINVALID, "person %s: no role", p.Name).Zh("人员 %s：没有角色", p.Name).On("role")
	}
	if p.Lang != "" && p.Lang != "zh" && p.Lang != "en" {
		return Errorf(EINVALID, "person %s: language %q: want zh, en or none", p.Name, p.Lang).
			Zh("人员 %s：语言 %q 应为 zh、en 或空", p.Name, p.Lang).On("lang")
	}
	for _, r := range p.Roles {
		k, err := ParseRole(string(r))
		if err != nil {
			return p.invalid(err)
		}
		if k != r {
			// Has and the rules match keys only: a role stored by its
			// Chinese name or an alias would silently grant nothing.
			return Errorf(EINVALID, "person %s: role %q: store it as %q", p.Name, r, k).
				Zh("人员 %s：角色 %q 应存为 %q", p.Name, r, k).On("role")
		}
	}
	if p.Has(RoleReserve) != (p.Reserve != ReserveNone) {
		return Errorf(EINVALID, "person %s: a reserve needs a reserve kind, and only a reserve has one", p.Name).
			Zh("人员 %s：储备力量须有储备类型，且只有储备力量才有", p.Name).On("reserve")
	}
	return nil
}

// invalid is err, a refusal of one of p's fields, said of p.
func (p Person) invalid(err error) *Error {
	return Errorf(EINVALID, "person %s: %s", p.Name, ErrorMessage(err)).
		Zh("人员 %s：%s", p.Name, ErrorMessageZh(err)).On(ErrorField(err))
}
